import * as path from 'node:path';
import * as v8 from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ruleDocPath } from './knowledge/ruleDocs';
import { deflatePacker } from './lsp/deflatePacker';
import type { Activity } from './lsp/checkQueue';
import { init } from './lsp/init';
import { readTextFile } from './lsp/pieces';
import { commandLineConnection } from './lsp/streamTransport';
import { discover } from './cli/discover';
import { forgetProjectConfigs, projectConfig } from './project/config';
import { forgetProjectFacts, LOCKFILES, projectFacts } from './project/facts';

// V8 lets the heap grow to several times what is live before a full collection, and the young generation to
// 2 × 16 MiB (held even when idle). While many files are checked at once (a workspace opened, its scan) that is
// ~290 MiB for 4 000 files: there, collecting at 20% growth with the young generation kept at its first size, and
// V8 optimizing for size (the old generation grows by 2 MiB steps rather than 8, the young one shrinks when little is
// allocated, fragmented pages are compacted sooner), holds the server near what it keeps. Not while typing, where
// V8's defaults make collections, and their pauses, rarer. V8 flags, set here rather than on the command line (where
// Node refuses flags it does not know); all are read as the heap grows, so switching them takes effect from the
// next collection.
const BULK_HEAP_GROWING_PERCENT = 20;
function tuneHeap(activity: Activity): void {
  v8.setFlagsFromString(`--heap-growing-percent=${activity === 'bulk' ? BULK_HEAP_GROWING_PERCENT : 0}`);
  v8.setFlagsFromString(`--semi-space-growth-factor=${activity === 'typing' ? 2 : 1}`);
  v8.setFlagsFromString(activity === 'bulk' ? '--optimize-for-size' : '--no-optimize-for-size');
}
// From the start: the editors restored with a workspace arrive all at once, before the first check says it is bulk.
tuneHeap('bulk');
// What a keystroke builds (the workflow's model, findings, the file's text) is garbage by the next one. Having seen a
// file opened, where nearly all that is parsed survives, V8's allocation-site pretenuring allocates those objects in
// the old generation from then on, where each keeps what it points to alive through young-generation collections:
// every keystroke's text and model was copied and promoted, making those collections slow (4–12 ms on the 3 000-line
// bench workflow) and the old generation grow until a full one. Read whenever allocation sites are reconsidered.
v8.setFlagsFromString('--no-allocation-site-pretenuring');

// The bundle runs as dist/server.js, one level below the extension (or repository) root that holds docs/.
const root = path.resolve(__dirname, '..');

const docLinks = new Map<string, string>();

init(commandLineConnection(), {
  // Asked once per diagnostic on every keystroke: build each rule's link once.
  docsHref: (ruleId) => {
    let href = docLinks.get(ruleId);
    if (href === undefined) docLinks.set(ruleId, (href = pathToFileURL(path.join(root, ruleDocPath(ruleId))).href));
    return href;
  },
  filePath: (url) => fileURLToPath(url),
  projectFacts,
  projectConfig,
  textPacker: deflatePacker,
  projectFiles: {
    names: LOCKFILES,
    changed: () => {
      forgetProjectFacts();
      forgetProjectConfigs();
    },
  },
  checking: tuneHeap,
  workspace: {
    yamlFiles: (folder) => discover([folder]).targets.map((target) => target.path),
    readFile: (filePath) => {
      try {
        const text = readTextFile(filePath);
        // Binary junk with a YAML name is not ours to report on.
        return text.includes('\u0000') ? undefined : text;
      } catch {
        return undefined;
      }
    },
  },
});
