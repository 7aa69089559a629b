#!/usr/bin/env node
// Open an events2html page from file:// in headless Chromium and use it as
// a person would, checking each state against the command line:
//  - it loads with no page error and makes no network request;
//  - every cell of the heat map has the value `heatmap -l -e EVENT` gives;
//  - for each selection (all; a drag across columns; one cell clicked (a
//    first click); the range a second click ends, before the first; the busiest thread;
//    the busiest process) the command the page shows, run in a shell, prints
//    exactly the flame graph's stacks (window.flamepipe.folded()), and the
//    drawn root frame and the subtitle carry the same total;
//  - search turns frames purple and says "Matched: P%"; a click on a frame
//    zooms (Reset Zoom enabled).
// Screenshots OUTDIR/BASE-STATE.png.
// usage: node html.js OUTDIR BINDIR FILE.html EVENTS
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { launch } = require('./chromium');

const [outdir, bindir, file, events] = process.argv.slice(2);
if (!outdir || !bindir || !file || !events) {
  console.error('usage: node html.js OUTDIR BINDIR FILE.html EVENTS');
  process.exit(2);
}
const base = path.basename(file, '.html');
let failed = 0;
const fail = (msg) => { failed++; console.log(`FAIL ${base}: ${msg}`); };
const ok = (msg) => console.log(`ok ${base}: ${msg}`);
const sh = (cmd) => execFileSync('sh', ['-c', cmd], {
  cwd: path.dirname(events), encoding: 'utf8', maxBuffer: 1 << 28,
  env: { ...process.env, PATH: `${path.resolve(bindir)}:${process.env.PATH}`, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'ignore'],
});
// folded lines merged by text (frames that fold alike), sorted
function merge(lines) {
  const m = new Map();
  for (const l of lines) {
    if (!l) continue;
    const i = l.lastIndexOf(' ');
    const k = l.slice(0, i);
    m.set(k, (m.get(k) || 0) + Number(l.slice(i + 1)));
  }
  return [...m.keys()].sort().map((k) => `${k} ${m.get(k)}`);
}

async function check(page, state) {
  await page.screenshot({ path: path.join(outdir, `${base}-${state}.png`), fullPage: true });
  const cmd = await page.locator('#cmd').textContent();
  const got = merge(await page.evaluate(() => window.flamepipe.folded()));
  const want = merge(sh(cmd).split('\n'));
  if (JSON.stringify(got) === JSON.stringify(want)) ok(`${state}: ${got.length} stacks = ${cmd}`);
  else {
    fail(`${state}: the flame graph is not the output of: ${cmd}`);
    const g = new Set(got), w = new Set(want);
    got.filter((l) => !w.has(l)).slice(0, 3).forEach((l) => console.log(`  page only: ${l}`));
    want.filter((l) => !g.has(l)).slice(0, 3).forEach((l) => console.log(`  command only: ${l}`));
  }
  const total = want.reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  const shown = await page.evaluate(() => {
    const g = document.querySelector('#fg g[data-n="0"] title');
    return { root: g ? g.textContent : '', sub: document.getElementById('fgsub').textContent };
  });
  const t = total.toLocaleString('en-US');
  if (total === 0 ? !shown.root : shown.root.startsWith(`all (${t} `) && shown.sub.includes(` ${t} `)) ok(`${state}: total ${t} drawn`);
  else fail(`${state}: total ${t}, root frame "${shown.root}", subtitle "${shown.sub}"`);
  return cmd;
}

async function drag(page, a, b) {
  const p = await page.evaluate(([c, r]) => window.flamepipe.cell(c, r), a);
  const q = await page.evaluate(([c, r]) => window.flamepipe.cell(c, r), b);
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  await page.mouse.move((p.x + q.x) / 2, (p.y + q.y) / 2);
  await page.mouse.move(q.x, q.y);
  await page.mouse.up();
}
async function click(page, a) {
  const p = await page.evaluate(([c, r]) => window.flamepipe.cell(c, r), a);
  await page.mouse.click(p.x, p.y);
}

