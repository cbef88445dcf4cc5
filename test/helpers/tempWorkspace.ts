import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A new folder under the system's temporary one, and a writer that puts a file in it and answers its `file:` URI. */
export function tempWorkspace(prefix: string): { root: string; write(relative: string, text: string): string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const write = (relative: string, text: string): string => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return pathToFileURL(file).href;
  };
  return { root, write };
}
