/** Seconds per unit of Go's `time.ParseDuration`, which Argo Rollouts and External Secrets use. */
const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  '\u00b5s': 1e-6,
  '\u03bcs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

// `\d+(?:\.\d*)?`, not `\d+\.?\d*`: two digit runs that can split one number backtrack quadratically on a long one.
const TERM = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/;

/**
 * A Go duration string (`30s`, `1h30m`, `1.5h`, `0`) in seconds, or undefined when Go would reject it
 * (no unit, unknown unit, empty). Mirrors `time.ParseDuration`.
 */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let seconds = 0;
  while (rest !== '') {
    const match = TERM.exec(rest);
    if (!match) return undefined;
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return sign * seconds;
}

/** `90` → `1m30s`, `3600` → `1h`: how a duration in seconds reads in a message or hover. */
export function formatSeconds(seconds: number): string {
  if (seconds <= 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round((seconds % 60) * 1000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
