import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { Memo } from '../../server/src/engine/incremental/memo';
import { publishingJobs, publishingStep } from '../../server/src/engine/model/publishing';
import { releaseTriggers, runsOnlyForReleases, workflowTriggers } from '../../server/src/engine/model/triggers';
import type { Workflow } from '../../server/src/engine/model/workflow';
import { parseYamlFile, type YamlDoc } from '../../server/src/engine/yaml/yamlFile';

function workflowOf(text: string): { workflow: Workflow; yaml: YamlDoc } {
  const file = parseYamlFile(text, '.github/workflows/ci.yml');
  const yaml = file.documents[0]!;
  const classified = classify(file, yaml);
  assert.equal(classified.type, 'workflow');
  return { workflow: (classified as { workflow: Workflow }).workflow, yaml };
}

const steps = (items: string) => `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${items}`;

describe('publishingStep', () => {
  const published = (step: string) => workflowOf(steps(step)).workflow.jobs[0]!.steps.map(publishingStep);

  it('names the commands that publish, launchers peeled', () => {
    const commands = [
      'npm publish --access public', 'pnpm -r publish', 'yarn npm publish', 'twine upload dist/*', 'docker push ghcr.io/o/app:1', 'docker buildx build --push .',
      'gh release create v1', 'cargo publish', 'goreleaser release --clean', 'npx semantic-release', 'mvn -B deploy', './gradlew publishToMavenCentral', 'dotnet nuget push x.nupkg',
    ];
    const found = published(commands.map((command) => `      - run: ${command}\n`).join(''));
    assert.deepEqual(found, ['npm publish', 'pnpm publish', 'yarn npm publish', 'twine upload', 'docker push', 'docker build --push', 'gh release create', 'cargo publish', 'goreleaser release', 'semantic-release', 'mvn deploy', 'gradlew publish', 'dotnet nuget push']);
  });

  it('leaves alone what only builds, logs in or mentions publishing', () => {
    const found = published('      - run: npm ci && npm run build\n      - run: docker build -t app .\n      - run: echo "npm publish"\n      - run: goreleaser build --snapshot\n      - run: gh release view\n      - run: ./gradlew publishToMavenLocal\n');
    assert.deepEqual(found, [undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('names publishing actions, build-push-action only when it pushes, changesets only with publish', () => {
    const found = published(
      [
        '      - uses: pypa/gh-action-pypi-publish@release/v1\n',
        '      - uses: docker/build-push-action@v6\n        with:\n          push: ${{ github.event_name != \'pull_request\' }}\n',
        '      - uses: docker/build-push-action@v6\n        with:\n          push: false\n',
        '      - uses: changesets/action@v1\n        with:\n          publish: pnpm release\n',
        '      - uses: changesets/action@v1\n',
      ].join(''),
    );
    assert.deepEqual(found, ['pypa/gh-action-pypi-publish', 'docker/build-push-action with push', undefined, 'changesets/action with publish', undefined]);
  });
});

describe("releaseTriggers: what publishingJobs counts as a release workflow", () => {
  const releases = (on: string) => {
    const { workflow, yaml } = workflowOf(`on:\n${on}\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n`);
    return releaseTriggers(workflowTriggers(workflow, yaml)) === 'release';
  };

  it('is true for releases and tag pushes, with workflow_dispatch beside them', () => {
    assert.equal(releases('  release:\n    types: [published]'), true);
    assert.equal(releases("  push:\n    tags: ['v*']\n  workflow_dispatch:"), true);
  });

  it('tells runsOnlyForReleases apart: workflow_dispatch beside a release is not only releases', () => {
    const only = (on: string) => {
      const { workflow, yaml } = workflowOf(`on:\n${on}\njobs:\n  a:\n    runs-on: x\n    steps: [{run: make}]\n`);
      return runsOnlyForReleases(workflowTriggers(workflow, yaml));
    };
    assert.equal(only("  push:\n    tags-ignore: ['nightly-*']"), true);
    assert.equal(only('  release:\n  workflow_dispatch:'), false);
    assert.equal(only('  workflow_call:\n  release:'), false);
  });

  it('is false for branch pushes, pull requests and hand-run workflows alone', () => {
    assert.equal(releases("  push:\n    tags: ['v*']\n    branches: [main]"), false);
    assert.equal(releases('  release:\n  pull_request:'), false);
    assert.equal(releases('  workflow_dispatch:'), false);
  });
});

describe('publishingJobs', () => {
  const ids = (text: string) => {
    const { workflow, yaml } = workflowOf(text);
    return publishingJobs(workflow, yaml, new Memo());
  };
  const job = (id: string, body: string) => `  ${id}:\n    runs-on: x\n${body}`;

  it('adds the jobs a publishing job needs that upload artifacts', () => {
    const text = `on: push\njobs:\n${job('test', '    steps: [{run: npm test}]\n')}${job('build', '    steps:\n      - run: npm run build\n      - uses: actions/upload-artifact@v4\n')}${job('publish', '    needs: [test, build]\n    steps: [{run: npm publish}]\n')}`;
    assert.deepEqual(ids(text), ['build', 'publish']);
  });

  it('counts a release script only where the job can reach a registry', () => {
    const script = '    steps: [{run: npm run release}]\n';
    assert.deepEqual(ids(`on: push\njobs:\n${job('a', script)}`), []);
    assert.deepEqual(ids(`on: push\npermissions:\n  id-token: write\njobs:\n${job('a', script)}`), ['a']);
    assert.deepEqual(ids(`on: push\njobs:\n${job('a', `    env:\n      NPM_TOKEN: \${{ secrets.NPM_TOKEN }}\n${script}`)}`), ['a']);
  });

  it('takes every job of a workflow run by hand that creates a GitHub release', () => {
    const build = job('build', '    steps: [{run: make}]\n');
    assert.deepEqual(ids(`on: workflow_dispatch\njobs:\n${build}${job('release', '    steps: [{run: gh release create v1 --notes x}]\n')}`), ['build', 'release']);
    assert.deepEqual(ids(`on: workflow_dispatch\njobs:\n${build}${job('release', '    steps: [{uses: softprops/action-gh-release@v2}]\n')}`), ['build', 'release']);
    assert.deepEqual(ids(`on: workflow_dispatch\njobs:\n${build}${job('notes', '    steps: [{run: gh release view v1}]\n')}`), []);
    // Run on pushes too, only the job that creates the release is publishing.
    assert.deepEqual(ids(`on: [workflow_dispatch, push]\njobs:\n${build}${job('release', '    steps: [{run: gh release create v1}]\n')}`), ['release']);
  });

  it('takes every job of a release workflow', () => {
    assert.deepEqual(ids(`on:\n  release:\njobs:\n${job('a', '    steps: [{run: make}]\n')}${job('b', '    steps: [{run: make}]\n')}`), ['a', 'b']);
  });
});
