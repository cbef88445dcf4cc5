// Where steps and Kubernetes objects lie in a file, so that a finding and a peer's expectation can be matched by the
// step, object or container they are about when their lines differ.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Node } from 'yaml';

/** Lines, 1-based, both ends included. */
export interface LineSpan {
  start: number;
  end: number;
}

export interface ContainerSpan extends LineSpan {
  name: string | undefined;
}

export interface ObjectSpan extends LineSpan {
  kind: string | undefined;
  name: string | undefined;
  containers: ContainerSpan[];
  /**
   * Whether the object is a fragment that the API server rejects as written: an apps/v1 workload without
   * `spec.selector` (`spec: {replicas: 2}` is the commonest Kustomize patch), or an object with a container that has
   * no `image`. shipcheck reads such an object as a patch (the engine's `isPartialObject`) and leaves what it does not
   * set to its base.
   */
  fragment: boolean;
}

const SELECTOR_REQUIRED = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

function lineSpan(lines: LineCounter, range: readonly [number, number, number] | null | undefined): LineSpan | undefined {
  if (!range) return undefined;
  const start = lines.linePos(range[0]).line;
  return { start, end: Math.max(start, lines.linePos(Math.max(range[0], range[1] - 1)).line) };
}

function field(node: unknown, key: string): unknown {
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.value ?? undefined;
}

function text(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

/** Where the jobs of a workflow lie (from the job's key), and the steps of its jobs and of a composite action (`runs.steps`). */
export interface WorkflowLayout {
  jobs: LineSpan[];
  steps: LineSpan[];
}

export function workflowLayout(source: string): WorkflowLayout {
  const lines = new LineCounter();
  const layout: WorkflowLayout = { jobs: [], steps: [] };
  const addSteps = (steps: unknown): void => {
    if (!isSeq(steps)) return;
    for (const step of steps.items) {
      const span = lineSpan(lines, (step as Node | null)?.range);
      if (span) layout.steps.push(span);
    }
  };
  for (const doc of parseAllDocuments(source, { lineCounter: lines })) {
    if (!('contents' in doc)) continue;
    const jobs = field(doc.contents, 'jobs');
    if (isMap(jobs)) {
      for (const job of jobs.items) {
        const key = lineSpan(lines, (job.key as Node | null)?.range);
        const value = lineSpan(lines, (job.value as Node | null)?.range);
        if (key) layout.jobs.push({ start: key.start, end: Math.max(key.end, value?.end ?? key.end) });
        addSteps(field(job.value, 'steps'));
      }
    }
    addSteps(field(field(doc.contents, 'runs'), 'steps'));
  }
  return layout;
}

/** The objects of a manifest file: kind, name, and the containers (init containers too) anywhere in them. */
export function objectSpans(source: string): ObjectSpan[] {
  const lines = new LineCounter();
  const objects: ObjectSpan[] = [];
  for (const doc of parseAllDocuments(source, { lineCounter: lines })) {
    if (!('contents' in doc) || !isMap(doc.contents)) continue;
    const span = lineSpan(lines, doc.contents.range);
    if (!span) continue;
    const containers: ContainerSpan[] = [];
    let imageless = false;
    visit(doc.contents, {
      Pair: (_key, pair) => {
        if (!isPair(pair) || !isScalar(pair.key) || !['containers', 'initContainers'].includes(String(pair.key.value)) || !isSeq(pair.value)) return;
        for (const item of pair.value.items) {
          const itemSpan = lineSpan(lines, (item as Node | null)?.range);
          if (itemSpan) containers.push({ ...itemSpan, name: text(field(item, 'name')) });
          if (field(item, 'image') === undefined) imageless = true;
        }
      },
    });
    const kind = text(field(doc.contents, 'kind'));
    const selectorless = kind !== undefined && SELECTOR_REQUIRED.has(kind) && text(field(doc.contents, 'apiVersion')) === 'apps/v1' && field(field(doc.contents, 'spec'), 'selector') === undefined;
    const fragment = imageless || selectorless;
    objects.push({ ...span, kind, name: text(field(field(doc.contents, 'metadata'), 'name')), containers, fragment });
  }
  return objects;
}

/**
 * Whether a file's workloads are all fragments (`ObjectSpan.fragment`): it holds at least one, and every object with
 * containers is one. Its other objects (a Service, a budget) do not make it whole.
 */
export function isFragmentFile(objects: readonly ObjectSpan[]): boolean {
  return objects.some((object) => object.fragment) && objects.filter((object) => object.containers.length > 0 || object.fragment).every((object) => object.fragment);
}
