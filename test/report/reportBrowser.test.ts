import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { after, before, it } from 'node:test';
import { editorSuite } from '../helpers/editorTools';
import { CHROMIUM, CHROMIUM_FLAGS, DEBIAN_CHROMIUM } from '../editors/vscode/harness';
import { CLI, REPO } from '../helpers/cli';

// Renders the report of test/data/report in Debian's headless chromium, as a person opening report.html would, and
// reads the page through the DevTools protocol over a pipe (--remote-debugging-pipe: no port, no extra package).
// Saves a screenshot under out/; with SHIPCHECK_UPDATE_SCREENSHOTS=1, as docs/images/report.webp (the README's), so a
// plain test run leaves the checkout as it was.

const SCREENSHOT = process.env.SHIPCHECK_UPDATE_SCREENSHOTS === '1' ? join(REPO, 'docs', 'images', 'report.webp') : join(REPO, 'out', 'report.webp');

/** A DevTools-protocol client on chromium's pipe (fd 3 to it, fd 4 from it; messages end with a NUL byte). */
class Devtools {
  private next = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly events: { method: string; params: Record<string, unknown> }[] = [];
  private buffer = '';

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      for (let end = this.buffer.indexOf('\0'); end !== -1; end = this.buffer.indexOf('\0')) {
        const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Record<string, unknown> };
        this.buffer = this.buffer.slice(end + 1);
        if (message.id !== undefined) {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) waiting?.reject(new Error(message.error.message));
          else waiting?.resolve(message.result);
        } else if (message.method) this.events.push({ method: message.method, params: message.params ?? {} });
      }
    });
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    const id = this.next++;
    this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
  }

  async until(method: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.events.some((event) => event.method === method)) {
      if (Date.now() > deadline) throw new Error(`no ${method} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

editorSuite('report.html in headless chromium', [DEBIAN_CHROMIUM], { timeout: 120_000 }, () => {
  let scratch: string;
  let browser: ChildProcess;
  let devtools: Devtools;
  let session: string;
  let page: string;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'shipcheck-report-'));
    page = join(scratch, 'report.html');
    const run = spawnSync(process.execPath, [CLI, 'report', '--no-ignore', '--preset', 'strict', 'test/data/report', '--out', page], { cwd: REPO, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    // In a process group of its own, so that its helper processes can be stopped with it.
    browser = spawn(CHROMIUM, [...CHROMIUM_FLAGS, '--headless', '--remote-debugging-pipe', '--hide-scrollbars', `--user-data-dir=${join(scratch, 'profile')}`, 'about:blank'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    devtools = new Devtools(browser.stdio[3] as Writable, browser.stdio[4] as Readable);
    const { targetId } = await devtools.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    ({ sessionId: session } = await devtools.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true }));
    await devtools.send('Runtime.enable', {}, session);
    await devtools.send('Log.enable', {}, session);
    await devtools.send('Page.enable', {}, session);
    await devtools.send('Emulation.setDeviceMetricsOverride', { width: 1100, height: 620, deviceScaleFactor: 1, mobile: false }, session);
    await devtools.send('Page.navigate', { url: pathToFileURL(page).href }, session);
    await devtools.until('Page.loadEventFired', 30_000);
  });

  after(async () => {
    if (browser && browser.exitCode === null && browser.signalCode === null) {
      // Closed through DevTools, Chromium stops its helper processes and finishes writing its profile before it exits;
      // killed, its helpers may go on writing there, and removing the folder then fails with ENOTEMPTY. The whole
      // process group is killed only if it does not exit in time.
      const exited = once(browser, 'exit');
      // Its answer may never come (the pipe closes with the browser): not waited for.
      if (devtools) void devtools.send('Browser.close').catch(() => undefined);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const closed = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 10_000)))]);
      clearTimeout(timer);
      if (!closed) {
        try {
          process.kill(-browser.pid!, 'SIGKILL');
        } catch {
          browser.kill('SIGKILL');
        }
        await exited;
      }
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  const evaluate = async <T>(expression: string): Promise<T> => {
    const { result } = await devtools.send<{ result: { value: T } }>('Runtime.evaluate', { expression, returnByValue: true }, session);
    return result.value;
  };

  it("draws the fixture workflow's jobs and needs, the critical path and the jobs that never run", async () => {
    const nodes = await evaluate<string[]>(`[...document.querySelectorAll('section.workflow g.node')].map((g) => g.dataset.job)`);
    assert.deepEqual(nodes, ['lint', 'unit', 'e2e', 'preview', 'build', 'deploy', 'never']);
    const edges = await evaluate<string[]>(`[...document.querySelectorAll('section.workflow path.edge')].map((p) => p.dataset.from + '->' + p.dataset.to)`);
    assert.deepEqual(edges.sort(), ['build->deploy', 'e2e->deploy', 'lint->preview', 'lint->unit', 'preview->deploy', 'unit->build', 'unit->e2e']);
    assert.deepEqual(await evaluate<string[]>(`[...document.querySelectorAll('g.node.critical')].map((g) => g.dataset.job)`), ['lint', 'unit', 'e2e']);
    assert.deepEqual(await evaluate<string[]>(`[...document.querySelectorAll('g.node.unreachable')].map((g) => g.dataset.job)`), ['deploy', 'never']);
    assert.deepEqual(await evaluate<string[]>(`[...document.querySelectorAll('path.edge.skip-trap')].map((p) => p.dataset.from + '->' + p.dataset.to)`), ['preview->deploy']);
    // Laid out: every box has a size and no two share a place.
    const boxes = await evaluate<{ x: number; y: number; width: number }[]>(`[...document.querySelectorAll('g.node')].map((g) => { const r = g.getBoundingClientRect(); return { x: Math.round(r.x), y: Math.round(r.y), width: r.width }; })`);
    assert.ok(boxes.every((box) => box.width > 50));
    assert.equal(new Set(boxes.map((box) => `${box.x},${box.y}`)).size, boxes.length);
  });

  it("shows a job named '<script>' as text: no element comes from a file", async () => {
    assert.equal(await evaluate<number>(`document.querySelectorAll('script').length`), 0);
    assert.equal(await evaluate<string>(`document.querySelector('g.node[data-job="build"] text.label').textContent`), '<script>alert(1)</script>');
  });

  it('draws the canary weights over time and groups the findings by DORA metric and capability', async () => {
    assert.equal(await evaluate<number>(`document.querySelectorAll('.workload[data-strategy="argo-canary"] svg.chart path.weights').length`), 1);
    assert.deepEqual(await evaluate<string[]>(`[...document.querySelectorAll('#metrics + .groups .group')].map((g) => g.dataset.group)`), ['deployment-frequency', 'lead-time', 'change-failure-rate', 'time-to-restore']);
    assert.ok(await evaluate<boolean>(`[...document.querySelectorAll('#capabilities + .groups .group')].some((g) => g.dataset.group === 'continuous-integration')`));
  });

  it('logs no console message, error or failed load, and saves the screenshot', async () => {
    const noise = devtools.events.filter((event) => event.method === 'Runtime.consoleAPICalled' || event.method === 'Runtime.exceptionThrown' || event.method === 'Log.entryAdded');
    assert.deepEqual(noise.map((event) => JSON.stringify(event.params).slice(0, 300)), []);
    const { data } = await devtools.send<{ data: string }>('Page.captureScreenshot', { format: 'webp', quality: 85, clip: { x: 0, y: 0, width: 1100, height: 620, scale: 1 } }, session);
    const image = Buffer.from(data, 'base64');
    assert.ok(image.length > 5_000, 'the screenshot is empty');
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    writeFileSync(SCREENSHOT, image);
  });
});
