import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { HoverRequest, MarkupKind, type Hover, type Position } from 'vscode-languageserver-protocol/node';
import { rangeOf, Session, startSession, stopSession, TIMEOUT_MS, uriOf } from '../helpers/session';

/** The text without the `|` that marks the cursor, and the cursor's position. */
function withCursor(source: string): { text: string; position: Position } {
  const offset = source.indexOf('|');
  assert.ok(offset >= 0 && source.indexOf('|', offset + 1) < 0, 'mark the cursor with one |');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  return { text, position: TextDocument.create('untitled:x', 'yaml', 0, text).positionAt(offset) };
}

// A canary without analysis: k8s/rollout-no-analysis reports on `steps:`, which also has the timeline to show.
const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 10
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:1.8.0
  strategy:
    canary:
      st|eps:
        - setWeight: 10
        - pause: { duration: 5m }
        - setWeight: 50
        - pause: { duration: 10m }
`;

// The deploy job needs the lint job but not the tests: gha/deploy-ungated reports on `needs:`, which also has the stage order to show.
const WORKFLOW = `on: push
permissions:
  contents: read
jobs:
  lint:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: npm run lint
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - run: npm test
  deploy:
    ne|eds: [lint]
    runs-on: ubuntu-latest
    timeout-minutes: 15
    environment: production
    concurrency: production
    steps:
      - run: helm upgrade --install api ./chart
`;

const FINDING_HEADING = (ruleId: string) => `**shipcheck · ${ruleId}**`;

async function hoverAt(session: Session, path: string, source: string): Promise<{ hover: Hover; text: string }> {
  const { text, position } = withCursor(source);
  const uri = uriOf(path);
  await session.open(uri, text);
  const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  assert.ok(hover && typeof hover.contents === 'object' && 'kind' in hover.contents, 'expected a hover with markup content');
  return { hover, text };
}

/** The hover's text split at its separators, each part trimmed. */
function parts(hover: Hover): string[] {
  assert.ok(typeof hover.contents === 'object' && 'value' in hover.contents);
  return hover.contents.value.split(/\n\n---\n\n/).map((part) => part.trim());
}

describe('hover on a key that carries a finding', { timeout: 4 * TIMEOUT_MS }, () => {
  let session: Session;
  before(async () => {
    ({ session } = await startSession());
  }, { timeout: TIMEOUT_MS });
  after(() => stopSession(session));

  it('on a canary\'s `steps:` shows the missing-analysis finding first, then the rollout timeline', async () => {
    const { hover, text } = await hoverAt(session, 'k8s/rollout.yaml', ROLLOUT);
    const [finding, timeline, ...rest] = parts(hover);
    assert.deepEqual(rest, [], 'one finding and one explanation');
    assert.ok(finding!.startsWith(FINDING_HEADING('k8s/rollout-no-analysis')), finding);
    assert.match(finding!, /never runs an analysis/, 'the message, for clients that do not show it');
    assert.ok(timeline!.startsWith('**Rollout timeline**'), timeline);
    assert.ok(timeline!.includes('`10 % → pause 5m → 50 % → pause 10m → 100 % · at least 15m`'), timeline);
    assert.deepEqual(hover.range, rangeOf(text, 'steps'));
  });

  it('on a deploy job\'s `needs:` shows the ungated-deploy finding first, then the stage order', async () => {
    const { hover, text } = await hoverAt(session, '.github/workflows/release.yml', WORKFLOW);
    const [finding, stages, ...rest] = parts(hover);
    assert.deepEqual(rest, []);
    assert.ok(finding!.startsWith(FINDING_HEADING('gha/deploy-ungated')), finding);
    assert.ok(stages!.startsWith('**needs** makes a job wait for others'), stages);
    assert.ok(stages!.includes('`deploy` waits for: `lint`'), stages);
    assert.deepEqual(hover.range, rangeOf(text, 'needs'));
  });

  it('without a finding, shows the key\'s explanation alone', async () => {
    const { hover } = await hoverAt(session, '.github/workflows/plain.yml', WORKFLOW.replace('ne|eds', 'needs').replace('  test:\n    runs-on', '  test:\n    ne|eds: lint\n    runs-on'));
    const [stages, ...rest] = parts(hover);
    assert.deepEqual(rest, []);
    assert.ok(stages!.startsWith('**needs** makes a job wait for others'), stages);
  });
});

describe('hover on a key that carries a finding, for a plain-text client', { timeout: 2 * TIMEOUT_MS }, () => {
  let session: Session;
  before(async () => {
    ({ session } = await startSession({ capabilities: { textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: [MarkupKind.PlainText] } } } }));
  }, { timeout: TIMEOUT_MS });
  after(() => stopSession(session));

  it('keeps a visible line between the finding and the timeline', async () => {
    const { hover } = await hoverAt(session, 'k8s/rollout.yaml', ROLLOUT);
    assert.equal(typeof hover.contents === 'object' && 'kind' in hover.contents ? hover.contents.kind : undefined, MarkupKind.PlainText);
    const [finding, timeline, ...rest] = parts(hover);
    assert.deepEqual(rest, []);
    assert.ok(finding!.startsWith('shipcheck · k8s/rollout-no-analysis'), finding);
    assert.ok(timeline!.startsWith('Rollout timeline'), timeline);
  });
});
