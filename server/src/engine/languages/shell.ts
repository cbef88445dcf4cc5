/**
 * Just enough of POSIX shell to find the commands of a `run:` script: words, quotes, `${{ }}`,
 * `$( )`, separators (newline ; && || | &), comments, line continuations and heredoc bodies.
 * Rules match commands, not substrings, so `echo "npm install"` or `# npm install` never fire.
 */

export interface ShellWord {
  /** The word with quotes and backslashes removed (`${{ }}` and `$( )` kept as written). */
  value: string;
  /** Offsets of the word as written, into the script. */
  start: number;
  end: number;
}

export interface ShellCommand {
  /** Words after leading `VAR=value` assignments, `sudo` and shell keywords: `words[0]` is the program. */
  words: ShellWord[];
  /** Every word as written, assignments included. */
  allWords: ShellWord[];
  /** Redirections in the order written (`> out.txt`, `>> "$GITHUB_OUTPUT"`, `2>&1`, `<<< word`, `<<EOF`): not among the words. */
  redirects: ShellRedirect[];
  /** Whether the command's output goes into a pipe (`cmd | next`), not to the log. */
  pipesOut: boolean;
}

export interface ShellRedirect {
  /** The operator as written: `>`, `>>`, `2>`, `&>`, `>&`, `<`, `<<<`, `<<`, `<<-`. */
  operator: string;
  target: ShellWord;
}

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', 'time', '{', '}', 'sudo', 'exec', 'command']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function parseShell(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let redirects: ShellRedirect[] = [];
  const pendingHeredocs: { tag: string; stripTabs: boolean }[] = [];
  let i = 0;
  const n = script.length;

  const endCommand = (pipesOut = false) => {
    if (words.length > 0) {
      let first = 0;
      while (first < words.length && (ASSIGNMENT.test(words[first]!.value) || KEYWORDS.has(words[first]!.value))) first++;
      commands.push({ words: words.slice(first), allWords: words, redirects, pipesOut });
    }
    words = [];
    redirects = [];
  };

  const skipHeredocBodies = () => {
    // Called at a line break: the bodies of heredocs opened on this line follow it.
    for (const { tag, stripTabs } of pendingHeredocs) {
      while (i < n) {
        const lineEnd = script.indexOf('\n', i);
        const stop = lineEnd < 0 ? n : lineEnd;
        let line = script.slice(i, stop).replace(/\r$/, '');
        if (stripTabs) line = line.replace(/^\t+/, '');
        i = lineEnd < 0 ? n : lineEnd + 1;
        if (line.trim() === tag) break;
      }
    }
    pendingHeredocs.length = 0;
  };

  while (i < n) {
    const ch = script[i]!;
    if (ch === '\n') {
      endCommand();
      i++;
      skipHeredocBodies();
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '\\' && (script[i + 1] === '\n' || (script[i + 1] === '\r' && script[i + 2] === '\n'))) {
      i += script[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (ch === '#') {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    if (ch === ';' || ch === '|' || ch === '&' || ch === '(' || ch === ')') {
      // `a | b` pipes a's output (`|&` too); `a || b` does not.
      endCommand(ch === '|' && script[i + 1] !== '|' && script[i - 1] !== '|');
      i++;
      continue;
    }
    if (ch === '<' && script[i + 1] === '<' && script[i + 2] !== '<') {
      i += 2;
      const stripTabs = script[i] === '-';
      if (stripTabs) i++;
      while (script[i] === ' ' || script[i] === '\t') i++;
      const tagWord = readWord(script, i);
      i = tagWord.end;
      if (tagWord.value) {
        pendingHeredocs.push({ tag: tagWord.value, stripTabs });
        redirects.push({ operator: stripTabs ? '<<-' : '<<', target: tagWord });
      }
      continue;
    }
    const redirect = (ch >= '0' && ch <= '9') || ch === '<' || ch === '>' ? /^\d*(?:>>?|<<<|<)&?/.exec(script.slice(i, i + 8)) : null;
    if (redirect && (redirect[0].length > 1 || !/\d/.test(ch))) {
      // `> file`, `2>&1`, `<<< word`: the operator and its target are not arguments.
      i += redirect[0].length;
      while (script[i] === ' ' || script[i] === '\t') i++;
      const target = readWord(script, i);
      i = target.end;
      redirects.push({ operator: redirect[0], target });
      continue;
    }
    const word = readWord(script, i);
    if (word.end === i) {
      i++;
      continue;
    }
    words.push(word);
    i = word.end;
  }
  endCommand();
  return commands;
}

const WORD_END = new Set([' ', '\t', '\r', '\n', ';', '|', '&', '(', ')', '<', '>']);

function readWord(script: string, start: number): ShellWord {
  let i = start;
  let value = '';
  const n = script.length;
  while (i < n) {
    const ch = script[i]!;
    if (WORD_END.has(ch)) break;
    if (ch === '\\' && i + 1 < n) {
      if (script[i + 1] === '\n') {
        i += 2;
        continue;
      }
      value += script[i + 1];
      i += 2;
      continue;
    }
    if (ch === "'") {
      const close = script.indexOf("'", i + 1);
      const stop = close < 0 ? n : close;
      value += script.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (ch === '"') {
      i++;
      while (i < n && script[i] !== '"') {
        if (script[i] === '\\' && i + 1 < n) {
          value += script[i + 1];
          i += 2;
          continue;
        }
        if (script[i] === '$' && (script[i + 1] === '(' || script[i + 1] === '{')) {
          const end = skipBalanced(script, i + 1);
          value += script.slice(i, end);
          i = end;
          continue;
        }
        const run = plainRunEnd(script, i, IN_DOUBLE_QUOTES_SPECIAL);
        value += script.slice(i, run);
        i = run;
      }
      i++;
      continue;
    }
    if (ch === '$' && (script[i + 1] === '(' || script[i + 1] === '{')) {
      const end = skipBalanced(script, i + 1);
      value += script.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '`') {
      const close = script.indexOf('`', i + 1);
      const stop = close < 0 ? n : close + 1;
      value += script.slice(i, stop);
      i = stop;
      continue;
    }
    const run = plainRunEnd(script, i, UNQUOTED_SPECIAL);
    value += script.slice(i, run);
    i = run;
  }
  return { value, start, end: Math.min(i, n) };
}

/** Characters that end a run of literal text outside quotes (a word's end, an escape, a quote, a substitution) … */
const UNQUOTED_SPECIAL = charSet(' \t\r\n;|&()<>\\\'"$`');
/** … and inside double quotes. */
const IN_DOUBLE_QUOTES_SPECIAL = charSet('"\\$');

function charSet(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (const ch of chars) set[ch.charCodeAt(0)] = 1;
  return set;
}

/** The end of the run of literal text at `from` (at least one character: the one at `from` is taken as literal). */
function plainRunEnd(script: string, from: number, special: Uint8Array): number {
  let i = from + 1;
  while (i < script.length) {
    const code = script.charCodeAt(i);
    if (code < 128 && special[code] === 1) break;
    i++;
  }
  return i;
}

/** From an opening bracket, the offset just past its matching close (quotes inside are respected). */
function skipBalanced(script: string, open: number): number {
  const opener = script[open]!;
  const closer = opener === '(' ? ')' : '}';
  let depth = 0;
  let i = open;
  while (i < script.length) {
    const ch = script[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === "'" && opener === '(') {
      const close = script.indexOf("'", i + 1);
      i = close < 0 ? script.length : close + 1;
      continue;
    }
    if (ch === opener) depth++;
    else if (ch === closer) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return script.length;
}
