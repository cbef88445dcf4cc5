import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { pipelineLenses } from '../../server/src/knowledge/pipelineLenses';

/** Each lens as `the key it sits above|title`. */
function lensesOf(text: string, path = '.github/workflows/ci.yml'): string[] {
  return pipelineLenses(parseYamlFile(text, path)).map(({ span, title }) => `${text.slice(span.start, span.end)}|${title}`);
}

const job = (id: string, needs: string[], run: string, extra = '') =>
  `  ${id}:\n    runs-on: ubuntu-latest\n${needs.length > 0 ? `    needs: [${needs.join(', ')}]\n` : ''}${extra}    steps:\n      - run: ${run}\n`;

describe('the pipeline lens above jobs:', () => {
  it('counts the jobs and names the longest chain of needs', () => {
    const text = `on: push\njobs:\n${job('lint', [], 'npx eslint .')}${job('test', ['lint'], 'npm test')}${job('docs', [], 'echo docs')}${job('deploy', ['test'], './deploy.sh', '    environment: production\n')}`;
    assert.deepEqual(lensesOf(text), ['jobs|4 jobs · critical path lint → test → deploy']);
  });

  it('says so when no job waits for another', () => {
    const text = `on: push\njobs:\n${job('a', [], 'echo a')}${job('b', [], 'echo b')}`;
    assert.deepEqual(lensesOf(text), ['jobs|2 jobs · no needs: all start at once']);
  });

  it('keeps a long chain short: its first job and its last two', () => {
    const ids = ['one', 'two', 'three', 'four', 'five', 'six'];
    const text = `on: push\njobs:\n${ids.map((id, i) => job(id, i === 0 ? [] : [ids[i - 1]!], `echo ${id}`)).join('')}`;
    assert.deepEqual(lensesOf(text), ['jobs|6 jobs · critical path one → … → five → six']);
  });

  it('keeps a chain of long job ids short too', () => {
    const ids = ['generate-tags', 'build', 'build-and-publish-long-runner', 'publish-long-runner-manifest'];
    const text = `on: push\njobs:\n${ids.map((id, i) => job(id, i === 0 ? [] : [ids[i - 1]!], `echo ${id}`)).join('')}`;
    assert.deepEqual(lensesOf(text), ['jobs|4 jobs · critical path generate-tags → … → publish-long-runner-manifest']);
    const three = ['build-the-application-image', 'run-the-integration-tests', 'publish'];
    const other = `on: push\njobs:\n${three.map((id, i) => job(id, i === 0 ? [] : [three[i - 1]!], `echo ${id}`)).join('')}`;
    assert.deepEqual(lensesOf(other), ['jobs|3 jobs · critical path build-the-application-image → … → publish']);
  });

  it('notes jobs that can never run', () => {
    const text = `on: push\njobs:\n${job('build', [], 'make')}${job('release', ['build'], 'make release', "    if: github.event_name == 'release'\n")}`;
    assert.deepEqual(lensesOf(text), ['jobs|2 jobs · 1 never runs']);
  });

  it('stays away from a single job, a composite action and Kubernetes files', () => {
    assert.deepEqual(lensesOf(`on: push\njobs:\n${job('only', [], 'make')}`), []);
    assert.deepEqual(lensesOf('runs:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n', 'action.yml'), []);
    assert.deepEqual(lensesOf('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\njobs:\n  a: {}\n  b: {}\n', 'k8s/x.yaml'), []);
  });
});
