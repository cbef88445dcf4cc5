import { formatSeconds } from '../engine/languages/duration';
import { effectiveInterval, effectiveThreshold, FLAGGER_MIN_INTERVAL_SECONDS, type FlaggerAnalysis, flaggerStrategy, hasEntries, weightSchedule } from '../engine/model/flagger';
import type { BlueGreenStrategy, CanaryStrategy } from '../engine/model/rollout';

/**
 * A canary's steps as a timeline: the weight after each step, pauses and analysis gates, and the
 * shortest time to full traffic, e.g. `10 % → pause 5m → analysis → 100 % · at least 5m`.
 */
export function canaryTimeline(canary: CanaryStrategy): { line: string; minimumSeconds: number; manual: boolean } {
  const parts: string[] = [];
  let seconds = 0;
  let manual = false;
  let weight = 0;
  for (const step of canary.steps) {
    if (step.setWeight) {
      weight = step.setWeight.value;
      parts.push(`${weight} %`);
    } else if (step.pause) {
      const duration = step.pause.duration;
      if (duration.kind === 'indefinite') {
        manual = true;
        parts.push('pause (waits for manual promotion)');
      } else if (duration.kind === 'timed') {
        seconds += duration.seconds;
        parts.push(`pause ${formatSeconds(duration.seconds)}`);
      } else parts.push(`pause "${duration.text}" (invalid)`);
    } else if (step.analysis) {
      parts.push(`analysis${step.analysis.templates.length > 0 ? ` (${step.analysis.templates.map((t) => t.name).join(', ')})` : ''}`);
    } else if (step.experiment) {
      const duration = step.experiment.duration;
      if (duration?.kind === 'timed') seconds += duration.seconds;
      parts.push(`experiment${duration?.kind === 'timed' ? ` ${formatSeconds(duration.seconds)}` : ''}`);
    } else if (step.action) {
      parts.push(step.action.type);
    }
  }
  if (weight !== 100) parts.push('100 %');
  const total = seconds > 0 ? `at least ${formatSeconds(seconds)}` : 'no timed pauses';
  return { line: `${parts.join(' → ')} · ${total}${manual ? ' plus manual promotion' : ''}`, minimumSeconds: seconds, manual };
}

export function canaryTimelineMarkdown(canary: CanaryStrategy): string {
  const { line, manual } = canaryTimeline(canary);
  const lines = [`**Rollout timeline** (weights are the share of traffic on the new version):`, `\`${line}\``];
  if (canary.backgroundAnalysis) lines.push('A background analysis runs for the whole rollout and aborts it when it fails.');
  if (manual) lines.push('`pause: {}` stops until someone promotes the rollout (`kubectl argo rollouts promote`).');
  if (!canary.steps.some((step) => step.analysis || step.experiment) && !canary.backgroundAnalysis) {
    lines.push('Nothing measures the new version on the way: each step only waits. Add an `analysis` step so bad releases roll back on their own.');
  }
  return lines.join('\n\n');
}

/** A blue-green rollout's phases in a line: preview, analyses, promotion, scale-down. */
export function blueGreenLine(blueGreen: BlueGreenStrategy): string {
  const parts = ['new version starts beside the old (preview)'];
  if (blueGreen.prePromotionAnalysis) parts.push('pre-promotion analysis');
  parts.push(blueGreen.autoPromotionEnabled ? 'automatic promotion: all traffic switches' : 'waits for manual promotion: then all traffic switches');
  if (blueGreen.postPromotionAnalysis) parts.push('post-promotion analysis');
  parts.push('old version scaled down');
  return parts.join(' → ');
}

export function blueGreenTimelineMarkdown(blueGreen: BlueGreenStrategy): string {
  return [`**Rollout timeline** (blue-green):`, blueGreenLine(blueGreen)].join('\n\n');
}

/**
 * A Flagger analysis as a timeline: one check per interval, the weights it moves through (or the iterations of a
 * blue/green or A/B run), the least time before promotion, and how soon failing checks roll it back.
 */
export function flaggerTimeline(analysis: FlaggerAnalysis): { line: string; minimumSeconds: number; rollbackSeconds: number } {
  const interval = effectiveInterval(analysis);
  const threshold = effectiveThreshold(analysis);
  const strategy = flaggerStrategy(analysis);
  let checks: number;
  let line: string;
  if (strategy === 'canary') {
    const weights = weightSchedule(analysis);
    checks = weights.length;
    line = weights.length > 0 ? `${weights.map((weight) => `${weight} %`).join(` → `)} → promotion` : 'no weight step set: the canary never advances';
  } else {
    checks = Math.floor(analysis.iterations!.value);
    line = `${checks} ${checks === 1 ? 'check' : 'checks'} on the ${strategy === 'a/b' ? 'users the match conditions select' : 'new version (no live traffic)'} → promotion`;
  }
  const minimumSeconds = checks * interval;
  const rollbackSeconds = threshold * interval;
  return { line: `${line} · at least ${formatSeconds(minimumSeconds)}`, minimumSeconds, rollbackSeconds };
}

