import { MemoKey, memoOn } from './memo';
import type { Span } from '../core/finding';
import { type StringPattern, type Value } from '../languages/expressions';
import { isMap, isSeq, mapFields, scalarToString, seqItems, type Node, type YamlDoc } from '../yaml/yamlFile';
import { stringList, type Workflow } from './workflow';

/** The filters of one event under `on:` (absent lists mean "no such filter"). */
export interface TriggerFilter {
  branches?: string[];
  branchesIgnore?: string[];
  tags?: string[];
  tagsIgnore?: string[];
  /** Activity types (`types: [opened, labeled]`). */
  types?: string[];
}

export interface Triggers {
  /** Event name → its filters. */
  events: Map<string, TriggerFilter>;
  /** False when `on:` is missing or has a shape we could not read: then no event can be ruled out. */
  complete: boolean;
  /** The `on:` key, for findings about triggers. */
  span?: Span;
}

const TRIGGERS = new MemoKey<Triggers>('triggers');

/** The events a workflow's `on:` fires on (string, list or map form) with their branch/tag filters. */
export function workflowTriggers(workflow: Workflow, yaml: YamlDoc): Triggers {
  return memoOn(workflow, TRIGGERS, () => readTriggers(workflow, yaml));
}

function readTriggers(workflow: Workflow, yaml: YamlDoc): Triggers {
  const field = workflow.fields.get('on') ?? workflow.fields.get('true');
  const events = new Map<string, TriggerFilter>();
  if (!field || !field.value) return { events, complete: false, ...(field ? { span: field.keySpan } : {}) };
  const value = field.value;
  let complete = true;
  if (isSeq(value)) {
    for (const item of seqItems(yaml, value)) {
      const name = scalarToString(item);
      if (name === undefined) complete = false;
      else events.set(name.toLowerCase(), {});
    }
  } else if (isMap(value)) {
    for (const [name, eventField] of mapFields(yaml, value)) {
      const filter = readFilter(yaml, eventField.value);
      if (!filter) complete = false;
      events.set(name.toLowerCase(), filter ?? {});
    }
  } else {
    const name = scalarToString(value);
    if (name === undefined) complete = false;
    else events.set(name.toLowerCase(), {});
  }
  // An event name that is not one (an expression, a typo with spaces) means we cannot rule anything out.
  if (events.size === 0 || [...events.keys()].some((name) => !/^[a-z_]+$/.test(name))) complete = false;
  return { events, complete, span: field.keySpan };
}

function readFilter(yaml: YamlDoc, node: Node | undefined): TriggerFilter | undefined {
  // `push:` with nothing, `push: null` and `schedule: [...]` carry no branch filters.
  if (!node || isSeq(node) || (!isMap(node) && scalarToString(node) === undefined)) return {};
  if (!isMap(node)) return undefined;
  const fields = mapFields(yaml, node);
  const filter: TriggerFilter = {};
  const list = (key: string): string[] | undefined => (fields.has(key) ? stringList(yaml, fields.get(key)?.value) : undefined);
  const branches = list('branches');
  const branchesIgnore = list('branches-ignore');
  const tags = list('tags');
  const tagsIgnore = list('tags-ignore');
  const types = list('types');
  if (branches) filter.branches = branches;
  if (branchesIgnore) filter.branchesIgnore = branchesIgnore;
  if (tags) filter.tags = tags;
  if (tagsIgnore) filter.tagsIgnore = tagsIgnore;
  if (types) filter.types = types;
  return filter;
}

/** One way the workflow can start: an event, and what is then known about the `github` context. */
export interface TriggerCase {
  /** The event name, or undefined when the event itself is unknown. */
  event: string | undefined;
  /** Known values by lowercased context path (`github.event_name`, `github.ref`, `github.ref_name` …). */
  values: Map<string, Value>;
}

const GLOB = /[*?+[\]!]/;

function pattern(prefix: string, suffix = ''): StringPattern {
  return { pattern: true, prefix, suffix };
}

/** A ref for each filter entry: literals exactly, globs by their literal start. Negations only exclude. */
function refsFor(prefix: string, entries: string[] | undefined): Value[] {
  if (!entries) return [pattern(prefix)];
  const refs: Value[] = [];
  for (const entry of entries) {
    if (entry.startsWith('!')) continue;
    const glob = GLOB.exec(entry);
    refs.push(glob ? pattern(prefix + entry.slice(0, glob.index)) : prefix + entry);
  }
  return refs.length > 0 ? refs : [pattern(prefix)];
}

