// The language server (server/src/server.ts, unchanged) with one rule made to throw, for the protocol test that a
// failing rule costs only its own findings. Only that test starts it; production code has no hook for this.
import { RULES } from '../../server/src/rules';

export const THROWING_RULE = 'gha/npm-ci';
export const FORCED_FAILURE = 'forced failure for the resilience test';

/** Replaces every hook of the rule with one that throws (in this process only). */
function breakRule(id: string): void {
  const rule = RULES.find((candidate) => candidate.id === id);
  if (!rule) throw new Error(`${id} is not registered`);
  const visit = rule.visit as Record<string, unknown>;
  for (const hook of Object.keys(visit)) {
    visit[hook] = () => {
      throw new Error(FORCED_FAILURE);
    };
  }
}

// Run as a script (not when a test imports the names above): break the rule, then start the real server.
if (require.main === module) {
  breakRule(THROWING_RULE);
  require('../../server/src/server');
}
