// What `shipcheck-language-server` (dist/server.js) runs: the server bundle (dist/serverMain.js, from server.ts), read
// in pieces and run as CommonJS. `require` would read the 1.2 MiB bundle into one block, and freeing that block
// makes glibc keep up to 4 MiB idle in the arena of each of V8's compiler threads, for good (see lsp/pieces.ts).
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { readTextFile } from './lsp/pieces';

const file = join(__dirname, 'serverMain.js');
// The wrapper `require` puts around a module, on a line of its own so that line numbers are the file's.
const main = runInThisContext(`(function (exports, require, module, __filename, __dirname) {\n${readTextFile(file)}\n})`, { filename: file, lineOffset: -1 }) as (
  exports: unknown,
  require: NodeJS.Require,
  module: NodeJS.Module,
  filename: string,
  dirname: string,
) => void;
main.call(module.exports, module.exports, require, module, file, __dirname);