async function main() {
  const browser = await launch(1400, 900);
  try {
    const page = browser.ctx.pages()[0] || await browser.ctx.newPage();
    const errors = [], requests = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => { if (r.url() !== `file://${path.resolve(file)}`) requests.push(r.url()); });
    await page.goto(`file://${path.resolve(file)}`);
    await page.waitForFunction(() => window.flamepipe !== undefined, null, { timeout: 30000 });
    const fp = await page.evaluate(() => ({ cols: window.flamepipe.cols, rows: window.flamepipe.rows, event: window.flamepipe.event }));
    // the cells: heatmap -l of the same event
    if (fp.event !== null) {
      const want = new Map();
      for (const l of sh(`heatmap -l -r ${fp.rows} -e '${fp.event.replace(/'/g, "'\\''")}' '${path.resolve(events)}'`).split('\n')) {
        if (!l || l[0] === '#') continue;
        const f = l.split('\t');
        want.set(`${f[0]} ${fp.rows - 1 - Number(f[1])}`, Number(f[3]));
      }
      const got = await page.evaluate(() => {
        const r = {};
        for (let c = 0; c < window.flamepipe.cols; c++)
          for (let b = 0; b < window.flamepipe.rows; b++) if (window.flamepipe.value(c, b)) r[`${c} ${b}`] = window.flamepipe.value(c, b);
        return r;
      });
      const bad = [...want].filter(([k, v]) => got[k] !== v).length + Object.keys(got).filter((k) => !want.has(k)).length;
      if (bad === 0) ok(`${want.size} cells as heatmap -l -e ${fp.event}`); else fail(`${bad} cells differ from heatmap -l`);
    }
    await check(page, 'loaded');
    if (fp.cols > 0) {
      const R = fp.rows;
      // a drag across columns (from the first column's middle to the next one's top)
      const last = fp.cols - 1;
      await drag(page, [0, Math.floor(R / 2)], [Math.min(1, last), R - 3]);
      await check(page, 'drag');
      // one cell: the busiest
      const busy = await page.evaluate(() => {
        let m = -1, at = [0, 0];
        for (let c = 0; c < window.flamepipe.cols; c++)
          for (let b = 0; b < window.flamepipe.rows; b++)
            if (window.flamepipe.value(c, b) > m) { m = window.flamepipe.value(c, b); at = [c, b]; }
        return at;
      });
      await click(page, busy);
      const one = await check(page, 'cell');
      // two clicks, FlameScope's way; the end is earlier than the start
      await click(page, [0, 0]);
      const two = await check(page, 'clicks');
      if (one !== two || (busy[0] === 0 && busy[1] === 0)) ok('the second click made a range'); else fail('the second click did not change the range');
      // the busiest thread and process, the range kept
      const opts = await page.evaluate(() => Array.from(document.querySelectorAll('#thread option')).map((o) => [o.value, o.textContent]));
      const by = (kind) => opts.filter((o) => o[0].startsWith(kind))
        .sort((a, b) => Number(b[1].replace(/.*\(([0-9,]+) samples?\)$/, '$1').replace(/,/g, '')) - Number(a[1].replace(/.*\(([0-9,]+) samples?\)$/, '$1').replace(/,/g, '')))[0];
      for (const [kind, state] of [['t:', 'thread'], ['p:', 'process']]) {
        const o = by(kind);
        if (!o) { ok(`no ${state} to choose`); continue; }
        await page.selectOption('#thread', o[0]);
        await check(page, state);
      }
      await page.selectOption('#thread', 'all');
      await page.locator('#all').click();
      // search and zoom
      const frame = await page.evaluate(() => {
        const t = document.querySelectorAll('#fg g');
        return t.length > 2 ? t[2].querySelector('title').textContent.replace(/ \([^(]*\)$/, '') : null;
      });
      if (frame) {
        const term = frame.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        await page.fill('#search', `^${term}$`);
        const m = await page.locator('#matched').textContent();
        const purple = await page.evaluate(() => document.querySelectorAll('#fg rect[fill="rgb(230,0,230)"]').length);
        if (/^Matched: [0-9.]+%$/.test(m) && purple > 0) ok(`search: ${m}, ${purple} frames`); else fail(`search "${term}": "${m}", ${purple} purple frames`);
        await page.screenshot({ path: path.join(outdir, `${base}-search.png`), fullPage: true });
        await page.fill('#search', '');
        await page.locator('#fg g[data-n]').nth(2).locator('rect').click();
        const z = await page.evaluate(() => ({ un: document.getElementById('unzoom').disabled, w: document.querySelector('#fg g:not(.parent) rect').getAttribute('width') }));
        if (!z.un) ok('a click on a frame zooms'); else fail('a click on a frame did not zoom');
        await page.screenshot({ path: path.join(outdir, `${base}-zoom.png`), fullPage: true });
      }
    }
    if (errors.length) fail(`page errors: ${errors.join('; ')}`); else ok('no page error');
    if (requests.length) fail(`network requests: ${requests.join(' ')}`); else ok('no network request');
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}
main().catch((e) => { console.log(`FAIL ${base}: ${e.stack || e}`); process.exit(1); });