export function flaggerTimelineMarkdown(analysis: FlaggerAnalysis): string {
  const interval = effectiveInterval(analysis);
  const threshold = effectiveThreshold(analysis);
  const strategy = flaggerStrategy(analysis);
  const { line, rollbackSeconds } = flaggerTimeline(analysis);
  const kind = strategy === 'canary' ? 'progressive canary' : strategy === 'a/b' ? 'A/B test' : 'blue/green';
  const lines = [`**Flagger analysis timeline** (${kind}, one check every ${formatSeconds(interval)}${intervalNote(analysis)}):`, `\`${line}\``];
  if (strategy === 'canary') lines.push('Weights are the share of traffic on the new version; after the last, Flagger copies it onto the primary and sends all traffic there.');
  lines.push(`Rollback after **${threshold}** failed ${threshold === 1 ? 'check' : 'checks'}: about ${formatSeconds(rollbackSeconds)} of failures.`);
  if (!hasEntries(analysis.metrics) && !hasEntries(analysis.webhooks)) lines.push('No `metrics` or `webhooks`: each check only looks at pod readiness.');
  return lines.join('\n\n');
}

function intervalNote(analysis: FlaggerAnalysis): string {
  const written = analysis.interval;
  if (!written) return ', the default';
  if (written.seconds === undefined) return `: '${written.value}' cannot be read, so the default`;
  if (written.seconds < FLAGGER_MIN_INTERVAL_SECONDS) return `: '${written.value}' is raised to the minimum`;
  return '';
}

/**
 * The canary's timeline in one line (the CodeLens above `steps:`): the least time to full traffic, the steps, and
 * the weights analyses run at, e.g. `canary: at least 15m to 100 % · 4 steps · analysis at 10 %, 50 %`.
 */
export function canaryTimelineSummary(canary: CanaryStrategy): string {
  const { minimumSeconds, manual } = canaryTimeline(canary);
  const time = minimumSeconds > 0 ? `at least ${formatSeconds(minimumSeconds)}${manual ? ' plus manual promotion' : ''}` : manual ? 'manual promotion' : 'no timed pause';
  const parts = [`canary: ${time} to 100 %`, `${canary.steps.length} ${canary.steps.length === 1 ? 'step' : 'steps'}`];
  const weights: number[] = [];
  let weight = 0;
  for (const step of canary.steps) {
    if (step.setWeight) weight = step.setWeight.value;
    if ((step.analysis || (step.experiment?.analyses.length ?? 0) > 0) && weights.at(-1) !== weight) weights.push(weight);
  }
  if (weights.length > 0) parts.push(`analysis at ${weights.map((value) => `${value} %`).join(', ')}`);
  if (canary.backgroundAnalysis) parts.push('background analysis');
  if (weights.length === 0 && !canary.backgroundAnalysis) parts.push('no analysis');
  return parts.join(' · ');
}

/**
 * A Flagger analysis in one line (the CodeLens above `analysis:`): the least time to promotion, the checks and how
 * many failed ones roll it back, e.g. `Flagger canary: at least 5m to promotion · 5 checks every 1m · rollback after 2 failed checks`.
 */
export function flaggerTimelineSummary(analysis: FlaggerAnalysis): string {
  const strategy = flaggerStrategy(analysis);
  const name = `Flagger ${strategy === 'canary' ? 'canary' : strategy === 'a/b' ? 'A/B test' : 'blue/green'}`;
  const checks = strategy === 'canary' ? weightSchedule(analysis).length : Math.floor(analysis.iterations!.value);
  if (checks === 0) return `${name}: no weight step set, so the canary never advances`;
  const threshold = effectiveThreshold(analysis);
  const { minimumSeconds } = flaggerTimeline(analysis);
  return [
    `${name}: at least ${formatSeconds(minimumSeconds)} to promotion`,
    `${checks} ${checks === 1 ? 'check' : 'checks'} every ${formatSeconds(effectiveInterval(analysis))}`,
    `rollback after ${threshold} failed ${threshold === 1 ? 'check' : 'checks'}`,
  ].join(' · ');
}
