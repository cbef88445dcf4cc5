import type { Severity } from '../engine/core/finding';
import type { FindingGroup, ReportData, ReportFinding, WorkloadSection } from './collect';
import { escapeHtml, GRAPH_CSS, pipelineSvg, SVG_DEFS, weightChartSvg } from './svg';

export interface ReportOptions {
  /** Where rule pages live (ending in `/`): `<base><rule id>.md`. Without one, rule ids are not links. */
  docsBaseUrl: string | undefined;
  /** The tool's version, in the footer. */
  version: string;
  /** Findings listed per rule in a group before "and N more". */
  findingsPerRule?: number;
}

export const STRATEGY_NAMES: Record<WorkloadSection['plan']['strategy'], string> = {
  'argo-canary': 'Argo Rollouts canary',
  'argo-blue-green': 'Argo Rollouts blue-green',
  'flagger-canary': 'Flagger progressive canary',
  'flagger-blue-green': 'Flagger blue/green',
  'flagger-a/b': 'Flagger A/B test',
  'rolling-update': 'rolling update',
  recreate: 'recreate (all old pods stop before new ones start)',
  'on-delete': 'on delete (pods change only when deleted by hand)',
};

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--accent:#0969da;--crit:#bc4c00;--err:#cf222e;--warn:#9a6700;--info:#0969da;--ok:#1a7f37;
--gate:#ddf4ff;--test:#dafbe1;--slow:#fff8c5;--build:#f6f8fa;--deploy:#fbefff;--reusable:#eaeef2;--other:#ffffff}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;--accent:#4493f8;--crit:#f0883e;--err:#f85149;--warn:#d29922;--info:#4493f8;--ok:#3fb950;
--gate:#0c2d4f;--test:#0f3320;--slow:#3b2e05;--build:#21262d;--deploy:#2d1a3d;--reusable:#262c36;--other:#161b22}}
*{box-sizing:border-box}body{margin:0;padding:24px 32px;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:20px 0 4px;word-break:break-all}
.muted,.about{color:var(--muted)}a{color:var(--accent)}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.summary{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}.stat{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 14px}.stat b{display:block;font-size:20px}
.groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:12px}.group{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.group h3{margin:0}.verdict{font-weight:600}.at-risk{color:var(--err)}.needs-work{color:var(--warn)}.notes{color:var(--info)}.clear{color:var(--ok)}
table{border-collapse:collapse;width:100%;margin-top:6px}td,th{text-align:left;padding:2px 6px;border-top:1px solid var(--line);vertical-align:top}td.n{text-align:right;width:4em}
.sev{font-size:11px;text-transform:uppercase;font-weight:600}.sev.error{color:var(--err)}.sev.warning{color:var(--warn)}.sev.info,.sev.hint{color:var(--info)}
details{margin:2px 0}summary{cursor:pointer}ul.findings{margin:2px 0 6px;padding-left:18px;font-size:12px}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px;background:var(--bg);padding:4px}
${GRAPH_CSS}
.legend{font-size:12px;color:var(--muted);margin:4px 0}.legend span{display:inline-block;margin-right:12px}.sw{display:inline-block;width:12px;height:12px;border:1px solid var(--line);border-radius:3px;vertical-align:-2px;margin-right:4px}
.chart .grid{stroke:var(--line)}.chart .weights{fill:none;stroke:var(--accent);stroke-width:2.4}.chart .point{fill:var(--accent)}.chart .manual{fill:var(--bg);stroke:var(--crit);stroke-width:2}
.workload{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 14px;margin:10px 0}
footer{margin-top:40px;color:var(--muted);font-size:12px}
`;

/** The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched. */
export function reportHtml(data: ReportData, options: ReportOptions): string {
  const perRule = options.findingsPerRule ?? 12;
  const count = (severity: Severity): number => data.findings.filter((finding) => finding.severity === severity).length;
  const out: string[] = [];
  out.push(
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<title>shipcheck report</title>',
    `<style>${CSS}</style></head><body>`,
    SVG_DEFS,
    '<h1>shipcheck report</h1>',
    `<p class="muted">The pipelines and releases in ${data.files} checked file${data.files === 1 ? '' : 's'}, and what the findings mean for the four DORA metrics and the capabilities behind them.</p>`,
    '<div class="summary">',
    stat(data.workflows.length, 'workflows'),
    stat(data.workloads.length, 'workloads'),
    stat(data.findings.length, 'findings'),
    stat(count('error'), 'errors'),
    stat(count('warning'), 'warnings'),
    stat(count('info') + count('hint'), 'notes'),
    '</div>',
  );
  out.push('<h2 id="workflows">Workflows</h2>');
  if (data.workflows.length === 0) out.push('<p class="muted">No workflows.</p>');
  else out.push(LEGEND);
  for (const { path, pipeline } of data.workflows) {
    const title = pipeline.name ? `${pipeline.name} (${path})` : path;
    const critical = pipeline.criticalPath.map((id) => pipeline.nodes.find((node) => node.id === id)?.label ?? id);
    out.push(
      `<section class="workflow" data-path="${escapeHtml(path)}">`,
      `<h3>${escapeHtml(pipeline.name ?? path)}${pipeline.name ? ` <span class="muted">${escapeHtml(path)}</span>` : ''}</h3>`,
      `<p class="muted">${pipeline.nodes.length} job${pipeline.nodes.length === 1 ? '' : 's'}${critical.length > 0 ? ` · critical path ${escapeHtml(critical.join(' → '))} · ~${pipeline.criticalMinutes} min (estimate)` : ''}${unreachableNote(pipeline.nodes)}</p>`,
      `<div class="scroll">${pipelineSvg(pipeline, title)}</div>`,
      '</section>',
    );
  }

  out.push('<h2 id="workloads">Releases</h2>');
  if (data.workloads.length === 0) out.push('<p class="muted">No Deployments, StatefulSets, DaemonSets, Rollouts or Flagger Canaries.</p>');
  for (const workload of data.workloads) out.push(workloadHtml(workload));

  out.push('<h2 id="metrics">Findings by DORA metric</h2><div class="groups">', ...data.byMetric.map((group) => groupHtml(group, options.docsBaseUrl, perRule)), '</div>');
  out.push(
    '<h2 id="capabilities">Findings by DORA capability</h2><div class="groups">',
    ...data.byCapability.filter((group) => group.total > 0).map((group) => groupHtml(group, options.docsBaseUrl, perRule)),
    '</div>',
  );
  const clear = data.byCapability.filter((group) => group.total === 0).map((group) => group.title);
  if (clear.length > 0) out.push(`<p class="muted">No findings for: ${escapeHtml(clear.join(', '))}.</p>`);

  if (data.unmapped.length > 0) {
    out.push('<h2 id="other">Other findings</h2><p class="muted">Findings that serve no DORA metric: YAML that cannot be read, suppressions that hide nothing, bookkeeping.</p>');
    out.push(groupHtml({ id: 'other', title: 'Other', about: '', verdict: { level: 'notes', text: '' }, total: data.unmapped.length, rules: byRule(data.unmapped) }, options.docsBaseUrl, perRule));
  }
  out.push(
    `<footer>Made by shipcheck ${escapeHtml(options.version)}. Job times are estimates from each job's kind (fast gate 3 min, tests 8, slow tests 20, build 10, deploy 8, reusable workflow 10, other 4), capped by its timeout-minutes; the critical path is the longest chain of needs by those estimates.</footer>`,
    '</body></html>\n',
  );
  return out.join('\n');
}

