// How the VS Code extension finds its server (vscode-extension/src/discovery.ts), without VS Code:
// discovery.ts is bundled with esbuild against a stand-in for the `vscode` module, and run against
// real interpreters (SPMD_PYTHON, default python3: must be 3.11+), a stand-in for a Python 3.9 and
// an empty PATH. Needs `npm ci` in vscode-extension (esbuild) and a built bundle
// (`npm run bundle:python` there). Run:  node --test tests/editors/vscode/discovery.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extension = path.resolve(here, '../../../vscode-extension');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spmd-discovery-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

fs.writeFileSync(path.join(tmp, 'vscode.js'), `module.exports = {
  workspace: { getConfiguration: () => ({ get: (k) => (globalThis.__settings || {})[k] }) },
  extensions: { getExtension: () => undefined },
};\n`);
execFileSync(path.join(extension, 'node_modules/.bin/esbuild'), [
  path.join(extension, 'src/discovery.ts'), '--bundle', '--platform=node', '--format=cjs', '--log-level=warning',
  `--alias:vscode=${path.join(tmp, 'vscode.js')}`, `--outfile=${path.join(tmp, 'discovery.js')}`,
]);
const discovery = createRequire(import.meta.url)(path.join(tmp, 'discovery.js'));
const oldPython = path.join(tmp, 'old', 'python');
fs.mkdirSync(path.dirname(oldPython));
fs.writeFileSync(oldPython, '#!/bin/sh\necho "spmd-lsp needs Python 3.11 or newer; $0 is Python 3.9.2" >&2\nexit 3\n', { mode: 0o755 });
const python = execFileSync(process.env.SPMD_PYTHON || 'python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();
const bundled = discovery.bundledLauncher(extension);

async function discover(settings, PATH = path.dirname(python)) {
  globalThis.__settings = settings;
  const saved = process.env.PATH;
  process.env.PATH = PATH;
  try {
    return await discovery.discoverServer(undefined, () => {}, extension);
  } finally {
    process.env.PATH = saved;
  }
}

test('the bundled server runs with python3 on PATH', { skip: !bundled && 'no bundled/libs' }, async () => {
  const found = await discover({});
  assert.ok(found.ok, found.reason);
  assert.deepEqual(found.server.args, [bundled]);
  assert.match(found.server.source, /^the bundled spmd-lsp \S+ on Python 3\.\d+\.\d+, run by `python3` on PATH/);
});

test('an explicit interpreter too old for the server is named, with its version', async () => {
  const found = await discover({ 'server.interpreter': oldPython });
  assert.equal(found.ok, false);
  assert.equal(found.reason, `the setting spmdTypes.server.interpreter (${oldPython}) is Python 3.9.2; the server needs Python 3.11 or newer`);
  assert.equal(found.setting, 'spmdTypes.server.interpreter');
});

test('nothing found: every interpreter tried and the PATH searched', async () => {
  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(empty, { recursive: true });
  const found = await discover({}, empty);
  assert.equal(found.ok, false);
  assert.match(found.reason, /`python3` on PATH was not found; `python` on PATH was not found; `spmd-lsp` on PATH was not found/);
  assert.ok(found.reason.endsWith(`PATH searched: ${empty}`), found.reason);
  assert.doesNotMatch(found.install, /pip install spmd-lsp/);
});

test('a configured command wins, and a missing one says where it looked', async () => {
  const found = await discover({ 'server.command': ['no-such-spmd-lsp'] });
  assert.equal(found.ok, false);
  assert.match(found.reason, /names `no-such-spmd-lsp`, which was not found on PATH \(/);
});
