import { classify } from '../engine/core/classify';
import type { Span } from '../engine/core/finding';
import { flaggerCanaryOf } from '../engine/model/flagger';
import { rolloutOf } from '../engine/model/rollout';
import type { YamlFile } from '../engine/yaml/yamlFile';
import { canaryTimelineSummary, flaggerTimelineSummary } from './timeline';

/** A line shown above a key: the release timeline it starts, in short (its hover has the whole of it). */
export interface TimelineLens {
  /** The key the line sits above: an Argo Rollout canary's `steps`, a Flagger Canary's `analysis`. */
  span: Span;
  title: string;
}

export function timelineLenses(file: YamlFile): TimelineLens[] {
  const lenses: TimelineLens[] = [];
  for (const doc of file.documents) {
    const classified = classify(file, doc);
    if (classified.type !== 'k8s') continue;
    for (const object of classified.objects) {
      const canary = rolloutOf(object, doc)?.canary;
      if (canary?.stepsKeySpan) lenses.push({ span: canary.stepsKeySpan, title: canaryTimelineSummary(canary) });
      const flagger = flaggerCanaryOf(object, doc);
      if (flagger?.analysis) {
        const title = flagger.skipAnalysis ? 'Flagger: skipAnalysis is true, so it promotes without running these checks' : flaggerTimelineSummary(flagger.analysis);
        lenses.push({ span: flagger.analysis.keySpan, title });
      }
    }
  }
  return lenses;
}
