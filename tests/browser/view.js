#!/usr/bin/env node
// Open a speedscope file in the real speedscope app (the npm package's
// dist/release, served on 127.0.0.1) in headless Chromium and check that
//  - Time Order and Left Heavy render: no error screen, no alert, no page
//    error, and hovering the flame chart shows a frame's tooltip;
//  - the Sandwich table's Total and Self of its top rows equal EXPECT, a TSV
//    "name<TAB>total<TAB>self" computed from events2folded for the same stream.
// Screenshots go to OUTDIR. Prints "ok ..." / "FAIL ..." lines; exit 1 on failure.
//
// EXPECT "empty" instead asserts that the file opens and shows no frame.
//
// usage: node view.js OUTDIR FILE.speedscope.json [EXPECT.tsv|empty [ROWS]]
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { launch } = require('./chromium');

const [outdir, profile, expectArg, rowsArg] = process.argv.slice(2);
const empty = expectArg === 'empty';
const expectFile = empty ? null : expectArg;
if (!outdir || !profile) {
  console.error('usage: node view.js OUTDIR FILE.speedscope.json [EXPECT.tsv [ROWS]]');
  process.exit(2);
}
const ROWS = Number(rowsArg || 12);
const app = path.join(__dirname, 'node_modules', 'speedscope', 'dist', 'release');
const base = path.basename(profile);
let failed = 0;
const fail = (msg) => { failed++; console.log(`FAIL ${base}: ${msg}`); };
const ok = (msg) => console.log(`ok ${base}: ${msg}`);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.png': 'image/png', '.wasm': 'application/wasm',
  '.woff2': 'font/woff2', '.ico': 'image/x-icon' };

function serve() {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0]);
    let file;
    if (url === '/profile/' + base) file = profile;
    else file = path.join(app, path.normalize(url === '/' ? '/index.html' : url));
    if (!file.startsWith(app) && file !== profile) { res.writeHead(403); res.end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// "1,234 (5.6%)" -> 1234; "12.34ms (5%)" -> ns with the precision shown
function parseValue(text) {
  const v = text.split(' (')[0].trim();
  const m = /^([\d.,]+)\s*(ns|µs|ms|s)?$/.exec(v);
  if (!m) return null;
  const num = Number(m[1].replace(/,/g, ''));
  const scale = { ns: 1, 'µs': 1e3, ms: 1e6, s: 1e9 }[m[2]];
  if (!m[2]) return { value: num, tol: 0 };
  // toFixed(2): the last digit is worth 0.01 of the unit
  return { value: num * scale, tol: 0.005 * scale + 1e-6 };
}

async function hoverTooltip(page) {
  // the flame chart fills the window below the toolbar: hover a grid of
  // points until speedscope shows a frame's tooltip
  const vp = page.viewportSize();
  for (let y = 40; y < vp.height - 20; y += 15) {
    for (const x of [vp.width * 0.1, vp.width * 0.3, vp.width * 0.5]) {
      await page.mouse.move(x, y);
      const text = await page.evaluate(() => {
        const divs = [...document.querySelectorAll('div')].filter((d) => {
          const s = getComputedStyle(d);
          return s.position === 'absolute' && s.pointerEvents === 'none' && d.innerText.trim();
        });
        return divs.length ? divs[divs.length - 1].innerText.trim() : null;
      });
      if (text) return text.replace(/\s+/g, ' ');
    }
  }
  return null;
}

async function errorScreen(page) {
  return page.evaluate(() => document.body.innerText.includes('Something went wrong'));
}

async function view(page, key, label, shot) {
  await page.keyboard.press(key);
  await page.waitForTimeout(700);
  if (await errorScreen(page)) { fail(`${label}: speedscope's error screen`); return; }
  const tip = await hoverTooltip(page);
  await page.screenshot({ path: path.join(outdir, shot) });
  if (empty && tip) fail(`${label}: a frame in an empty profile: "${tip}"`);
  else if (empty) ok(`${label} opens, empty`);
  else if (!tip) fail(`${label}: no frame under the mouse anywhere (nothing rendered?)`);
  else ok(`${label} renders; a tooltip reads "${tip.slice(0, 80)}"`);
}

async function sandwich(page) {
  await page.keyboard.press('3');
  await page.waitForTimeout(700);
  await page.screenshot({ path: path.join(outdir, 'sandwich.png') });
  if (await errorScreen(page)) { fail('Sandwich: error screen'); return; }
  if (!expectFile) return;
  await compareTable(page, 'by self');
  // then sorted by total, the way people look for the heaviest functions
  await page.click('th:has-text("Total")');
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(outdir, 'sandwich-total.png') });
  await compareTable(page, 'by total');
}

