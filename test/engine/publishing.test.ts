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

  it('adds the jobs a publishing job needs whose artifacts it downloads, up the chain', () => {
    const upload = (name: string) => `      - uses: actions/upload-artifact@v4\n        with: {name: '${name}'}\n`;
    const text =
      `on: push\njobs:\n${job('test', `    steps:\n      - run: npm test\n${upload('coverage-${{ matrix.os }}')}`)}` +
      `${job('build', `    steps:\n      - run: npm run build\n${upload('dist-${{ matrix.os }}')}`)}` +
      `${job('merge', `    needs: [build]\n    steps:\n      - uses: actions/download-artifact@v4\n        with: {pattern: 'dist-*'}\n${upload('all')}`)}` +
      `${job('publish', "    needs: [test, merge]\n    steps:\n      - uses: actions/download-artifact@v4\n        with: {name: all}\n      - run: npm publish\n")}`;
    // The coverage of 'test' is never downloaded by a job that publishes.
    assert.deepEqual(ids(text), ['build', 'merge', 'publish']);
    // A publishing job that downloads nothing publishes what it builds itself.
    const own = `on: push\njobs:\n${job('build', `    steps:\n${upload('dist')}`)}${job('publish', '    needs: [build]\n    steps: [{run: npm publish}]\n')}`;
    assert.deepEqual(ids(own), ['publish']);
    // A download of every artifact, or of a name only known at run time, takes every uploader before it.
    const all = (download: string) =>
      ids(`on: push\njobs:\n${job('build', `    steps:\n${upload('dist')}`)}${job('publish', `    needs: [build]\n    steps:\n      - uses: actions/download-artifact@v4${download}\n      - run: npm publish\n`)}`);
    assert.deepEqual(all(''), ['build', 'publish']);
    assert.deepEqual(all('\n        with: {name: "${{ needs.build.outputs.name }}"}'), ['build', 'publish']);
    assert.deepEqual(all('\n        with: {name: docs}'), ['publish']);
    // Artifacts of another run are no job's of this one.
    assert.deepEqual(all('\n        with: {run-id: "${{ github.event.workflow_run.id }}"}'), ['publish']);
  });

  it('leaves out dry runs and snapshots', () => {
    const text = (run: string) => `on: push\njobs:\n${job('a', `    steps: [{run: ${run}}]\n`)}`;
    for (const run of ['cargo publish --dry-run', 'npm publish --dry-run', 'cargo publish -n', 'goreleaser release --snapshot --clean', 'goreleaser release --skip=publish']) assert.deepEqual(ids(text(run)), [], run);
    const action = (args: string) => ids(`on: push\njobs:\n${job('a', `    steps:\n      - uses: goreleaser/goreleaser-action@v6\n        with: {args: '${args}'}\n`)}`);
    assert.deepEqual(action('release --snapshot --clean'), []);
    assert.deepEqual(action('build --single-target'), []);
    assert.deepEqual(action('release --clean'), ['a']);
  });

  it('counts pushes by digest and manifest lists as pushes', () => {
    const found = workflowOf(
      steps("      - uses: docker/build-push-action@v6\n        with:\n          outputs: type=image,push-by-digest=true,push=${{ github.event_name != 'pull_request' }}\n      - uses: docker/build-push-action@v6\n        with:\n          outputs: type=image,push=false\n      - run: docker buildx imagetools create -t ghcr.io/o/app:1 ghcr.io/o/app@sha256:abc\n"),
    ).workflow.jobs[0]!.steps.map(publishingStep);
    assert.deepEqual(found, ['docker/build-push-action with push', undefined, 'docker buildx imagetools create']);
  });

  it('counts a release script only where the job can reach a registry', () => {
    const script = '    steps: [{run: npm run release}]\n';
    assert.deepEqual(ids(`on: push\njobs:\n${job('a', script)}`), []);
    assert.deepEqual(ids(`on: push\npermissions:\n  id-token: write\njobs:\n${job('a', script)}`), ['a']);
    assert.deepEqual(ids(`on: push\njobs:\n${job('a', `    env:\n      NPM_TOKEN: \${{ secrets.NPM_TOKEN }}\n${script}`)}`), ['a']);
  });

  it('takes the jobs of a workflow run by hand that creates a GitHub release that hand their work on', () => {
    const build = job('build', '    steps:\n      - run: make\n      - uses: actions/upload-artifact@v4\n');
    const check = job('check', '    steps: [{run: make test}]\n');
    assert.deepEqual(ids(`on: workflow_dispatch\njobs:\n${build}${check}${job('release', '    steps: [{run: gh release create v1 --notes x}]\n')}`), ['build', 'release']);
    assert.deepEqual(ids(`on: workflow_dispatch\njobs:\n${build}${job('release', '    steps: [{uses: softprops/action-gh-release@v2}]\n')}`), ['build', 'release']);
    assert.deepEqual(ids(`on: workflow_dispatch\njobs:\n${build}${job('notes', '    steps: [{run: gh release view v1}]\n')}`), []);
    // Run on pushes too, only the job that creates the release is publishing.
    assert.deepEqual(ids(`on: [workflow_dispatch, push]\njobs:\n${build}${job('release', '    steps: [{run: gh release create v1}]\n')}`), ['release']);
  });

  it('takes the jobs of a release workflow whose work can leave the runner, not those that only check', () => {
    const on = 'on:\n  release:\n    types: [published]\n';
    const verify = job('verify', '    steps: [{run: gh release download v1}, {run: make verify}]\n');
    assert.deepEqual(ids(`${on}permissions:\n  contents: read\njobs:\n${verify}${job('upload', '    steps: [{run: make}, {uses: actions/upload-artifact@v4}]\n')}`), ['upload']);
    // A registry login, a registry token, a token that can write packages or sign: what the job builds is shipped.
    assert.deepEqual(ids(`${on}jobs:\n${verify}${job('image', '    steps: [{uses: docker/login-action@v3}, {run: make image-push}]\n')}`), ['image']);
    assert.deepEqual(ids(`${on}jobs:\n${verify}${job('ko', '    permissions:\n      packages: write\n    steps: [{run: make ko}]\n')}`), ['ko']);
    assert.deepEqual(ids(`${on}jobs:\n${verify}${job('sign', '    permissions:\n      id-token: write\n    steps: [{run: make sign}]\n')}`), ['sign']);
    // Writing contents attaches assets, unless the job opens a pull request with it; the repository default says nothing.
    const writes = (body: string) => ids(`${on}jobs:\n${job('a', `    permissions:\n      contents: write\n${body}`)}`);
    assert.deepEqual(writes('    steps: [{run: ./hack/create-release.sh}]\n'), ['a']);
    assert.deepEqual(writes('    steps: [{run: make bump}, {run: \'url=$(gh pr create --fill)\'}]\n'), []);
    assert.deepEqual(ids(`${on}jobs:\n${verify}`), []);
  });
});
