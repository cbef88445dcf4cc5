import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/fixtures';
import { launchChromium, packageVsix, startCodeServer, stop, type Page } from './vscode/codeServer';
import { freePort, scratchWorkspace } from './vscode/harness';

// `npm run screenshots`: pictures of shipcheck at work in a real VS Code (code-server 4.99 in Debian's
// chromium, after `npm run editors:install`) for the README: a squiggle with its hover, the quick-fix menu, and the
// pipeline view opened from the lens above `jobs:`. WebP through the DevTools protocol: a third of the PNG's size,
// which keeps the .vsix (it carries the README's pictures) under 1 MB.

const OUT = join(ROOT, 'assets', 'screenshots');
const WAIT_MS = 60_000;

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'editor.fontSize': 15,
  'editor.hover.delay': 100,
  'window.commandCenter': false,
  'telemetry.telemetryLevel': 'off',
};

/** Opens the quick input with `key`, types `text` and takes the first match: Control+P for a file, F1 for a command. */
async function quickInput(page: Page, key: string, text: string): Promise<void> {
  await page.keyboard.press(key);
  await page.waitForSelector('.quick-input-widget .quick-input-box input', { timeout: WAIT_MS });
  await page.keyboard.type(text);
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: WAIT_MS });
  await page.keyboard.press('Enter');
}

const openFile = (page: Page, name: string): Promise<void> => quickInput(page, 'Control+P', name);
/** Runs a command from the palette by its title. */
const command = (page: Page, title: string): Promise<void> => quickInput(page, 'F1', title);

async function shot(page: Page, name: string): Promise<void> {
  const session = await page.context().newCDPSession(page);
  const { data } = (await session.send('Page.captureScreenshot', { format: 'webp', quality: 80 })) as { data: string };
  writeFileSync(join(OUT, `${name}.webp`), Buffer.from(data, 'base64'));
}

/** Waits until some frame of the page (the webview's are nested iframes) holds what `script` finds. */
async function inSomeFrame(page: Page, script: string, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (await frame.evaluate<boolean>(script).catch(() => false)) return;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no frame showed ${what} within ${WAIT_MS} ms`);
}


/** Where the editor shows a CodeLens whose title has `text`, once it is laid out (lenses appear after the document's check). */
async function lensBox(page: Page, text: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const find = `(() => {
    const lens = [...document.querySelectorAll('.monaco-editor .codelens-decoration a')].find((a) => a.textContent.includes(${JSON.stringify(text)}) && a.getBoundingClientRect().width > 0);
    if (!lens) return null;
    const { x, y, width, height } = lens.getBoundingClientRect();
    return { x, y, width, height };
  })()`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const box = await page.frames()[0]!.evaluate<{ x: number; y: number; width: number; height: number } | null>(find);
    if (box) return box;
    await page.waitForTimeout(250);
  }
  throw new Error(`no CodeLens with '${text}' within 20 s`);
}

/** The middle of the first warning squiggle in the editor, once the server has published it. */
async function squiggle(page: Page): Promise<{ x: number; y: number }> {
  const element = await page.waitForSelector('.monaco-editor .squiggly-warning', { timeout: WAIT_MS });
  const box = await element.boundingBox();
  if (!box) throw new Error('the squiggle has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function main(): Promise<void> {
  const state = mkdtempSync(join(tmpdir(), 'shipcheck-screenshots-'));
  const workspace = scratchWorkspace();
  mkdirSync(join(state, 'user-data', 'User'), { recursive: true });
  writeFileSync(join(state, 'user-data', 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  const port = await freePort();
  const server = await startCodeServer(port, state, [packageVsix(state)]);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace.path)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: WAIT_MS });
    await openFile(page, 'ci.yml');
    const at = await squiggle(page).catch(async (error: unknown) => {
      await page.screenshot({ path: join(state, '..', 'shipcheck-screenshots-failed.png') });
      throw error;
    });
    mkdirSync(OUT, { recursive: true });

    await page.mouse.move(at.x, at.y);
    await page.waitForSelector('.monaco-hover .hover-contents', { timeout: WAIT_MS });
    await page.waitForTimeout(500); // the hover fades in
    await shot(page, 'hover');

    await page.mouse.move(5, 400);
    await page.keyboard.press('Escape');
    await page.mouse.click(at.x, at.y);
    await page.keyboard.press('Control+.');
    await page.waitForSelector('.action-widget', { timeout: WAIT_MS });
    await page.waitForTimeout(300);
    await shot(page, 'quick-fix');

    await page.keyboard.press('Escape');
    await openFile(page, 'pipeline.yml');
    // The lens above jobs: opens the view; if the editor has not drawn it yet, the palette's command does the same.
    const box = await lensBox(page, 'jobs').catch(() => undefined);
    if (box) await page.mouse.click(box.x + 10, box.y + box.height / 2);
    else await command(page, 'shipcheck: Show pipeline');
    await inSomeFrame(page, "document.querySelectorAll('svg g.node, svg .node').length >= 3", 'the job graph');
    // The graph opens beside the editor: without the side bar, both halves are wide enough for three jobs.
    await command(page, 'Close Primary Side Bar');
    await page.waitForTimeout(1000);
    await shot(page, 'pipeline');
    console.log(`screenshots written to ${OUT}`);
  } finally {
    await browser.close();
    stop(server.child);
    workspace.dispose();
    rmSync(state, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