function refValues(ref: Value, kind: 'branch' | 'tag' | undefined): [string, Value][] {
  const values: [string, Value][] = [['github.ref', ref]];
  if (typeof ref === 'string') values.push(['github.ref_name', ref.replace(/^refs\/(heads|tags)\//, '')]);
  if (kind) values.push(['github.ref_type', kind]);
  return values;
}

/**
 * Every case the workflow can start with: one per event, split further by the refs its branch/tag
 * filters allow and its activity types. `workflow_call` makes the event unknown (a called workflow
 * sees its caller's event); an incomplete `on:` gives one case where nothing is known.
 */
export function triggerCases(triggers: Triggers): TriggerCase[] {
  if (!triggers.complete || triggers.events.has('workflow_call')) return [{ event: undefined, values: new Map() }];
  const cases: TriggerCase[] = [];
  for (const [event, filter] of triggers.events) {
    const base: [string, Value][] = [['github.event_name', event]];
    const refSets: [string, Value][][] = [];
    if (event === 'push') {
      const onBranches = filter.branches !== undefined || filter.branchesIgnore !== undefined;
      const onTags = filter.tags !== undefined || filter.tagsIgnore !== undefined;
      const branches = onBranches || !onTags;
      const tags = onTags || !onBranches;
      if (branches) for (const ref of refsFor('refs/heads/', filter.branches)) refSets.push(refValues(ref, 'branch'));
      if (tags) for (const ref of refsFor('refs/tags/', filter.tags)) refSets.push(refValues(ref, 'tag'));
      for (const set of refSets) set.push(['github.base_ref', ''], ['github.head_ref', '']);
    } else if (event === 'pull_request') {
      for (const base of refsFor('refs/heads/', filter.branches)) {
        // refs/pull/<number>/merge: its short name is `<number>/merge`, never a branch name.
        const set: [string, Value][] = [['github.ref', pattern('refs/pull/', '/merge')], ['github.ref_name', pattern('', '/merge')]];
        if (typeof base === 'string') set.push(['github.base_ref', base.slice('refs/heads/'.length)]);
        refSets.push(set);
      }
    } else if (event === 'pull_request_target') {
      for (const base of refsFor('refs/heads/', filter.branches)) refSets.push(refValues(base, 'branch'));
    } else if (event === 'merge_group') {
      refSets.push([['github.ref', pattern('refs/heads/gh-readonly-queue/')]]);
    } else if (event === 'release') {
      refSets.push([['github.ref', pattern('refs/tags/')]]);
    } else if (event === 'schedule') {
      refSets.push([['github.ref', pattern('refs/heads/')]]);
    } else {
      refSets.push([]);
    }
    const actions = filter.types && filter.types.length > 0 ? filter.types : [undefined];
    for (const refs of refSets) {
      for (const action of actions) {
        const values = new Map<string, Value>([...base, ...refs]);
        if (action !== undefined) values.set('github.event.action', action);
        cases.push({ event, values });
      }
    }
  }
  return cases;
}

/** An event that only ever runs for a published release or a pushed tag (`push:` filtered to tags, with no branches). */
export function isReleaseOrTagEvent(name: string, filter: TriggerFilter): boolean {
  if (name === 'release') return true;
  const tags = filter.tags !== undefined || filter.tagsIgnore !== undefined;
  return name === 'push' && tags && filter.branches === undefined && filter.branchesIgnore === undefined;
}

/** Whether every event the workflow runs on is a release or a tag push: everything it builds is a release. */
export function runsOnlyForReleases(triggers: Triggers): boolean {
  return triggers.complete && [...triggers.events].every(([name, filter]) => isReleaseOrTagEvent(name, filter));
}

/**
 * How a workflow's events relate to releasing: `release` when each is a release or a tag push, or `workflow_dispatch`
 * next to at least one of those (the release run again by hand); `manual` when it runs only by hand (a release only
 * if it publishes one); undefined otherwise (branch pushes, pull requests, schedules, calls from other workflows…).
 */
export function releaseTriggers(triggers: Triggers): 'release' | 'manual' | undefined {
  if (!triggers.complete) return undefined;
  let release = false;
  for (const [name, filter] of triggers.events) {
    if (isReleaseOrTagEvent(name, filter)) release = true;
    else if (name !== 'workflow_dispatch') return undefined;
  }
  return release ? 'release' : 'manual';
}

/**
 * Events on which a workflow runs with the base repository's secrets and a token that can write, for text that
 * someone without write access chooses (an issue, a comment, a fork's pull request or branch, a wiki page), directly
 * or (`workflow_run`) after a run they started.
 */
export const PRIVILEGED_EVENTS: ReadonlySet<string> = new Set([
  'pull_request_target',
  'issues',
  'issue_comment',
  'discussion',
  'discussion_comment',
  'workflow_run',
  'gollum',
]);

/**
 * Whether the workflow may run on a privileged event: one of `PRIVILEGED_EVENTS`, or an event it cannot know (a
 * reusable workflow runs on its caller's event; an unreadable `on:`). False means every event it runs on is one where
 * a stranger's text comes with a read-only token and no secrets (`pull_request`) or only from people with write
 * access (`push`, `workflow_dispatch`, `schedule` …).
 */
export function mayRunPrivileged(triggers: Triggers): boolean {
  if (!triggers.complete || triggers.events.has('workflow_call')) return true;
  return [...triggers.events.keys()].some((event) => PRIVILEGED_EVENTS.has(event));
}
