import { defineRule } from '../../engine/core/rule';
import { addStepInputs, usesNode } from '../../engine/edits/workflowEdit';
import { scalarToString, spanOf } from '../../engine/yaml/yamlFile';
import type { Step } from '../../engine/model/workflow';
import { publishingJobs, releaseOnlyWorkflow } from '../../engine/model/publishing';

export default defineRule({
  id: 'gha/docker-build-cache',
  presets: { recommended: 'off', strict: 'info' },
  dora: ['lead-time'],
  capabilities: ['continuous-integration'],
  // Builds then read and write GitHub's cache (and need a buildx builder): what the step does changes.
  fixable: 'suggestion',
  messages: {
    missing: (action: string) =>
      `'${action}' has neither 'cache-from' nor 'cache-to': every run starts on a fresh runner and rebuilds all layers, dependency installs included.`,
    missingNoBuildx: (action: string) =>
      `'${action}' has neither 'cache-from' nor 'cache-to': every run rebuilds all layers. Exporting a layer cache needs a buildx builder, so add 'docker/setup-buildx-action' before this step too.`,
  },
  docs: {
    summary: 'Give `docker/build-push-action` a layer cache (`cache-from` / `cache-to`).',
    rationale:
      'Hosted runners are new machines each time, so Docker\'s local layer cache is always empty. Without an exported cache, every build re-downloads base images and re-runs `npm ci`, `pip install` or `go mod download` even when only one source file changed, which adds minutes to every pipeline and to every fix you need to ship in a hurry.',
    symptom: 'Image builds take the same long time on every run, and the log shows every `RUN` step executing instead of `CACHED`.',
    fix: 'Add `cache-from: type=gha` and `cache-to: type=gha,mode=max` (or a registry cache: `type=registry,ref=<image>:buildcache`). The GitHub cache backend needs a buildx builder created by `docker/setup-buildx-action`; the quick-fix is only offered when the job has one. Steps with `no-cache: true` are not flagged, nor builds in jobs whose work is published: a build that pushes its image (`push: true`, or an expression), a job with another publishing step (`docker push`, `npm publish`, `gh release create`, goreleaser, …) and the jobs it needs that upload artifacts, and every job of a release workflow: one that runs only on `release` events and tag pushes (`push:` with `tags:` and no `branches:`), optionally also on `workflow_dispatch`, or only on `workflow_dispatch` and creates a GitHub release. Any workflow that runs on the default branch can write the GitHub cache those builds would restore: a cache there is what cache poisoning needs (`gha/cache-poisoning`), so building from scratch is the price of a clean release.',
    bad: `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/setup-buildx-action@v3
      - uses: docker/build-push-action@v6
        with:
          push: false
          tags: app:test
`,
    good: `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/setup-buildx-action@v3
      - uses: docker/build-push-action@v6
        with:
          push: false
          tags: app:test
          cache-from: type=gha
          cache-to: type=gha,mode=max
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      if (step.job.synthetic || step.action?.id !== 'docker/build-push-action') return;
      if (step.inputs.has('cache-from') || step.inputs.has('cache-to')) return;
      if (scalarToString(step.inputs.get('no-cache')?.value) === 'true') return;
      // What a publishing job builds is published: a cache it restores is what cache poisoning needs (gha/cache-poisoning),
      // which also notes a cache in any job of a workflow whose every run is a release.
      if (ctx.acrossJobs(publishingJobs).includes(step.job.id) || ctx.acrossJobs(releaseOnlyWorkflow)) return;
      const uses = usesNode(step);
      if (!uses) return;
      const buildx = hasBuildxBefore(step);
      const edit = buildx
        ? addStepInputs(ctx.file, step, [
            ['cache-from', 'type=gha'],
            ['cache-to', 'type=gha,mode=max'],
          ])
        : undefined;
      ctx.report({
        span: spanOf(uses),
        message: buildx ? 'missing' : 'missingNoBuildx',
        args: [step.uses ?? 'docker/build-push-action'],
        ...(edit ? { fix: { title: 'Cache layers in the GitHub Actions cache', edits: [edit] } } : {}),
      });
    },
  },
});

// The default `docker` driver cannot export a cache; a builder from setup-buildx (or `docker buildx create`) can.
function hasBuildxBefore(step: Step): boolean {
  return step.job.steps.some(
    (earlier) => earlier.index < step.index && (earlier.action?.id === 'docker/setup-buildx-action' || (earlier.run !== undefined && /\bdocker\s+buildx\s+create\b/.test(earlier.run.value))),
  );
}
