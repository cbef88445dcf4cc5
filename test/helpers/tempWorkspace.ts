import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The folder of the protocol tests' workspaces. They are written against every rule: a configuration here runs the
 * strict preset (a test's own .shipcheck.yaml in its workspace is nearer and wins).
 */
export const PROTOCOL_TESTS = path.join(os.tmpdir(), 'shipcheck-lsp-test');
fs.mkdirSync(PROTOCOL_TESTS, { recursive: true });
fs.writeFileSync(path.join(PROTOCOL_TESTS, '.shipcheck.yaml'), 'preset: strict\n');

/** A new folder under the protocol tests' one, and a writer that puts a file in it and answers its `file:` URI. */
export function tempWorkspace(prefix: string): { root: string; write(relative: string, text: string): string } {
  const root = fs.mkdtempSync(path.join(PROTOCOL_TESTS, prefix));
  const write = (relative: string, text: string): string => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return pathToFileURL(file).href;
  };
  return { root, write };
}
