import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { buildProjectIndex } from '../../server/src/engine/core/projectIndex';
import { IncrementalLinter } from '../../server/src/engine/incremental/incremental';
import { ruleById } from '../../server/src/rules/index';
import type { ProjectFacts } from '../../server/src/engine/core/rule';

const CALLED = `on:
  workflow_call:
    inputs:
      environment: { type: string, required: true }
      dry-run: { type: boolean, default: false }
      replicas: { type: number }
    secrets:
      deploy-token: { required: true }
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`;
const CALLER = `on: push
jobs:
  deploy:
    uses: ./.github/workflows/deploy.yml
    with:
      enviroment: production
      dry-run: sometimes
      replicas: 3
    secrets:
      deploy_token: \${{ secrets.TOKEN }}
  missing:
    uses: ./.github/workflows/gone.yml
`;
// A workflow whose one step uses the local action .github/actions/setup.
const USES_SETUP = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/setup
`;
const rules = [ruleById('gha/workflow-call')!, ruleById('gha/action-inputs')!, ruleById('gha/action-runtime')!];
const messages = (result: { findings: { ruleId: string; message: string }[] }) => result.findings.filter((finding) => rules.some((rule) => rule.id === finding.ruleId)).map((finding) => finding.message);

describe('rules that read local files through the index', () => {
  const project: ProjectFacts = { workflowFiles: ['ci.yml', 'deploy.yml'] };

  it('checks a call against the workflow_call of the called file, and a file that is not there', () => {
    const index = buildProjectIndex([
      { path: 'repo/.github/workflows/deploy.yml', text: CALLED },
      { path: 'repo/.github/workflows/ci.yml', text: CALLER },
    ]);
    const found = messages(lint(CALLER, 'repo/.github/workflows/ci.yml', { rules, project, preset: 'strict', index }));
    assert.equal(found.length, 6, found.join('\n'));
    assert.ok(found.some((message) => message.includes("no input 'enviroment'") && message.includes("'environment'")));
    assert.ok(found.some((message) => message.includes("Input 'dry-run' is declared as a boolean")));
    assert.ok(found.some((message) => message.includes("requires input 'environment'")));
    assert.ok(found.some((message) => message.includes("no secret 'deploy_token'") && message.includes("'deploy-token'")));
    assert.ok(found.some((message) => message.includes("requires secret 'deploy-token'")));
    assert.ok(found.some((message) => message.includes("'./.github/workflows/gone.yml' does not exist")));
  });

  // GitHub rejects a call that leaves out a required input, default or not (protocol/.github#469: the call failed
  // with "Input … is required, but not provided while calling" once 'required: true' was added beside the default).
  it('asks for a required input that has a default too, and not for an optional one with a default', () => {
    const called = `on:
  workflow_call:
    inputs:
      go-version: { type: string, required: true, default: '1.19.x' }
      lint: { type: boolean, required: false, default: true }
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: make check
`;
    const index = buildProjectIndex([{ path: 'repo/.github/workflows/check.yml', text: called }]);
    const caller = (withBlock: string) => `on: push\njobs:\n  check:\n    uses: ./.github/workflows/check.yml\n${withBlock}`;
    const found = messages(lint(caller(''), 'repo/.github/workflows/ci.yml', { rules, project: { workflowFiles: ['check.yml', 'ci.yml'] }, preset: 'recommended', index }));
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /requires input 'go-version', which this job does not pass: GitHub rejects the call, though it has a default/);
    assert.ok(!found.some((message) => message.includes("'lint'")), 'an optional input with a default is not asked for');
    const passed = messages(lint(caller("    with:\n      go-version: '1.22.x'\n"), 'repo/.github/workflows/ci.yml', { rules, project: { workflowFiles: ['check.yml', 'ci.yml'] }, preset: 'recommended', index }));
    assert.deepEqual(passed, []);
  });

  it('says nothing of a missing file without a repository to look in, nor of a file outside .github', () => {
    const index = buildProjectIndex([{ path: 'repo/.github/workflows/ci.yml', text: CALLER }]);
    assert.deepEqual(messages(lint(CALLER, 'repo/.github/workflows/ci.yml', { rules, project: {}, preset: 'strict', index })), []);
    assert.deepEqual(messages(lint(CALLER, 'elsewhere/ci.yml', { rules, project, preset: 'strict', index: buildProjectIndex([]) })), []);
  });

  it('reads a local action, and checks again when its action.yml changes while the workflow text does not', () => {
    const workflow = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/setup
        with:
          version: 3
`;
    const action = (input: string, using = 'node16') => `name: setup\ninputs:\n  ${input}:\n    required: false\nruns:\n  using: ${using}\n  main: index.js\n`;
    const index = buildProjectIndex([{ path: '.github/actions/setup/action.yml', text: action('version') }]);
    const linter = new IncrementalLinter();
    const options = { rules, project: {}, preset: 'strict' as const, index };
    const first = messages(linter.lint(workflow, '.github/workflows/ci.yml', options));
    assert.deepEqual(first.length, 1, first.join('\n'));
    assert.ok(first[0]!.includes('node16'));
    index.setFile('.github/actions/setup/action.yml', action('release', 'node20'));
    const second = messages(linter.lint(workflow, '.github/workflows/ci.yml', options));
    assert.equal(second.length, 1, second.join('\n'));
    assert.ok(second[0]!.includes("no input 'version'"));
  });

  it('reports a local action whose runs.using is no runtime GitHub has, and not the ones it has', () => {
    const action = (using: string) => `name: setup\ndescription: d\nruns:\n  using: ${using}\n  main: index.js\n`;
    const run = (using: string) => messages(lint(USES_SETUP, '.github/workflows/ci.yml', { rules, project: {}, preset: 'strict', index: buildProjectIndex([{ path: '.github/actions/setup/action.yml', text: action(using) }]) }));
    for (const using of ['node14', "'node18'", 'nodejs20']) {
      const found = run(using);
      assert.equal(found.length, 1, found.join('\n'));
      assert.ok(found[0]!.includes(`'runs.using: ${using.replace(/'/g, '')}'`) && found[0]!.includes('not a runtime GitHub has'), found[0]);
    }
    for (const using of ['node20', 'node24', 'Node24', 'composite', 'docker']) assert.deepEqual(run(using), [], using);
  });

  it("notes in strict, once per problem at the step, what a local JavaScript or Docker action's metadata lacks by GitHub's metadata syntax", () => {
    const syntax = [ruleById('gha/syntax')!];
    const run = (metadata: string, preset: 'strict' | 'recommended' = 'strict') =>
      lint(USES_SETUP, '.github/workflows/ci.yml', { rules: syntax, project: {}, preset, ...(preset === 'recommended' ? { ruleSettings: { 'gha/syntax': 'error' as const } } : {}), index: buildProjectIndex([{ path: '.github/actions/setup/action.yml', text: `name: setup\n${metadata}` }]) })
        .findings.filter((finding) => finding.ruleId === 'gha/syntax')
        .map((finding) => `${finding.severity} ${finding.message}`);
    const found = run('branding:\n  icon: dog\n  color: gray-white\nruns:\n  using: node20\n  main: index.js\n');
    assert.equal(found.length, 3, found.join('\n'));
    assert.ok(found[0]!.startsWith("info './.github/actions/setup': .github/actions/setup/action.yml has no 'description'"), found[0]);
    assert.ok(found[1]!.startsWith("info './.github/actions/setup': in .github/actions/setup/action.yml, 'dog' is not an icon"), found[1]);
    assert.ok(found[2]!.startsWith("info './.github/actions/setup': in .github/actions/setup/action.yml, 'gray-white' is not a color"), found[2]);
    // Every documented value is taken, 'black' and 'table' too (the docs list them, @actions/workflow-parser's schema does not yet).
    assert.deepEqual(run('description: d\nbranding:\n  icon: table\n  color: black\nruns:\n  using: docker\n  image: Dockerfile\n'), []);
    assert.deepEqual(run("description: d\nbranding:\n  icon: ${{ inputs.icon }}\nruns:\n  using: node20\n  main: index.js\n"), []);
    // Not in recommended, even with the rule turned on; a composite action's own action.yml says it (checked as a file).
    assert.deepEqual(run('runs:\n  using: node20\n  main: index.js\n', 'recommended'), []);
    assert.deepEqual(run('runs:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n'), []);
  });

  it("says once, at the step, what a local JavaScript or Docker action's 'runs' lacks or has too many", () => {
    const syntax = [ruleById('gha/syntax')!];
    const run = (runs: string) =>
      lint(USES_SETUP, '.github/workflows/ci.yml', { rules: syntax, project: {}, preset: 'strict', index: buildProjectIndex([{ path: '.github/actions/setup/action.yml', text: `name: setup\ndescription: d\nruns:\n${runs}` }]) })
        .findings.filter((finding) => finding.ruleId === 'gha/syntax')
        .map((finding) => finding.message);
    const envOnNode = run('  using: node20\n  main: index.js\n  env:\n    A: b\n');
    assert.equal(envOnNode.length, 1, envOnNode.join('\n'));
    assert.ok(envOnNode[0]!.includes("gives 'runs.env', which a JavaScript action ('node20') does not take"), envOnNode[0]);
    const noMain = run('  using: node24\n');
    assert.equal(noMain.length, 1, noMain.join('\n'));
    assert.ok(noMain[0]!.includes("has no 'runs.main', which a JavaScript action needs: the step fails"), noMain[0]);
    const both = run('  using: docker\n  main: index.js\n');
    assert.equal(both.length, 1, both.join('\n'));
    assert.ok(both[0]!.includes("has no 'runs.image', which a Docker action needs, and gives 'runs.main', which a Docker action ('docker') does not take"), both[0]);
    for (const runs of ['  using: node20\n  main: index.js\n  post: cleanup.js\n  post-if: always()\n', '  using: docker\n  image: Dockerfile\n  env:\n    A: b\n  args: [x]\n', '  using: composite\n  steps:\n    - run: echo\n      shell: bash\n', '  using: ${{ inputs.runtime }}\n']) {
      assert.deepEqual(run(runs), [], runs);
    }
  });
});
