/** Blue-green, canary and feature flags compared, in our words; facts from the seed article. */

export type ReleaseTechnique = 'blueGreen' | 'canary' | 'featureFlags';

const TITLES: Record<ReleaseTechnique, string> = { blueGreen: 'Blue-green', canary: 'Canary', featureFlags: 'Feature flags' };

const ROWS: { label: string; cells: Record<ReleaseTechnique, string> }[] = [
  { label: 'Traffic control', cells: { blueGreen: 'all at once: 0 % → 100 %', canary: 'in steps: 10 % → 30 % → 100 %', featureFlags: 'per user, segment or tenant' } },
  { label: 'Rollback speed', cells: { blueGreen: 'instant: point the Service back', canary: 'minutes: traffic shifts back to stable', featureFlags: 'instant: turn the flag off' } },
  { label: 'Infrastructure cost', cells: { blueGreen: 'two full environments during the switch', canary: 'a few extra pods while it runs', featureFlags: 'none extra' } },
  { label: 'Tested on real traffic', cells: { blueGreen: 'no: users switch before it is proven', canary: 'yes: a slice of live users first', featureFlags: 'yes: chosen users first' } },
  { label: 'Database migrations', cells: { blueGreen: 'schema must serve old and new', canary: 'schema must serve old and new', featureFlags: 'new code path can wait behind the flag' } },
  { label: 'Best for', cells: { blueGreen: 'infrastructure and config changes', canary: 'application code releases', featureFlags: 'feature launches, A/B tests' } },
  { label: 'Risk surface', cells: { blueGreen: 'everyone at once if the switch-back fails', canary: 'small blast radius per step', featureFlags: 'a wrong flag reaches every user' } },
  { label: 'Tooling', cells: { blueGreen: 'load balancer or Service switch, a second environment', canary: 'Argo Rollouts or Flagger, metrics for analysis', featureFlags: 'a flag service (LaunchDarkly, Unleash, OpenFeature…)' } },
  { label: 'DORA impact', cells: { blueGreen: 'lower change failure rate', canary: 'lower change failure rate and time to restore', featureFlags: 'higher deployment frequency' } },
];

/** What the file's own strategy is, in one sentence, and which technique it is closest to. */
const CURRENT: Record<string, { lead: string; closest: ReleaseTechnique }> = {
  canary: { lead: 'This Rollout releases as a **canary**: a growing share of traffic reaches the new version while analysis watches it.', closest: 'canary' },
  blueGreen: { lead: 'This Rollout releases **blue-green**: the new version runs beside the old one and takes all traffic at promotion.', closest: 'blueGreen' },
  RollingUpdate: { lead: 'This Deployment uses **RollingUpdate**: pods are replaced a few at a time, with no traffic control or automatic analysis (closest to a canary without the brakes).', closest: 'canary' },
  Recreate: { lead: 'This Deployment uses **Recreate**: every old pod stops before new ones start, so there is downtime on each release (closest to blue-green without the second environment).', closest: 'blueGreen' },
};

const WHEN_OTHER: Record<ReleaseTechnique, string> = {
  blueGreen: 'Choose a canary when you want live traffic to prove the release before everyone gets it, and feature flags to release a feature independently of the deploy.',
  canary: 'Choose blue-green for infrastructure changes that need one clean cutover, and feature flags to ship code dark and turn features on per user.',
  featureFlags: 'Choose a canary or blue-green for changes a flag cannot guard, such as infrastructure or dependency upgrades.',
};

/** `numbers`: what the object's own settings mean (pods down or extra at worst), after the lead. */
export function strategyHoverMarkdown(strategy: string, numbers?: string): string | undefined {
  const current = CURRENT[strategy];
  if (!current) return undefined;
  const order: ReleaseTechnique[] = [current.closest, ...(['canary', 'blueGreen', 'featureFlags'] as const).filter((t) => t !== current.closest)];
  const header = `| | ${order.map((t) => TITLES[t]).join(' | ')} |`;
  const rule = `|---|${order.map(() => '---').join('|')}|`;
  const rows = ROWS.map((row) => `| ${row.label} | ${order.map((t) => row.cells[t]).join(' | ')} |`);
  return [current.lead, ...(numbers ? [numbers] : []), [header, rule, ...rows].join('\n'), WHEN_OTHER[current.closest]].join('\n\n');
}
