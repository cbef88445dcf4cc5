import { credentialName, type DerivedSecret, derivedSecret, heredocBody, outsideSubstitutions, parameterReferences, secretEnv, secretInWord, secretsIn, stdoutRedirected } from '../../engine/model/secrets';
import type { Step } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { parseShell, type ShellCommand, type ShellWord } from '../../engine/languages/shell';

const PRINTERS = new Set(['echo', 'printf', 'cat']);

export default defineRule({
  id: 'gha/secret-in-log',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    printed: (command: string, secret: string) =>
      `'${command}' writes '${secret}' to the job log. GitHub masks the exact value, but any change to it (a substring, base64, JSON around it) is printed in clear for everyone who can read the logs.`,
    traceDerived: (expansion: string, secret: string) =>
      `'set -x' prints this command with its expansions, and '${expansion}' computes a new value from '${secret}': GitHub masks only the secret's exact text, so that value is printed in clear. Turn tracing off around it ('set +x').`,
    traceCredential: (names: string) =>
      `'set -x' prints every later command with its expansions, and ${names} ${names.includes(', ') ? 'are credentials' : 'is a credential'} expanded under it. GitHub masks a secret where its exact text appears, but bash's trace escapes quotes, backslashes and control characters in some values, and an escaped value no longer matches the mask. Turn tracing off around commands that use credentials ('set +x').`,
  },
  docs: {
    summary: 'Do not print secrets: no `echo`, `printf` or `cat` of secret values, no `set -x` over credentials or values computed from them.',
    rationale:
      'The runner masks a secret only where its exact text appears in the log. A secret that is printed in pieces, encoded, wrapped in JSON or spread over several lines comes through in clear, and logs are readable by everyone with read access to the repository (for public repositories: everyone) and are kept for months. Shell tracing (`set -x`) prints each command after expansion. A secret expanded as it is then shows up masked, but a value computed from it under tracing (`TOKEN=$(echo "$KEY" | base64)`, `${KEY:0:4}`, a token a CLI derives from it) is printed in clear: an error. Credentials expanded as they are under tracing are a warning: bash\'s trace escapes quotes, backslashes and control characters in some values, and the mask no longer matches them. Secrets that are no credential by name (an organisation, a user name, a region) are not reported under tracing. Registering a value with `::add-mask::` is the one legitimate echo.',
    symptom:
      'A credential shows up in a build log or a downloaded log archive; secret scanning opens an alert; a token has to be rotated in a hurry.',
    fix: 'Remove the debug print, or print only that the value is set (`[ -n "$TOKEN" ] && echo "token set"`). Pipe secrets into the program that needs them (`echo "$TOKEN" | docker login --password-stdin`) or write them to a file; output that goes to a pipe or a file is not flagged. Turn tracing off around commands that use secrets (`set +x`).',
    bad: `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo "Using token $DEPLOY_TOKEN"
        env:
          DEPLOY_TOKEN: \${{ secrets.DEPLOY_TOKEN }}
`,
    good: `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "::add-mask::$DEPLOY_TOKEN"
          echo "$DEPLOY_TOKEN" | docker login ghcr.io -u bot --password-stdin
        env:
          DEPLOY_TOKEN: \${{ secrets.DEPLOY_TOKEN }}
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const run = step.run;
      if (!run || !isShell(step) || !/secrets|\$/.test(run.value)) return;
      const vars = secretEnv(ctx.doc, step);
      if (vars.size === 0 && !run.value.includes('secrets')) return;
      const commands = parseShell(run.value);
      const trace = new TraceWatch(vars);
      const printedAt: [number, number][] = [];
      for (const command of commands) {
        trace.follow(command);
        const program = command.words[0]?.value;
        if (!program || !PRINTERS.has(program) || command.pipesOut || stdoutRedirected(command)) continue;
        if (command.allWords.some((word) => word.value.includes('::add-mask::')) || inProcessSubstitution(run.value, command)) continue;
        const printed = printedSecret(command, run.value, vars);
        if (!printed) continue;
        const [start, end] = printed.at;
        printedAt.push([command.allWords[0]!.start, command.allWords[command.allWords.length - 1]!.end]);
        ctx.report({
          span: run.text?.sourceSpan(start, end) ?? run.span,
          message: 'printed',
          args: [program, printed.secret],
        });
      }
      for (const { word, derived } of trace.derived) {
        // A print of it is reported already, as printing.
        if (printedAt.some(([start, end]) => word.start >= start && word.end <= end)) continue;
        ctx.report({ span: run.text?.sourceSpan(word.start, word.end) ?? run.span, message: 'traceDerived', args: [shorten(derived.expansion), derived.secret] });
      }
      for (const [setX, names] of trace.credentials) {
        if (names.size === 0) continue;
        const list = [...names].map((name) => `'${name}'`).join(', ');
        ctx.report({ span: run.text?.sourceSpan(setX.start, setX.end) ?? run.span, message: 'traceCredential', args: [list], severity: 'warning' });
      }
    },
  },
});

/**
 * What `set -x` prints of the secrets, command by command: values computed from a secret (never masked), and
 * credentials expanded as they are (masked unless the trace escapes them). Tracing runs from `set -x` (or `-o xtrace`)
 * to `set +x`.
 */
class TraceWatch {
  /** Words that print a value computed from a secret under tracing. */
  readonly derived: { word: ShellWord; derived: DerivedSecret }[] = [];
  /** Each `set -x` (its words' span) with the credentials expanded while it is on. */
  readonly credentials = new Map<{ start: number; end: number }, Set<string>>();
  private tracing: Set<string> | undefined;
  /** Variables the script sets: to a secret as it is (`PASS="$QUAY_PASSWORD"`), or to a value computed from one. */
  private readonly copies = new Map<string, string>();
  private readonly computed = new Map<string, string>();

  constructor(private readonly env: ReadonlyMap<string, string>) {}

  follow(command: ShellCommand): void {
    const toggle = xtraceToggle(command);
    if (toggle === 'on') {
      const names = new Set<string>();
      this.credentials.set({ start: command.words[0]!.start, end: command.words[command.words.length - 1]!.end }, names);
      this.tracing = names;
    } else if (toggle === 'off') {
      this.tracing = undefined;
    }
    const secrets = new Map([...this.env, ...this.copies]);
    for (const word of command.allWords) {
      const derived = derivedSecret(word.value, secrets) ?? this.computedIn(word.value);
      if (this.tracing && derived) this.derived.push({ word, derived });
      else if (this.tracing) this.noteCredentials(word.value, secrets, this.tracing);
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=([^]*)$/.exec(word.value);
      if (!assignment) continue;
      const [, name, value] = assignment as unknown as [string, string, string];
      const copied = derived ? undefined : secretInWord(value, secrets);
      if (derived) this.computed.set(name, derived.secret);
      else if (copied) this.copies.set(name, copied);
    }
    for (const redirect of command.redirects) if (this.tracing) this.noteCredentials(redirect.target.value, secrets, this.tracing);
  }

  /** `$AUTH` where the script set AUTH to a value computed from a secret. */
  private computedIn(text: string): DerivedSecret | undefined {
    for (const { name, operator } of parameterReferences(outsideSubstitutions(text))) {
      const secret = this.computed.get(name);
      if (secret && !/^:?\+/.test(operator)) return { secret, expansion: operator ? `\${${name}${operator}}` : `$${name}` };
    }
    return undefined;
  }

  /** Credentials a traced word expands as they are: variables or secrets named like one. */
  private noteCredentials(text: string, secrets: ReadonlyMap<string, string>, into: Set<string>): void {
    const outside = outsideSubstitutions(text);
    for (const { name, operator } of parameterReferences(outside)) {
      const secret = secrets.get(name);
      if (secret && !/^:?\+/.test(operator) && (credentialName(name) || credentialName(secret.slice('secrets.'.length)))) into.add(`$${name}`);
    }
    for (const secret of secretsIn(outside)) if (credentialName(secret.slice('secrets.'.length))) into.add(secret);
  }
}

/** Whether the command turns shell tracing on (`set -x`, `set -eux`, `set -o xtrace`) or off (`set +x`). */
function xtraceToggle(command: ShellCommand): 'on' | 'off' | undefined {
  if (command.words[0]?.value !== 'set') return undefined;
  const args = command.words.slice(1).map((word) => word.value);
  let toggle: 'on' | 'off' | undefined;
  args.forEach((arg, i) => {
    if (/^-[a-wyz]*x[a-z]*$/.test(arg) || (arg === '-o' && args[i + 1] === 'xtrace')) toggle = 'on';
    else if (/^\+[a-wyz]*x[a-z]*$/.test(arg) || (arg === '+o' && args[i + 1] === 'xtrace')) toggle = 'off';
  });
  return toggle;
}

/** A long expansion cut to fit in a message. */
function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}

/** `<(printf '%s' "$KEY")`: the output feeds another command, not the log. */
function inProcessSubstitution(script: string, command: ShellCommand): boolean {
  let at = (command.allWords[0]?.start ?? 0) - 1;
  while (at >= 0 && (script[at] === ' ' || script[at] === '\t')) at--;
  return script[at] === '(' && (script[at - 1] === '<' || script[at - 1] === '>');
}

function isShell(step: Step): boolean {
  return step.shell.kind === 'posix';
}

/** The secret the command prints and where (script offsets): an argument of echo/printf, or cat's here-string or heredoc. */
function printedSecret(command: ShellCommand, script: string, vars: Map<string, string>): { secret: string; at: [number, number] } | undefined {
  const [program, ...args] = command.words;
  if (program!.value !== 'cat') {
    for (const word of args) {
      const secret = secretInWord(outsideSubstitutions(word.value), vars);
      if (secret) return { secret, at: [word.start, word.end] };
    }
    return undefined;
  }
  if (args.length > 0) return undefined; // cat of files
  for (const redirect of command.redirects) {
    if (redirect.operator === '<<<') {
      const secret = secretInWord(redirect.target.value, vars);
      if (secret) return { secret, at: [redirect.target.start, redirect.target.end] };
    }
    const body = heredocBody(script, redirect);
    // A quoted tag (<<'EOF') keeps `$VAR` literal, but `${{ }}` is expanded by GitHub before the shell runs.
    const quoted = /['"]/.test(script.slice(redirect.target.start, redirect.target.end));
    const secret = body && secretInWord(body.text, quoted ? new Map() : vars);
    if (secret) return { secret, at: [program!.start, redirect.target.end] };
  }
  return undefined;
}
