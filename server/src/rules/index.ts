import type { Rule } from '../engine/rule';
import npmCi from './gha/npm-ci';
import imageTag from './k8s/image-tag';
import probeIdentical from './k8s/probe-identical';

/** Every rule, sorted by id. A test fails when a rule file is missing here or out of order. */
export const RULES: readonly Rule[] = [npmCi, imageTag, probeIdentical];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
