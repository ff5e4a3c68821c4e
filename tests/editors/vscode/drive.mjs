// End-to-end test of the SPMD Types extension in real VS Code (code-server), driven in Debian's
// Chromium with playwright-core. Started by run.sh, which installs the .vsix, starts code-server on
// a copy of tests/editors/fixtures/ and passes:
//   node drive.mjs URL WORKSPACE_DIR ARTIFACTS_DIR
// Checks (each failure says what the editor showed instead):
//   1. the status bar item reaches "ready"
//   2. a squiggle under `x` in `torch.relu(x)` (line 11)
//   3. the Problems panel entry with the code spmd-partial-nonlinear
//   4. the hover on the tensor `x` shows `{dp: R, tp: P}`
//   5. the preferred quick fix from the light bulb rewrites the line, and the diagnostic goes away
// Screenshots: ARTIFACTS_DIR/{1-squiggle,2-problems,3-hover,4-lightbulb-menu,5-fixed}.png, hover.png (editor only),
// and the docs' pictures, cropped: vscode-hover.png, vscode-quick-fix.png, vscode-problems.png
// (`SPMD_UPDATE_SCREENSHOT=1 .ci/editors` copies them to docs/images/)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [url, workspace, outDir] = process.argv.slice(2);
if (!url || !workspace || !outDir) {
  console.error('usage: node drive.mjs URL WORKSPACE_DIR ARTIFACTS_DIR');
  process.exit(2);
}
const FILE = process.env.SPMD_FIXTURE || 'partial_relu.py';
// "server": the checks above; "missing-server": the interpreter setting points at a Python too old to run
// the bundled server, and the extension must say so in one notification whose button opens the setting;
// "python-extension": no setting, the bundled server runs with the Python extension's interpreter.
const SCENARIO = process.env.SPMD_E2E_SCENARIO || 'server';
const CODE = 'spmd-partial-nonlinear';
const TYPE = '{dp: R, tp: P}';
const BUG_LINE = 11; // 1-based, `    y = torch.relu(x)`
const FIXED_LINE = '    y = torch.relu(spmd.all_reduce(x, "tp", src=P, dst=R))';
const FIXED_RE = /^    y = torch\.relu\(spmd\.all_reduce\(x, ["']tp["'], src=P, dst=R\)\)$/; // "tp" or 'tp'
const FIX_TITLE = /all_reduce.*all-reduce in forward.*all-reduce in backward/s;

fs.mkdirSync(outDir, { recursive: true });
const t0 = Date.now();
const log = (...a) => console.log(`[vscode ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
const failures = [];
function check(ok, what, shown) {
  if (ok) log(`ok: ${what}`);
  else {
    failures.push(`${what}: VS Code showed ${shown}`);
    log(`FAIL: ${what}: VS Code showed ${shown}`);
  }
  return ok;
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'spmd-chromium-'));
// playwright refuses --user-data-dir in args: a fresh profile goes through launchPersistentContext.
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
let page;
const shot = (name) => page.screenshot({ path: path.join(outDir, name) }).catch((e) => log(`screenshot ${name}: ${e.message}`));
/** A screenshot of the smallest rectangle holding every box (plus a margin), inside the window. */
async function clipShot(name, boxes, margin = 12) {
  const found = boxes.filter(Boolean);
  if (!found.length) return log(`screenshot ${name}: nothing to frame`);
  const x0 = Math.max(0, Math.min(...found.map((b) => b.x)) - margin);
  const y0 = Math.max(0, Math.min(...found.map((b) => b.y)) - margin);
  const x1 = Math.min(1280, Math.max(...found.map((b) => b.x + b.width)) + margin);
  const y1 = Math.min(800, Math.max(...found.map((b) => b.y + b.height)) + margin);
  await page.screenshot({ path: path.join(outDir, name), clip: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } })
    .catch((e) => log(`screenshot ${name}: ${e.message}`));
}

/** The rendered line `n` (1-based) of the editor, or null when it is not rendered. */
async function viewLine(n) {
  const lines = page.locator('.monaco-editor .view-lines .view-line');
  const count = await lines.count();
  const rendered = [];
  for (let i = 0; i < count; i++) {
    const l = lines.nth(i);
    rendered.push({ box: await l.boundingBox(), text: norm(await l.innerText()), el: l });
  }
  rendered.sort((a, b) => a.box.y - b.box.y);
  // The editor is scrolled to the top and the file is short, so rendered[i] is line i+1.
  return rendered[n - 1] ?? null;
}

/** Page coordinates of column `col` (0-based) on line `n`; monospace font, character width from line 1. */
async function charPos(n, col) {
  const line = await viewLine(n);
  const raw = await line.el.evaluate((e) => e.textContent.replace(/\u00a0/g, ' '));
  const first = await viewLine(1);
  const charW = await first.el.evaluate((e) => {
    const r = document.createRange();
    r.selectNodeContents(e);
    return r.getBoundingClientRect().width / e.textContent.length;
  });
  return { x: line.box.x + (col + 0.5) * charW, y: line.box.y + line.box.height / 2, charW, raw, line };
}

async function hoverAt(n, col, expect, attempts = 6) {
  let text = '';
  for (let i = 0; i < attempts; i++) {
    const p = await charPos(n, col);
    await page.mouse.move(p.x - 30, p.y + 60);
    await page.mouse.move(p.x, p.y, { steps: 3 });
    text = await page.waitForSelector('.monaco-hover:not(.hidden) .hover-contents, .monaco-hover:not(.hidden) .rendered-markdown',
      { timeout: 4000 })
      .then(async () => {
        await page.waitForTimeout(300);
        return norm(await page.locator('.monaco-hover:not(.hidden)').first().innerText());
      })
      .catch(() => '');
    if (text.includes(expect)) break;
  }
  return text;
}

/** No interpreter can run the server: a failed status, ONE notification naming the interpreter tried and why
 * it does not do, its button opens the setting. */
async function missingServer(statusLabel) {
  check(/^SPMD Types failed: .*spmdTypes\.server\.interpreter.*Python 3\.9\.2.*3\.11 or newer/s.test(statusLabel ?? ''),
    'status bar item says "SPMD Types failed", naming the interpreter and its version', JSON.stringify(statusLabel ?? '(no SPMD status bar item)'));
  const toast = page.locator('.notifications-toasts .notification-toast-container').filter({ hasText: 'SPMD Types' });
  await toast.first().waitFor({ state: 'visible', timeout: 15000 }).catch(() => {});
  await page.waitForTimeout(2000); // would a second notification follow?
  const toasts = await toast.allInnerTexts();
  await shot('missing-server-notification.png');
  const text = norm(toasts[0]);
  check(toasts.length === 1 && /old-python\/bin\/python/.test(text) && /Python 3\.9\.2/.test(text)
    && /spmdTypes\.server\.interpreter/.test(text) && !/pip install spmd-lsp/.test(text) && !/\bat .*\.js:\d+/.test(text),
    'one notification naming the interpreter tried (Python 3.9.2, too old) and the setting to fix, without a stack trace',
    `${toasts.length} SPMD notification(s): ${JSON.stringify(toasts.map(norm))}`);
  const button = toast.first().locator('a.monaco-button, .monaco-button').filter({ hasText: 'Open Setting' });
  if (check(await button.count() === 1, 'the notification has an "Open Setting" button', JSON.stringify(text))) {
    await button.click();
    const opened = await page.waitForSelector('.settings-editor .setting-item-contents:has-text("Interpreter")', { timeout: 15000 })
      .then(() => true).catch(() => false);
    const search = await page.locator('.settings-editor .suggest-input-container .view-line, .settings-editor .search-container').first().innerText().catch(() => '');
    await shot('missing-server-settings.png');
    check(opened, 'the button opens the Settings editor at spmdTypes.server', `search box ${JSON.stringify(norm(search))}`);
  }
}

let ok = false;
try {
  page = browser.pages()[0] || (await browser.newPage());
  page.on('pageerror', (e) => log('pageerror:', e.message));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  log('workbench loaded');
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 30000 });
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 15000 });
  await page.keyboard.type(FILE, { delay: 20 });
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${FILE}"]`, { timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab[aria-label*="${FILE}"]`, { timeout: 20000 });
  await page.waitForSelector('.monaco-editor .view-line', { timeout: 20000 });
  log('file opened');

  const statusOf = () => page.evaluate(() => {
    const el = [...document.querySelectorAll('.statusbar-item, .statusbar-item *')]
      .find((e) => (e.getAttribute('aria-label') || '').startsWith('SPMD Types'));
    return el ? el.getAttribute('aria-label') : null;
  });
  let statusLabel = null;
  for (let i = 0; i < 600 && !/^SPMD Types (ready|failed)/.test(statusLabel ?? ''); i++) {
    await page.waitForTimeout(100);
    statusLabel = await statusOf();
  }
  if (SCENARIO === 'missing-server') {
    await missingServer(statusLabel);
    throw null; // done
  }
  if (SCENARIO === 'python-extension') {
    check(/^SPMD Types ready: .*bundled\/tool\/launch\.py.*the bundled spmd-lsp .* run by the interpreter selected in the Python extension/s.test(statusLabel ?? ''),
      'status bar: ready, with the bundled server run by the interpreter selected in the Python extension', JSON.stringify(statusLabel));
    const sq = await page.waitForSelector('.monaco-editor .view-overlays [class*="squiggly-"]', { timeout: 60000 }).then(() => true).catch(() => false);
    await shot('python-extension.png');
    check(sq, 'a squiggle from that server', 'no squiggle');
    throw null; // done
  }
  // 1. status bar: starting -> ready
  if (!check((statusLabel ?? '').startsWith('SPMD Types ready'), 'status bar item says "SPMD Types ready"',
    JSON.stringify(statusLabel ?? '(no SPMD status bar item)'))) {
    const toasts = norm(await page.locator('.notifications-toasts').innerText().catch(() => ''));
    log('notifications:', JSON.stringify(toasts));
    await shot('1-server-failed.png');
    throw new Error('the server did not start, skipping the other checks');
  }

  // 2. squiggle under `x` in `torch.relu(x)`
  const squiggly = '.monaco-editor .view-overlays [class*="squiggly-"]';
  const haveSquiggle = await page.waitForSelector(squiggly, { timeout: 60000 }).then(() => true).catch(() => false);
  await page.mouse.move(5, 5);
  await shot('1-squiggle.png');
  const squiggles = await page.$$eval(squiggly, (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { cls: e.className, x: r.x, y: r.y, w: r.width, h: r.height };
  }));
  const bug = await charPos(BUG_LINE, 0);
  const col = bug.raw.indexOf('relu(x)') + 5;
  const xLeft = bug.line.box.x + col * bug.charW;
  const onX = squiggles.find((s) => s.y >= bug.line.box.y - 2 && s.y < bug.line.box.y + bug.line.box.height
    && Math.abs(s.x - xLeft) < bug.charW / 2 && Math.abs(s.w - bug.charW) < bug.charW / 2);
  check(haveSquiggle && onX, `a squiggle under \`x\` in \`torch.relu(x)\` (line ${BUG_LINE}, column ${col + 1})`,
    haveSquiggle ? `squiggles at ${JSON.stringify(squiggles.map((s) => ({ cls: s.cls, line: Math.round((s.y - (bug.line.box.y - (BUG_LINE - 1) * bug.line.box.height)) / bug.line.box.height) + 1, col: Math.round((s.x - bug.line.box.x) / bug.charW) + 1, chars: Math.round(s.w / bug.charW) })))}`
      : 'no squiggle at all');

  // 3. Problems panel entry with its code
  await page.keyboard.press('Control+Shift+M');
  const row = '.markers-panel .monaco-list-row';
  const haveRow = await page.waitForSelector(`${row}:has-text("${CODE}")`, { timeout: 20000 }).then(() => true).catch(() => false);
  const problems = norm(await page.locator('.markers-panel').innerText().catch(() => ''));
  check(haveRow && problems.includes(`[Ln ${BUG_LINE}, Col ${col + 1}]`),
    `Problems panel lists ${CODE} at [Ln ${BUG_LINE}, Col ${col + 1}]`, JSON.stringify(problems.slice(0, 400) || '(empty panel)'));
  // source(code) reads "SPMD Types(spmd-partial-nonlinear)" (the parentheses are the panel's own)
  check(problems.includes(`SPMD Types ${CODE}`), `the entry's source is "SPMD Types": SPMD Types(${CODE})`,
    JSON.stringify(problems.slice(0, 400)));
  check(/the operand got its type here: `spmd\.assert_type\(x, /.test(problems) && !/at line \d/.test(problems),
    'the related information says what happened there, without repeating the line', JSON.stringify(problems.slice(0, 400)));
  await shot('2-problems.png');
  await clipShot('vscode-problems.png', [
    await page.locator('.part.panel').boundingBox().catch(() => null),
    (await viewLine(BUG_LINE - 3))?.box,
  ]);
  log('problems:', JSON.stringify(problems.slice(0, 300)));
  await page.keyboard.press('Control+Shift+M'); // toggle the panel closed again
  await page.keyboard.press('Escape');

  // 4. hover on the tensor `x` in `torch.relu(x)`: its type, next to the diagnostic and "Quick Fix..."
  const last = await charPos(BUG_LINE + 1, 0); // cursor on the empty last line: no word highlights
  await page.mouse.click(last.x, last.y);
  await page.mouse.move(5, 5);
  const hover = await hoverAt(BUG_LINE, col, TYPE);
  check(hover.includes(TYPE), `hover on \`x\` in \`torch.relu(x)\` (line ${BUG_LINE}) shows ${TYPE}`, JSON.stringify(hover || '(no hover)'));
  check(/why: \{dp: R, tp: P\} because of spmd\.assert_type\(x, .*\(line 10\)/.test(hover),
    'the hover says why: the assert_type on line 10', JSON.stringify(hover.slice(0, 600) || '(no hover)'));
  log('hover:', JSON.stringify(hover.slice(0, 400)));
  await shot('3-hover.png');
  await clipShot('vscode-hover.png', [
    await page.locator('.monaco-hover:not(.hidden)').first().boundingBox().catch(() => null),
    (await viewLine(BUG_LINE - 2))?.box,
  ]);
  // the README screenshot: the editor part of the window only
  const editorBox = await page.locator('.part.editor').boundingBox().catch(() => null);
  if (editorBox) {
    await page.screenshot({ path: path.join(outDir, 'hover.png'),
      clip: { x: editorBox.x, y: editorBox.y, width: Math.min(editorBox.width, 900), height: Math.min(editorBox.height, 520) } })
      .catch((e) => log(`screenshot hover.png: ${e.message}`));
  }
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');

  // 5. quick fix from the light bulb: put the cursor on `x`, click the bulb, pick the preferred fix
  const p = await charPos(BUG_LINE, col);
  await page.mouse.click(p.x, p.y);
  const bulb = page.locator('.lightBulbWidget, .lightbulb-glyph').first();
  const haveBulb = await bulb.waitFor({ state: 'visible', timeout: 20000 }).then(() => true).catch(() => false);
  let menu = '';
  let applied = false;
  if (check(haveBulb, `a light bulb on line ${BUG_LINE}`, 'no light bulb')) {
    await bulb.click();
    const item = page.locator('.action-widget .monaco-list-row.action').filter({ hasText: FIX_TITLE }).first();
    const haveItem = await item.waitFor({ state: 'visible', timeout: 10000 }).then(() => true).catch(() => false);
    menu = norm(await page.locator('.action-widget').first().innerText().catch(() => ''));
    await shot('4-lightbulb-menu.png');
    await clipShot('vscode-quick-fix.png', [
      await page.locator('.action-widget').first().boundingBox().catch(() => null),
      (await viewLine(BUG_LINE - 1))?.box,
    ]);
    const title = haveItem ? norm(await item.innerText()) : '';
    if (check(haveItem && FIX_TITLE.test(title), 'the light bulb menu offers "all_reduce ... (all-reduce in forward, all-reduce in backward)"',
      JSON.stringify(menu || '(no menu)'))) {
      // A plain click() waits forever for the animated menu to be "stable": select the row, press Enter.
      await item.hover({ force: true });
      await page.keyboard.press('Enter');
      applied = true;
    }
  }
  if (applied) {
    await page.keyboard.press('Control+S');
    const file = path.join(workspace, FILE);
    const before = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', FILE), 'utf8');
    const fixedOk = (t) => {
      const a = t.split('\n'), b = before.split('\n');
      return a.length === b.length && a.every((l, i) => (i === BUG_LINE - 1 ? FIXED_RE.test(l) : l === b[i]));
    };
    let text = '';
    for (let i = 0; i < 50 && !fixedOk(text); i++) {
      await page.waitForTimeout(200);
      text = fs.readFileSync(file, 'utf8');
    }
    check(fixedOk(text), `after the quick fix, line ${BUG_LINE} reads ${JSON.stringify(FIXED_LINE)} and nothing else changed`,
      `the file ${JSON.stringify(text)}`);
    const gone = await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, squiggly, { timeout: 30000 })
      .then(() => true).catch(() => false);
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+Shift+M');
    await page.waitForTimeout(500);
    const after = norm(await page.locator('.markers-panel').innerText().catch(() => ''));
    check(gone && !after.includes(CODE), 'after the quick fix, no squiggle and no problem is left',
      `${await page.locator(squiggly).count()} squiggle(s); Problems panel: ${JSON.stringify(after.slice(0, 300))}`);
    await shot('5-fixed.png');
  }
  ok = failures.length === 0;
} catch (e) {
  if (e === null) {
    ok = failures.length === 0;
  } else {
  failures.push(`driver error: ${e.message.split('\n')[0]}`);
  log('ERROR', e.message.split('\n')[0]);
  if (page) await shot('error.png');
  }
} finally {
  await browser.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
}
if (ok) log('RESULT: PASS');
else {
  log(`RESULT: FAIL (${failures.length} check(s))`);
  for (const f of failures) console.log(`  - ${f}`);
}
process.exit(ok ? 0 : 1);
