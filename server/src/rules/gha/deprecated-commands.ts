import type { TextEdit } from '../../engine/core/finding';
import { parseShell, type ShellCommand } from '../../engine/languages/shell';
import type { RunScript } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';

// A workflow command as a script prints it; `::set-output` in a comment line is not one.
const COMMAND = /::(set-output|save-state|set-env|add-path)(?=[\s:])/g;
// `echo "::set-output name=x::value"`, the word as written (quotes kept): its name, and the value as written.
const ECHOED = /^(["']?)::(set-output|save-state) +name=([A-Za-z_][A-Za-z0-9_-]*)::/;

type Command = 'set-output' | 'save-state' | 'set-env' | 'add-path';
const REPLACEMENT: Record<Command, string> = {
  'set-output': 'GITHUB_OUTPUT',
  'save-state': 'GITHUB_STATE',
  'set-env': 'GITHUB_ENV',
  'add-path': 'GITHUB_PATH',
};

const messages = {
  disabled: (command: string, file: string) =>
    `'::${command}' was disabled in 2020: the runner ignores it (the step fails) unless 'ACTIONS_ALLOW_UNSECURE_COMMANDS' turns it back on, which lets any printed text change the environment. Append to '$${file}' instead.`,
  deprecated: (command: string, file: string) =>
    `'::${command}' is deprecated: it reads the value back from the log, where anything else the step prints can forge it, and GitHub may turn it off. Append 'name=value' to '$${file}' instead.`,
};

export default defineRule({
  id: 'gha/deprecated-commands',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-integration'],
  fixable: 'safe',
  messages,
  docs: {
    summary: 'Use `$GITHUB_OUTPUT`, `$GITHUB_STATE`, `$GITHUB_ENV` and `$GITHUB_PATH`, not the `::set-output` family of log commands.',
    rationale:
      "The runner once took outputs, state, environment variables and `PATH` entries from lines a step printed (`echo \"::set-output name=x::v\"`). Everything a step prints goes through the same channel, so a test's output, a file it shows or a title it logs could forge them: a line saying `::set-env name=NODE_OPTIONS::--require /tmp/evil.js` ran code in every later step. GitHub disabled `::set-env` and `::add-path` in 2020 (the step fails unless `ACTIONS_ALLOW_UNSECURE_COMMANDS` is set, an error here) and deprecated `::set-output` and `::save-state` in 2022 (a warning: they still work, with an annotation on every run). The files named by `$GITHUB_OUTPUT`, `$GITHUB_STATE`, `$GITHUB_ENV` and `$GITHUB_PATH` are written directly and cannot be forged by printing.",
    symptom: "Runs carry the annotation \"The `set-output` command is deprecated and will be disabled soon\"; a step using `::set-env` fails with \"The `set-env` command is disabled\".",
    fix: "Append to the file instead: `echo \"name=value\" >> \"$GITHUB_OUTPUT\"` (`$GITHUB_STATE` for state, `$GITHUB_ENV` for variables) and `echo \"/some/dir\" >> \"$GITHUB_PATH\"`. In bash and sh the quick-fix rewrites `echo \"::set-output name=x::v\"` (and `::save-state`) this way when the value has no `%` escapes (which the old command decoded); it is safe because the output keeps its name and value. In PowerShell write `\"name=value\" >> $env:GITHUB_OUTPUT`.",
    bad: `on: push
jobs:
  version:
    runs-on: ubuntu-latest
    steps:
      - id: version
        run: echo "::set-output name=version::$(cat VERSION)"
`,
    good: `on: push
jobs:
  version:
    runs-on: ubuntu-latest
    steps:
      - id: version
        run: echo "version=$(cat VERSION)" >> "$GITHUB_OUTPUT"
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const run = step.run;
      if (!run || !run.value.includes('::')) return;
      const fixes = step.shell.kind === 'posix' ? echoFixes(run) : new Map<number, { title: string; edits: TextEdit[] }>();
      for (const match of run.value.matchAll(COMMAND)) {
        const lineStart = run.value.lastIndexOf('\n', match.index - 1) + 1;
        if (/^\s*(#|\/\/|rem\s)/i.test(run.value.slice(lineStart, match.index))) continue;
        const command = match[1] as Command;
        const span = run.text?.sourceSpan(match.index, match.index + match[0].length) ?? run.span;
        const fix = fixes.get(match.index);
        const disabled = command === 'set-env' || command === 'add-path';
        ctx.report({
          span,
          message: disabled ? 'disabled' : 'deprecated',
          args: [command, REPLACEMENT[command]],
          ...(disabled ? {} : { severity: 'warning' as const }),
          ...(fix ? { fix } : {}),
        });
      }
    },
  },
});

/** Safe rewrites of `echo "::set-output name=x::v"` (and `::save-state`) lines, by the offset of their `::` in the script. */
function echoFixes(run: RunScript): Map<number, { title: string; edits: TextEdit[] }> {
  const fixes = new Map<number, { title: string; edits: TextEdit[] }>();
  const text = run.text;
  if (!text) return fixes;
  for (const command of parseShell(run.value)) {
    const rewrite = rewriteEcho(command, run.value);
    if (!rewrite) continue;
    const replaced = text.sourceSpan(rewrite.replace.start, rewrite.replace.end);
    const last = text.sourceSpan(rewrite.wordEnd - 1, rewrite.wordEnd);
    if (!replaced || !last) continue;
    fixes.set(rewrite.replace.start, {
      title: `Append '${rewrite.name}=…' to '$${rewrite.file}'`,
      edits: [
        { start: replaced.start, end: replaced.end, newText: `${rewrite.name}=` },
        { start: last.end, end: last.end, newText: ` >> "$${rewrite.file}"` },
      ],
    });
  }
  return fixes;
}

function rewriteEcho(command: ShellCommand, script: string): { replace: { start: number; end: number }; wordEnd: number; name: string; file: string } | undefined {
  const [program, first, ...rest] = command.words;
  // Only `echo <the command>` printing to the log: flags, other words or a redirect would change what the line writes.
  // Unquoted, the command is two words (`::set-output` `name=x::v`), which echo joins with a space as before.
  if (program?.value !== 'echo' || !first || command.redirects.length > 0 || command.pipesOut) return undefined;
  if (command.allWords.length !== command.words.length) return undefined;
  const unquotedPair = rest.length === 1 && /^::(set-output|save-state)$/.test(script.slice(first.start, first.end)) && /^ +$/.test(script.slice(first.end, rest[0]!.start));
  if (rest.length > 0 && !unquotedPair) return undefined;
  const word = { start: first.start, end: (rest[0] ?? first).end };
  const raw = script.slice(word.start, word.end);
  const match = ECHOED.exec(raw);
  if (!match) return undefined;
  const quote = match[1]!;
  const value = raw.slice(match[0].length, quote ? -1 : undefined);
  // The old command decoded `%25`, `%0A`, `%0D`; the file takes the value as it is. A quote must close the word.
  if (value.includes('%') || (quote !== '' && !raw.endsWith(quote)) || value.includes(quote || '"')) return undefined;
  const start = word.start + quote.length;
  return { replace: { start, end: word.start + match[0].length }, wordEnd: word.end, name: match[3]!, file: REPLACEMENT[match[2] as Command] };
}
