/**
 * GitHub's workflow and action schemas (the template schema of @actions/workflow-parser), without their prose. A value
 * matches a definition when it matches one of its kinds; `oneOf` lists definitions by name.
 */
export interface SchemaDefinition {
  /**
   * Expressions (`${{ }}`) are allowed in this value and everything below it, with these contexts and special functions
   * (`hashFiles(1,255)`: the name, then the fewest and most arguments).
   */
  context?: readonly string[];
  oneOf?: string[];
  /** A string that must be one of these (an activity type, a permission level …). */
  allowedValues?: string[];
  null?: true;
  boolean?: true;
  number?: true;
  string?: { constant?: string; ignoreCase?: true; nonEmpty?: true };
  /** A sequence of this definition. */
  sequence?: string;
  mapping?: {
    properties: Record<string, { type: string; required?: true }>;
    /** Keys not in `properties` are allowed, of these definitions. */
    looseKey?: string;
    looseValue?: string;
  };
}

export type SchemaDefinitions = Readonly<Record<string, SchemaDefinition>>;