async function compareTable(page, order) {  const rows = await page.evaluate(() => [...document.querySelectorAll('tr')]
    .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim()))
    .filter((c) => c.length === 3));
  const expect = new Map();
  for (const line of fs.readFileSync(expectFile, 'utf8').split('\n')) {
    if (!line) continue;
    const [name, total, self] = line.split('\t');
    // "ambiguous": frames in different files share this name (speedscope
    // shows one row each, folded stacks one sum): not comparable by name
    expect.set(name, { ambiguous: total === 'ambiguous', total: Number(total), self: Number(self) });
  }
  const seen = new Map();
  for (const r of rows) seen.set(r[2].replace(/;/g, ':'), (seen.get(r[2].replace(/;/g, ':')) || 0) + 1);
  let compared = 0;
  for (const [total, self, shown] of rows.slice(0, ROWS)) {
    // folded stacks cannot hold ';' in a name: events2folded writes ':'
    const name = shown.replace(/;/g, ':');
    let want = expect.get(name);
    if (seen.get(name) > 1) continue; // two frames with one name: not comparable by name
    if (!want && name.length >= 100) {
      // the table cuts long names: match by prefix when it is unambiguous
      const cands = [...expect.keys()].filter((k) => k.startsWith(name));
      if (cands.length === 1) want = expect.get(cands[0]);
    }
    if (!want) { fail(`Sandwich row "${name}" is not in events2folded's output`); continue; }
    if (want.ambiguous) continue;
    const t = parseValue(total), s = parseValue(self);
    if (!t || !s) { fail(`Sandwich row "${name}": cannot read "${total}" / "${self}"`); continue; }
    if (Math.abs(t.value - want.total) > t.tol || Math.abs(s.value - want.self) > s.tol)
      fail(`Sandwich "${name}": total ${total}, self ${self}; events2folded: ${want.total}, ${want.self}`);
    else compared++;
  }
  if (compared === 0) fail(`Sandwich ${order}: no row compared`);
  else ok(`Sandwich ${order}: total and self of the top ${compared} functions equal events2folded's`);
}

async function main() {
  fs.mkdirSync(outdir, { recursive: true });
  const server = await serve();
  const port = server.address().port;
  const browser = await launch(1280, 800);
  const ctx = browser.ctx;
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    page.on('pageerror', (e) => fail(`page error: ${e.message}`));
    page.on('dialog', async (d) => { fail(`alert: ${d.message()}`); await d.dismiss(); });
    page.on('console', (m) => { if (m.type() === 'error') console.log(`console: ${m.text()}`); });
    const url = `http://127.0.0.1:${port}/index.html#profileURL=` +
      encodeURIComponent(`http://127.0.0.1:${port}/profile/${base}`);
    await page.goto(url);
    try {
      await page.waitForFunction(() => / - speedscope$/.test(document.title) ||
        document.body.innerText.includes('Something went wrong'), null, { timeout: 120000 });
    } catch (e) {
      fail('the profile did not load within 120 s');
    }
    await page.waitForTimeout(500);
    if (await errorScreen(page)) {
      fail('speedscope shows its error screen');
      await page.screenshot({ path: path.join(outdir, 'error.png') });
    } else {
      ok(`loaded as "${await page.title()}"`);
      await view(page, '1', 'Time Order', 'time-order.png');
      await view(page, '2', 'Left Heavy', 'left-heavy.png');
      await sandwich(page);
    }
  } finally {
    await browser.close();
    server.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`FAIL ${base}: ${e.stack || e}`); process.exit(1); });
