import { heredocBody, outsideSubstitutions, secretEnv, secretInWord, stdoutRedirected } from '../../engine/model/secrets';
import type { Step } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { parseShell, type ShellCommand } from '../../engine/languages/shell';

const PRINTERS = new Set(['echo', 'printf', 'cat']);

export default defineRule({
  id: 'gha/secret-in-log',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  fixable: false,
  messages: {
    printed: (command: string, secret: string) =>
      `\`${command}\` writes \`${secret}\` to the job log. GitHub masks the exact value, but any change to it (a substring, base64, JSON around it) is printed in clear for everyone who can read the logs.`,
    trace: (secrets: string) =>
      `\`set -x\` traces every command with its variables expanded, and this script uses ${secrets}: the value ends up in the log, unmasked as soon as it is transformed.`,
  },
  docs: {
    summary: 'Do not print secrets: no `echo`, `printf`, `cat` or `set -x` on secret values.',
    rationale:
      'The runner masks a secret only where its exact text appears in the log. A secret that is printed in pieces, encoded, wrapped in JSON or spread over several lines comes through in clear, and logs are readable by everyone with read access to the repository (for public repositories: everyone) and are kept for months. Shell tracing (`set -x`) prints each command after expansion, so every secret a traced command uses is printed too. Registering a value with `::add-mask::` is the one legitimate echo.',
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
      const traced: { command: ShellCommand; start: number; end: number }[] = [];
      const used = new Set<string>();
      for (const command of commands) {
        for (const word of command.allWords) {
          const secret = secretInWord(word.value, vars);
          if (secret) used.add(secret);
        }
        const program = command.words[0]?.value;
        if (program === 'set' && command.words.slice(1).some((word, i, rest) => /^-[a-wyz]*x[a-z]*$/.test(word.value) || (word.value === '-o' && rest[i + 1]?.value === 'xtrace'))) {
          traced.push({ command, start: command.words[0]!.start, end: command.words[command.words.length - 1]!.end });
        }
        if (!program || !PRINTERS.has(program) || command.pipesOut || stdoutRedirected(command)) continue;
        if (command.allWords.some((word) => word.value.includes('::add-mask::')) || inProcessSubstitution(run.value, command)) continue;
        const printed = printedSecret(command, run.value, vars);
        if (!printed) continue;
        const [start, end] = printed.at;
        ctx.report({
          span: run.text?.sourceSpan(start, end) ?? run.span,
          message: 'printed',
          args: [program, printed.secret],
        });
      }
      if (traced.length > 0 && used.size > 0) {
        const names = [...used].map((secret) => `\`${secret}\``).join(', ');
        for (const { start, end } of traced) ctx.report({ span: run.text?.sourceSpan(start, end) ?? run.span, message: 'trace', args: [names] });
      }
    },
  },
});

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
