/**
 * What a rule may be configured with (`options: { minutes: { type: 'integer', minimum: 1, default: 30, … } }`).
 * One declaration feeds the rule's typed `ctx.option`, `.shipcheck.yaml` validation, the JSON schema and the rule page.
 */
export type OptionDeclaration = NumberOption | StringOption | BooleanOption;

export interface NumberOption {
  type: 'integer' | 'number';
  default: number;
  minimum?: number;
  maximum?: number;
  description: string;
}

export interface StringOption {
  type: 'string';
  default: string;
  /** Values must match it whole (anchor it): they end up in fixes' text, where anything else would break the YAML. */
  pattern?: RegExp;
  description: string;
}

export interface BooleanOption {
  type: 'boolean';
  default: boolean;
  description: string;
}

export type OptionDeclarations = Readonly<Record<string, OptionDeclaration>>;

/** The value `ctx.option` returns for a declaration. */
export type OptionValue<D extends OptionDeclaration> = D extends NumberOption ? number : D extends StringOption ? string : boolean;

/** Why `value` does not fit `declaration` (a sentence tail such as "must be an integer, not 'twenty'"), or undefined when it does. */
export function optionValueProblem(declaration: OptionDeclaration, value: unknown): string | undefined {
  const shown = typeof value === 'string' ? `'${value}'` : value === null ? 'empty' : typeof value === 'object' ? 'a list or mapping' : String(value);
  switch (declaration.type) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be ${declaration.type === 'integer' ? 'an integer' : 'a number'}, not ${shown}`;
      if (declaration.type === 'integer' && !Number.isInteger(value)) return `must be an integer, not ${shown}`;
      if (declaration.minimum !== undefined && value < declaration.minimum) return `must be at least ${declaration.minimum}, not ${shown}`;
      if (declaration.maximum !== undefined && value > declaration.maximum) return `must be at most ${declaration.maximum}, not ${shown}`;
      return undefined;
    }
    case 'string':
      if (typeof value !== 'string') return `must be a string, not ${shown}`;
      if (declaration.pattern && !declaration.pattern.test(value)) return `must look like ${declaration.default} (${declaration.pattern.source}), not ${shown}`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${shown}`;
  }
}