const LEGEND =
  '<p class="legend"><span><i class="sw" style="background:var(--gate)"></i>fast gate</span><span><i class="sw" style="background:var(--test)"></i>tests</span>' +
  '<span><i class="sw" style="background:var(--slow)"></i>slow tests</span><span><i class="sw" style="background:var(--build)"></i>build</span><span><i class="sw" style="background:var(--deploy)"></i>deploy</span>' +
  '<span><i class="sw" style="border:2px solid var(--crit)"></i>critical path</span><span><i class="sw" style="border:1px dashed var(--muted)"></i>never runs</span>' +
  '<span>- - needs that can be skipped</span><span style="color:var(--err)">- - skip trap</span><span><i class="sw" style="background:var(--warn);border-radius:6px"></i>has findings</span></p>';

function stat(value: number, label: string): string {
  return `<div class="stat"><b>${value}</b>${label}</div>`;
}

function unreachableNote(nodes: readonly { unreachable: boolean }[]): string {
  const count = nodes.filter((node) => node.unreachable).length;
  return count > 0 ? ` · ${count} job${count === 1 ? '' : 's'} never run${count === 1 ? 's' : ''}` : '';
}

function byRule(findings: readonly ReportFinding[]): FindingGroup['rules'] {
  const map = new Map<string, ReportFinding[]>();
  for (const finding of findings) map.set(finding.ruleId, [...(map.get(finding.ruleId) ?? []), finding]);
  return [...map].map(([ruleId, list]) => ({ ruleId, severity: list[0]!.severity, findings: list }));
}

