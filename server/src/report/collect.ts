import { classify } from '../engine/core/classify';
import type { Finding, Severity } from '../engine/core/finding';
import type { DoraCapability, DoraMetric, Rule } from '../engine/core/rule';
import { attachFindings, pipelineOf, type Pipeline } from '../engine/model/pipeline';
import { releasePlanOf, type ReleasePlan } from '../engine/model/release';
import { rolloutOf } from '../engine/model/rollout';
import { flaggerCanaryOf } from '../engine/model/flagger';
import { parseYamlFile } from '../engine/yaml/yamlFile';
import { blueGreenLine, canaryTimeline, flaggerTimeline } from '../knowledge/timeline';
import { DORA_CAPABILITIES, DORA_METRICS } from '../knowledge/dora';

/** One checked file: its text and the run's findings in it (the report builds its models from the text). */
export interface ReportInput {
  path: string;
  text: string;
  findings: readonly Pick<Finding, 'ruleId' | 'severity' | 'message' | 'span'>[];
}

export interface ReportFinding {
  path: string;
  line: number;
  column: number;
  ruleId: string;
  severity: Severity;
  message: string;
}

export interface WorkflowSection {
  path: string;
  pipeline: Pipeline;
}

export interface WorkloadSection {
  path: string;
  plan: ReleasePlan;
  /** The timeline in a line (`knowledge/timeline.ts`), when the strategy has one. */
  timeline: string | undefined;
}

/** A group of findings: a DORA metric, a capability, or the engine's own findings that serve none. */
export interface FindingGroup {
  id: string;
  title: string;
  /** What the metric measures or the capability asks, in our words. */
  about: string;
  verdict: Verdict;
  /** Per rule, most severe first: how many findings and where. */
  rules: { ruleId: string; severity: Severity; findings: ReportFinding[] }[];
  total: number;
}

export interface Verdict {
  level: 'clear' | 'notes' | 'needs-work' | 'at-risk';
  text: string;
}

export interface ReportData {
  files: number;
  workflows: WorkflowSection[];
  workloads: WorkloadSection[];
  findings: ReportFinding[];
  byMetric: FindingGroup[];
  byCapability: FindingGroup[];
  /** Findings of rules that declare no metric (engine findings, bookkeeping rules). */
  unmapped: ReportFinding[];
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Builds the report's models from checked files and their findings; each file is parsed once and let go. */
export function collectReport(inputs: Iterable<ReportInput>, rules: readonly Rule[]): ReportData {
  const workflows: WorkflowSection[] = [];
  const workloads: WorkloadSection[] = [];
  const findings: ReportFinding[] = [];
  let files = 0;
  for (const input of inputs) {
    files++;
    const lines = lineStarts(input.text);
    for (const finding of input.findings) {
      const { line, column } = position(lines, finding.span.start);
      findings.push({ path: input.path, line, column, ruleId: finding.ruleId, severity: finding.severity, message: finding.message });
    }
    const file = parseYamlFile(input.text, input.path);
    for (const yaml of file.documents) {
      if (yaml.hasErrors) continue;
      const classified = classify(file, yaml);
      if (classified.type === 'workflow' && classified.workflow.kind === 'workflow') {
        const pipeline = pipelineOf(classified.workflow, yaml);
        attachFindings(pipeline, classified.workflow, input.findings);
        if (pipeline.nodes.length > 0) workflows.push({ path: input.path, pipeline });
      } else if (classified.type === 'k8s') {
        for (const object of classified.objects) {
          const plan = releasePlanOf(object, yaml);
          if (!plan) continue;
          workloads.push({ path: input.path, plan, timeline: timelineLine(object, yaml) });
        }
      }
    }
  }
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const metricGroups = groups(Object.entries(DORA_METRICS).map(([id, metric]) => ({ id, title: metric.title, about: metric.measures })), findings, (ruleId) => byId.get(ruleId)?.dora ?? []);
  const capabilityGroups = groups(
    Object.entries(DORA_CAPABILITIES).map(([id, capability]) => ({ id, title: capability.title, about: capability.asks })),
    findings,
    (ruleId) => byId.get(ruleId)?.capabilities ?? [],
  );
  const unmapped = findings.filter((finding) => (byId.get(finding.ruleId)?.dora.length ?? 0) === 0);
  return { files, workflows, workloads, findings, byMetric: metricGroups, byCapability: capabilityGroups, unmapped };
}

function timelineLine(object: Parameters<typeof rolloutOf>[0], yaml: Parameters<typeof rolloutOf>[1]): string | undefined {
  const rollout = rolloutOf(object, yaml);
  if (rollout?.canary) return canaryTimeline(rollout.canary).line;
  if (rollout?.blueGreen) return blueGreenLine(rollout.blueGreen);
  const analysis = flaggerCanaryOf(object, yaml)?.analysis;
  return analysis ? flaggerTimeline(analysis).line : undefined;
}

function groups(
  heads: { id: string; title: string; about: string }[],
  findings: readonly ReportFinding[],
  groupsOf: (ruleId: string) => readonly (DoraMetric | DoraCapability)[],
): FindingGroup[] {
  return heads.map((head) => {
    const byRule = new Map<string, ReportFinding[]>();
    for (const finding of findings) {
      if (!groupsOf(finding.ruleId).includes(head.id as DoraMetric & DoraCapability)) continue;
      const list = byRule.get(finding.ruleId) ?? [];
      list.push(finding);
      byRule.set(finding.ruleId, list);
    }
    const rules = [...byRule].map(([ruleId, list]) => ({ ruleId, severity: worst(list), findings: list }));
    rules.sort((a, b) => RANK[a.severity] - RANK[b.severity] || b.findings.length - a.findings.length || (a.ruleId < b.ruleId ? -1 : 1));
    const total = rules.reduce((sum, rule) => sum + rule.findings.length, 0);
    return { ...head, rules, total, verdict: verdictOf(rules.flatMap((rule) => rule.findings)) };
  });
}

function worst(findings: readonly ReportFinding[]): Severity {
  return findings.reduce<Severity>((most, finding) => (RANK[finding.severity] < RANK[most] ? finding.severity : most), 'hint');
}

/** A short verdict on a group: what its most severe findings say about it. */
export function verdictOf(findings: readonly Pick<ReportFinding, 'severity'>[]): Verdict {
  const count = (severity: Severity): number => findings.filter((finding) => finding.severity === severity).length;
  const errors = count('error');
  const warnings = count('warning');
  const notes = findings.length - errors - warnings;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (errors > 0) return { level: 'at-risk', text: `At risk: ${plural(errors, 'error')}${warnings > 0 ? ` and ${plural(warnings, 'warning')}` : ''} to fix first.` };
  if (warnings > 0) return { level: 'needs-work', text: `Needs work: ${plural(warnings, 'warning')}${notes > 0 ? `, ${plural(notes, 'note')}` : ''}.` };
  if (notes > 0) return { level: 'notes', text: `Sound, with ${plural(notes, 'note')} worth a look.` };
  return { level: 'clear', text: 'Nothing found.' };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}
