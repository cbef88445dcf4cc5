import { editDistance } from '../languages/suggest';

/**
 * GitHub-hosted runner labels: the images GitHub retired (a job asking for one never starts) and the ones it offers,
 * plus the label shapes of larger runners and of runner vendors. Data only; `gha/runner-label` reads it.
 *
 * Refresh: the announcements are the issues labelled "Announcement" in github.com/actions/runner-images; an image's
 * labels stop working on its retirement date. `CHECKED_ON` is the day this table was last compared with them: a label is
 * treated as retired when its date is on or before that day, so the rule's output does not change with the clock.
 */
export const CHECKED_ON = '2026-12-05';

export interface RetiredImage {
  /** Lower-case labels (runs-on labels are compared case-insensitively). */
  labels: readonly string[];
  /** The retirement date (YYYY-MM-DD): from then on a job naming one of the labels fails without running. */
  retired: string;
  /** The label the suggested fix puts in its place: the nearest image still offered, pinned like the original. */
  successor: string;
  /** The announcement. */
  source: string;
}

export const RETIRED_IMAGES: readonly RetiredImage[] = [
  { labels: ['ubuntu-16.04'], retired: '2021-09-20', successor: 'ubuntu-24.04', source: 'https://github.com/actions/runner-images/issues/3287' },
  { labels: ['ubuntu-18.04'], retired: '2023-04-03', successor: 'ubuntu-24.04', source: 'https://github.com/actions/runner-images/issues/6002' },
  { labels: ['ubuntu-20.04'], retired: '2025-04-15', successor: 'ubuntu-24.04', source: 'https://github.com/actions/runner-images/issues/11101' },
  { labels: ['windows-2016'], retired: '2022-03-15', successor: 'windows-2022', source: 'https://github.com/actions/runner-images/issues/4312' },
  { labels: ['windows-2019'], retired: '2025-06-30', successor: 'windows-2022', source: 'https://github.com/actions/runner-images/issues/12045' },
  { labels: ['macos-10.15'], retired: '2022-12-01', successor: 'macos-15', source: 'https://github.com/actions/runner-images/issues/5583' },
  { labels: ['macos-11'], retired: '2024-06-28', successor: 'macos-15', source: 'https://github.com/actions/runner-images/issues/9255' },
  { labels: ['macos-12', 'macos-12-large'], retired: '2024-12-03', successor: 'macos-15-intel', source: 'https://github.com/actions/runner-images/issues/10721' },
  // macOS 13 was the last Intel standard image before `macos-15-intel`; its arm64 larger runner moves to macos-15-xlarge.
  { labels: ['macos-13', 'macos-13-large'], retired: '2025-12-04', successor: 'macos-15-intel', source: 'https://github.com/actions/runner-images/issues/13046' },
  { labels: ['macos-13-xlarge'], retired: '2025-12-04', successor: 'macos-15-xlarge', source: 'https://github.com/actions/runner-images/issues/13046' },
  { labels: ['macos-14'], retired: '2026-11-02', successor: 'macos-15', source: 'https://github.com/actions/runner-images/issues/13518' },
  { labels: ['macos-14-large'], retired: '2026-11-02', successor: 'macos-15-large', source: 'https://github.com/actions/runner-images/issues/13518' },
  { labels: ['macos-14-xlarge'], retired: '2026-11-02', successor: 'macos-15-xlarge', source: 'https://github.com/actions/runner-images/issues/13518' },
];

/** The labels of images GitHub offers (standard and larger macOS runners), lower-case. */
export const HOSTED_LABELS: ReadonlySet<string> = new Set([
  'ubuntu-latest',
  'ubuntu-slim',
  'ubuntu-24.04',
  'ubuntu-22.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'windows-latest',
  'windows-2025',
  'windows-2025-vs2026',
  'windows-2022',
  'windows-11-arm',
  'macos-latest',
  'macos-26',
  'macos-15',
  'macos-15-intel',
  'macos-latest-large',
  'macos-15-large',
  'macos-26-large',
  'macos-latest-xlarge',
  'macos-15-xlarge',
  'macos-26-xlarge',
]);