function ruleLink(ruleId: string, docsBaseUrl: string | undefined): string {
  const id = escapeHtml(ruleId);
  return docsBaseUrl ? `<a href="${escapeHtml(`${docsBaseUrl}${ruleId}.md`)}"><code>${id}</code></a>` : `<code>${id}</code>`;
}

function groupHtml(group: FindingGroup, docsBaseUrl: string | undefined, perRule: number): string {
  const rows = group.rules.map((rule) => {
    const shown = rule.findings.slice(0, perRule);
    const more = rule.findings.length - shown.length;
    const items = shown.map((finding) => `<li><code>${escapeHtml(`${finding.path}:${finding.line}:${finding.column}`)}</code> ${escapeHtml(finding.message)}</li>`).join('');
    return (
      `<tr><td><span class="sev ${rule.severity}">${rule.severity}</span></td><td><details><summary>${ruleLink(rule.ruleId, docsBaseUrl)}</summary>` +
      `<ul class="findings">${items}${more > 0 ? `<li class="muted">and ${more} more</li>` : ''}</ul></details></td><td class="n">${rule.findings.length}</td></tr>`
    );
  });
  return (
    `<div class="group" data-group="${escapeHtml(group.id)}"><h3>${escapeHtml(group.title)}</h3>` +
    (group.about ? `<div class="about">${escapeHtml(group.about)}.</div>` : '') +
    (group.verdict.text ? `<div class="verdict ${group.verdict.level}">${escapeHtml(group.verdict.text)}</div>` : '') +
    (rows.length > 0 ? `<table>${rows.join('')}</table>` : '') +
    '</div>'
  );
}

function workloadHtml({ path, plan, timeline }: WorkloadSection): string {
  const name = `${plan.kind} ${plan.namespace ? `${plan.namespace}/` : ''}${plan.name ?? '(no name)'}`;
  const facts = [STRATEGY_NAMES[plan.strategy]];
  if (plan.manualGates > 0) facts.push(`${plan.manualGates} manual promotion${plan.manualGates === 1 ? '' : 's'}`);
  if (plan.checks.length > 0) facts.push(`checks: ${plan.checks.join(', ')}`);
  return (
    `<div class="workload" data-strategy="${plan.strategy}"><h3>${escapeHtml(name)} <span class="muted">${escapeHtml(path)}</span></h3>` +
    `<div>${escapeHtml(facts.join(' · '))}</div>` +
    (timeline ? `<div class="muted"><code>${escapeHtml(timeline)}</code></div>` : '') +
    weightChartSvg(plan.weights, name) +
    '</div>'
  );
}

