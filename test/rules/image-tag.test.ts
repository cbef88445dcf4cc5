import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { ruleById } from '../../server/src/rules';

const rule = ruleById('gha/image-tag')!;
const script = '      - run: |\n          docker build -t ghcr.io/acme/api:latest .\n          docker push ghcr.io/acme/api:latest\n';
const job = (id: string, steps: string) => `  ${id}:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

function pushes(text: string): string[] {
  return lint(text, '.github/workflows/ci.yml', { rules: [rule] })
    .findings.filter((f) => f.message.includes('push'))
    .map((f) => `${f.span.start} ${text.slice(f.span.start, f.span.end)}`);
}

describe('gha/image-tag pushes of `latest` only', () => {
  it('point into this file wherever the same script was seen before', () => {
    const first = `on: push\njobs:\n${job('a', script)}`;
    const moved = `on: push\nenv:\n  A: b\njobs:\n${job('other', '      - run: echo\n')}${job('a', script)}`;
    for (const text of [first, moved, first]) {
      const at = text.indexOf('docker push ghcr.io/acme/api:latest') + 'docker push '.length;
      assert.deepEqual(pushes(text), [`${at} ghcr.io/acme/api:latest`]);
    }
  });

  it('reads the script again under a shell that is not one', () => {
    const text = `on: push\njobs:\n${job('a', script.replace('      - run: |', '      - shell: python\n        run: |'))}`;
    assert.deepEqual(pushes(`on: push\njobs:\n${job('a', script)}`).length, 1);
    assert.deepEqual(pushes(text), []);
  });

  it('judges a repository by the pushes of every job', () => {
    const specific = '      - run: docker push ghcr.io/acme/api:${{ github.sha }}\n';
    assert.deepEqual(pushes(`on: push\njobs:\n${job('a', script)}${job('b', specific)}`), []);
  });
});

describe('gha/image-tag on docker/metadata-action names the tags that move', () => {
  const meta = (on: string, inputs = '') =>
    `${on}\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/metadata-action@v5\n        id: meta\n        with:\n          images: ghcr.io/acme/web\n${inputs}      - uses: docker/build-push-action@v6\n        with:\n          tags: \${{ steps.meta.outputs.tags }}\n`;
  const messages = (text: string) => lint(text, '.github/workflows/ci.yml', { rules: [rule] }).findings.map((f) => f.message.replace(/\), so none.*$/, ')'));

  it('by default: the branch name, and pr-<number> or nightly only when the workflow runs for those', () => {
    assert.deepEqual(messages(meta('on:\n  push:\n    branches: [main]')), ['docker/metadata-action tags builds other than tag pushes here only with names the next build takes over (the branch name)']);
    assert.deepEqual(messages(meta("on:\n  push:\n    branches: [main]\n    tags: ['v*']\n  pull_request:\n  schedule:\n    - cron: '0 3 * * *'")), [
      "docker/metadata-action tags builds other than tag pushes here only with names the next build takes over ('nightly', the branch name, 'pr-<number>')",
    ]);
  });

  it("says 'latest' only where it is put on every build, and nothing when the other builds get no tag", () => {
    assert.deepEqual(messages(meta('on: push', '          flavor: latest=true\n          tags: type=ref,event=branch\n')), [
      "docker/metadata-action tags builds other than tag pushes here only with names the next build takes over (the branch name, 'latest')",
    ]);
    assert.deepEqual(messages(meta("on:\n  push:\n    tags: ['v*']", '          tags: type=raw,value=latest\n')), ["docker/metadata-action tags each release here only with names the next build takes over ('latest')"]);
    assert.deepEqual(messages(meta("on:\n  push:\n    branches: [main]\n    tags: ['v*']", '          tags: type=semver,pattern={{version}}\n')), []);
  });
});
