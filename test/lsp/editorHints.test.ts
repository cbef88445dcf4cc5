import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  CodeLensRefreshRequest,
  CodeLensRequest,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  InlayHintRefreshRequest,
  InlayHintRequest,
  type InlayHint,
  type Range,
} from 'vscode-languageserver-protocol/node';
import { PIPELINE_REQUEST, type PipelineViewData } from '../../server/src/lsp/pipelineProtocol';
import { rangeOf, type Session, startSession, stopSession, TIMEOUT_MS, uriOf } from '../helpers/session';

const WORKFLOW = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - run: make test
`;

const PIPELINE = `on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: npx eslint .
  test:
    needs: lint
    runs-on: ubuntu-latest
    steps:
      - run: npm test
  deploy:
    needs: [test]
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: kubectl apply -f k8s/
`;

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
          readinessProbe:
            httpGet: { path: /ready, port: 8080 }
  strategy:
    canary:
      steps:
        - setWeight: 20
        - analysis:
            templates: [{ templateName: success-rate }]
        - pause: { duration: 5m }
        - setWeight: 50
        - pause: { duration: 90s }
`;

const WHOLE: Range = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };

describe('inlay hints and code lenses over the protocol', { timeout: 6 * TIMEOUT_MS }, () => {
  let session: Session;
  let settings: Record<string, unknown> = {};
  const refreshed: string[] = [];

  before(async () => {
    ({ session } = await startSession({
      capabilities: {
        workspace: { configuration: true, inlayHint: { refreshSupport: true }, codeLens: { refreshSupport: true } },
        textDocument: { publishDiagnostics: { versionSupport: true } },
      },
    }));
    session.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => settings));
    session.connection.onRequest(InlayHintRefreshRequest.type, () => void refreshed.push('inlayHints'));
    session.connection.onRequest(CodeLensRefreshRequest.type, () => void refreshed.push('codeLens'));
  }, { timeout: TIMEOUT_MS });

  after(() => stopSession(session));

  const hints = async (uri: string, range = WHOLE): Promise<InlayHint[]> => (await session.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range })) ?? [];

  it("shows GitHub's default timeout after the key of the job that sets none, and only in the range asked for", async () => {
    const uri = uriOf('.github/workflows/hints.yml');
    await session.open(uri, WORKFLOW);
    const [hint, ...rest] = await hints(uri);
    assert.deepEqual(rest, [], 'the job with timeout-minutes gets no hint');
    assert.equal(hint?.label, 'timeout-minutes: 360');
    assert.deepEqual(hint.position, rangeOf(WORKFLOW, 'build:').end);
    assert.equal(hint.paddingLeft, true);
    assert.match(String(hint.tooltip), /360 minutes/);
    assert.deepEqual(await hints(uri, { start: { line: 6, character: 0 }, end: { line: 11, character: 0 } }), []);
  });

  it("puts the canary's timeline above its steps, with a command that shows the timeline's hover", async () => {
    const uri = uriOf('k8s/lens-rollout.yaml');
    await session.open(uri, ROLLOUT);
    const lenses = (await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
    assert.equal(lenses.length, 1);
    const [lens] = lenses;
    assert.deepEqual(lens!.range, rangeOf(ROLLOUT, 'steps'));
    assert.equal(lens!.command?.title, 'canary: at least 6m30s to 100 % · 5 steps · analysis at 20 %');
    assert.equal(lens!.command?.command, 'shipcheck.showTimeline');
    assert.deepEqual(lens!.command?.arguments, [uri, rangeOf(ROLLOUT, 'steps').start]);
    const [probe] = await hints(uri);
    assert.equal(probe?.label, 'unready after 30s (3 × 10s)');
  });

  it("puts the job count and critical path above a workflow's jobs, with a command that opens the pipeline view", async () => {
    const uri = uriOf('.github/workflows/lens-pipeline.yml');
    await session.open(uri, PIPELINE);
    const lenses = (await session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
    assert.equal(lenses.length, 1);
    const [lens] = lenses;
    assert.deepEqual(lens!.range, rangeOf(PIPELINE, 'jobs'));
    assert.equal(lens!.command?.title, '3 jobs · critical path lint → test → deploy');
    assert.equal(lens!.command?.command, 'shipcheck.showPipeline');
    assert.deepEqual(lens!.command?.arguments, [uri]);
  });

  it('draws the job graph of an open workflow for the pipeline view, with where each job starts', async () => {
    const uri = uriOf('.github/workflows/lens-pipeline.yml');
    const view = await session.connection.sendRequest<PipelineViewData | null>(PIPELINE_REQUEST, { uri });
    assert.ok(view);
    assert.equal(view.workflows.length, 1);
    const [workflow] = view.workflows;
    assert.equal(workflow!.title, 'lens-pipeline.yml', 'a workflow without name: is titled by its file');
    assert.match(workflow!.summary, /^3 jobs · critical path lint → test → deploy · ~\d+ min \(estimate\)$/);
    assert.deepEqual(
      workflow!.jobs.map(({ id, kind, onCriticalPath, position }) => ({ id, kind, onCriticalPath, position })),
      ['lint', 'test', 'deploy'].map((id, i) => ({ id, kind: ['gate', 'test', 'deploy'][i], onCriticalPath: true, position: rangeOf(PIPELINE, `${id}:`).start })),
    );
    assert.deepEqual(workflow!.edges, [
      { from: 'lint', to: 'test', onCriticalPath: true },
      { from: 'test', to: 'deploy', onCriticalPath: true },
    ]);
    // The SVG has a box per job and an arrow per need, and the page the arrowhead they refer to.
    assert.deepEqual([...workflow!.svg.matchAll(/<g class="node[^"]*" data-job="([^"]+)"/g)].map((match) => match[1]), ['lint', 'test', 'deploy']);
    assert.deepEqual([...workflow!.svg.matchAll(/<path class="edge[^"]*" data-from="([^"]+)" data-to="([^"]+)"/g)].map((match) => `${match[1]}→${match[2]}`), ['lint→test', 'test→deploy']);
    assert.match(view.defs, /<marker id="arrow"/);
    assert.match(view.css, /\.node rect\{/);
  });

  it('answers the pipeline view with no workflow for other files, and with null for a document not open', async () => {
    const view = await session.connection.sendRequest<PipelineViewData | null>(PIPELINE_REQUEST, { uri: uriOf('k8s/lens-rollout.yaml') });
    assert.deepEqual(view?.workflows, []);
    assert.equal(await session.connection.sendRequest(PIPELINE_REQUEST, { uri: uriOf('.github/workflows/never-opened.yml') }), null);
  });

  it('draws the graph of the text as typed', async () => {
    const uri = uriOf('.github/workflows/lens-pipeline.yml');
    // No wait for the check: the view asks as soon as typing pauses.
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: PIPELINE.replace('    needs: [test]\n', '') }] });
    const view = await session.connection.sendRequest<PipelineViewData | null>(PIPELINE_REQUEST, { uri });
    assert.deepEqual(view?.workflows[0]?.edges.map(({ from, to }) => `${from}→${to}`), ['lint→test']);
  });

  it('turns each off with its setting at once (the editor asks again right away), and asks the editor to fetch them again', async () => {
    const workflow = uriOf('.github/workflows/hints.yml');
    const rollout = uriOf('k8s/lens-rollout.yaml');
    const lenses = () => session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: rollout } });
    settings = { inlayHints: { enable: false } };
    // No wait for the documents to be checked again: an editor asks for hints as soon as it is told to.
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    assert.deepEqual(await hints(workflow), []);
    assert.equal((await lenses())?.length, 1, 'code lenses stay on');
    settings = { codeLens: { enable: false } };
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    assert.deepEqual(await lenses(), []);
    assert.equal((await hints(workflow)).length, 1, 'inlay hints are back on');
    await session.idle();
    assert.deepEqual(refreshed.sort(), ['codeLens', 'codeLens', 'inlayHints', 'inlayHints']);
  });
});
