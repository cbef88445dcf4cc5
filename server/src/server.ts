import * as path from 'node:path';
// dist/serverCore.js beside this bundle at run time (esbuild.mjs leaves it out of dist/server.js).
import { startInNode } from './serverCore';

// The bundle runs as dist/server.js, one level below the extension (or repository) root that holds docs/.
startInNode(path.resolve(__dirname, '..'));