/**
 * Labels every self-hosted runner gets (its OS and architecture): a `runs-on` naming one asks for a self-hosted runner
 * whether or not it also says `self-hosted`.
 */
export const SELF_HOSTED_DEFAULT_LABELS: ReadonlySet<string> = new Set(['self-hosted', 'linux', 'windows', 'macos', 'x64', 'arm', 'arm64']);

/**
 * Label shapes of runner vendors whose runners a workflow names by label: Depot, Blacksmith, BuildJet, Namespace,
 * Ubicloud, WarpBuild, RunsOn, Cirrus Runners, actuated, AWS CodeBuild, Cirun, CodSpeed.
 */
const VENDOR_LABEL =
  /^(?:depot-|blacksmith(?:-|$)|buildjet-|namespace-profile-|nscloud-|ubicloud(?:-|$)|warp-|runs-on[=,/]|ghcr\.io\/cirruslabs\/|actuated-|codebuild-|cirun-|codspeed-)/;

/**
 * GitHub's larger runners (and many self-hosted fleets) are named by their owners after the image, architecture and
 * size: `ubuntu-24.04-16core`, `ubuntu-latest-4-cores`, `8-core-ubuntu-latest`, `ubuntu-22.04-xl`, `ubuntu-x64`,
 * `ubuntu-arm64`, `github-ubuntu-24.04-x86_64-8`, `github-hosted-windows-x64-large`, `larger-runners`.
 */
const SIZED_LABELS: readonly RegExp[] = [
  /(?:^|[-_])\d+-?(?:cores?|vcpus?|cpus?)(?:$|[-_])/,
  /[-_](?:s|m|l|xl|xxl|small|medium|large|xlarge|gpu)$/,
  /^(?:ubuntu|windows|macos|linux)[-_](?:x64|x86[-_]64|amd64|arm64|aarch64)(?:$|[-_])/,
  /(?:^|-)github(?:-|$)|larger-runner/,
];

/** What a literal label is, as far as the rule can tell. */
/** The operating system of a GitHub-hosted image label, or of a self-hosted runner's OS label (`linux`, `windows`, `macos`). */
export function labelOs(label: string): 'linux' | 'windows' | 'macos' | undefined {
  const name = label.trim().toLowerCase();
  if (name === 'linux' || name.startsWith('ubuntu-')) return 'linux';
  if (name === 'windows' || name.startsWith('windows-')) return 'windows';
  if (name === 'macos' || name.startsWith('macos-')) return 'macos';
  return undefined;
}

export type LabelKind = { kind: 'retired'; image: RetiredImage } | { kind: 'hosted' } | { kind: 'self-hosted' } | { kind: 'vendor' } | { kind: 'sized' } | { kind: 'unknown' };

export function labelKind(label: string): LabelKind {
  const name = label.trim().toLowerCase();
  const image = RETIRED_IMAGES.find((candidate) => candidate.labels.includes(name) && candidate.retired <= CHECKED_ON);
  if (image) return { kind: 'retired', image };
  if (HOSTED_LABELS.has(name)) return { kind: 'hosted' };
  if (SELF_HOSTED_DEFAULT_LABELS.has(name)) return { kind: 'self-hosted' };
  if (VENDOR_LABEL.test(name)) return { kind: 'vendor' };
  if (SIZED_LABELS.some((pattern) => pattern.test(name))) return { kind: 'sized' };
  return { kind: 'unknown' };
}

/**
 * The offered label an unknown one is probably a typo of: a few letters apart with the same version numbers
 * (`ubuntu-lates` → `ubuntu-latest`, but never `macos-10` → `macos-15`).
 */
export function closeHostedLabel(label: string): string | undefined {
  const name = label.trim().toLowerCase();
  const digits = (text: string): string => text.replace(/\D/g, '');
  let best: { label: string; distance: number } | undefined;
  for (const candidate of HOSTED_LABELS) {
    if (digits(candidate) !== digits(name)) continue;
    const distance = editDistance(name, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { label: candidate, distance };
  }
  return best?.label;
}
