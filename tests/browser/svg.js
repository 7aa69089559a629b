#!/usr/bin/env node
// Open an events2svg picture from file:// in headless Chromium and use it
// as a person would:
//  - it loads with no page error and makes no network request;
//  - clicking the widest frame named ZOOM zooms: that frame fills the
//    width (x 10, width W-20), its ancestors are faded at full width, the
//    frames outside it are hidden, those inside keep their proportions;
//    "Reset Zoom" gives every frame back its original geometry;
//  - Search (the prompt answered with TERM) turns exactly the frames whose
//    name matches TERM purple and says "Matched: P%" with P = PCT (the
//    share of the samples with a matching frame, from events2folded) to
//    0.01; Escape resets it.
// Screenshots OUTDIR/BASE-{loaded,zoomed,search}.png.
// (PCT - for a flame chart: its share is of time, not of samples; in a
// chart, a click zooms into that frame's time range, every lane.)
// usage: node svg.js OUTDIR FILE.svg ZOOM TERM PCT
'use strict';
const fs = require('fs');
const path = require('path');
const { launch } = require('./chromium');

const [outdir, file, zoomName, term, pctArg] = process.argv.slice(2);
if (!outdir || !file || !zoomName || !term || pctArg === undefined) {
  console.error('usage: node svg.js OUTDIR FILE.svg ZOOM TERM PCT');
  process.exit(2);
}
const base = path.basename(file, '.svg');
let failed = 0;
const fail = (msg) => { failed++; console.log(`FAIL ${base}: ${msg}`); };
const ok = (msg) => console.log(`ok ${base}: ${msg}`);
const near = (a, b, eps) => Math.abs(a - b) <= eps;

// every frame: name, geometry, fill, hidden/parent, label
function frames(page) {
  return page.evaluate(() => Array.from(document.getElementById('frames').children).map((g) => {
    const t = g.firstChild.textContent, i = t.lastIndexOf(' (');
    const r = g.children[1];
    return { name: i < 0 ? t : t.slice(0, i), x: +r.getAttribute('x'), y: +r.getAttribute('y'),
      w: +r.getAttribute('width'), fill: r.getAttribute('fill'), label: g.children[2].textContent,
      hidden: g.classList.contains('hide'), parent: g.classList.contains('parent') };
  }));
}

async function zoom(page, W) {
  const before = await frames(page);
  const mode = await page.evaluate(() => document.documentElement.getAttribute('class'));
  let z = -1;
  before.forEach((f, i) => { if (f.name === zoomName && (z < 0 || f.w > before[z].w)) z = i; });
  if (z < 0) { fail(`no frame named ${zoomName}`); return; }
  const f0 = before[z];
  const box = await page.locator('#frames > g').nth(z).locator('rect').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const after = await frames(page);
  const full = W - 20, ratio = full / f0.w;
  const zf = after[z];
  if (near(zf.x, 10, 0.01) && near(zf.w, full, 0.01) && !zf.hidden) ok(`${zoomName} fills the width after a click`);
  else fail(`${zoomName} after a click: x ${zf.x} width ${zf.w}, want 10 and ${full}`);
  if (zf.label.length > f0.label.length || zf.label === zoomName) ok(`its label reads "${zf.label}"`);
  else fail(`label "${zf.label}" (was "${f0.label}")`);
  let bad = 0, hidden = 0, inside = 0, parents = 0;
  before.forEach((f, i) => {
    const a = after[i];
    if (mode === 'chart') {
      // a time range: frames over it clipped to it and scaled, in every lane
      const lo = Math.max(f.x, f0.x), hi = Math.min(f.x + f.w, f0.x + f0.w);
      if (hi - lo <= 1e-3) { hidden++; if (!a.hidden) bad++; return; }
      inside++;
      if (a.hidden || !near(a.x, 10 + (lo - f0.x) * ratio, 0.01) || !near(a.w, (hi - lo) * ratio, 0.01)) bad++;
      return;
    }
    const anc = mode === 'icicle' ? f.y < f0.y : f.y > f0.y;
    const within = f.x >= f0.x - 1e-3 && f.x + f.w <= f0.x + f0.w + 1e-3;
    if (anc && f.x <= f0.x + 1e-3 && f.x + f.w >= f0.x + f0.w - 1e-3) {
      parents++;
      if (!a.parent || !near(a.w, full, 0.01)) bad++;
    } else if (!anc && within) {
      inside++;
      if (a.hidden || !near(a.x, 10 + (f.x - f0.x) * ratio, 0.01) || !near(a.w, f.w * ratio, 0.01)) bad++;
    } else {
      hidden++;
      if (!a.hidden) bad++;
    }
  });
  if (bad === 0 && hidden > 0) ok(`zoom: ${parents} ancestors faded, ${inside} frames scaled ${ratio.toFixed(2)}x, ${hidden} hidden`);
  else fail(`zoom: ${bad} frames misplaced (${parents} ancestors, ${inside} inside, ${hidden} outside)`);
  if (await page.isVisible('#unzoom')) ok('Reset Zoom is shown'); else fail('Reset Zoom is not shown');
  await page.screenshot({ path: path.join(outdir, `${base}-zoomed.png`) });
  await page.click('#unzoom');
  const reset = await frames(page);
  const moved = reset.filter((f, i) => f.hidden || f.parent || !near(f.x, before[i].x, 0.002) ||
    !near(f.w, before[i].w, 0.002) || f.label !== before[i].label).length;
  if (moved === 0 && !(await page.isVisible('#unzoom'))) ok('Reset Zoom restores every frame');
  else fail(`after Reset Zoom ${moved} frames differ from before`);
}

async function search(page) {
  page.once('dialog', async (d) => { await d.accept(term); });
  await page.click('#search');
  const fs2 = await frames(page);
  const re = new RegExp(term);
  const want = fs2.filter((f) => re.test(f.name)).length;
  const purple = fs2.filter((f) => f.fill === 'rgb(230,0,230)').length;
  if (want > 0 && purple === want) ok(`search ${term}: ${purple} frames highlighted`);
  else fail(`search ${term}: ${purple} highlighted, ${want} match`);
  const text = await page.textContent('#matched');
  const m = /Matched: ([\d.]+)%/.exec(text || '');
  if (pctArg === '-' && m) ok(`"${text}"`);
  else if (m && near(+m[1], +pctArg, 0.0101)) ok(`"${text}" (events2folded: ${pctArg}%)`);
  else fail(`matched text "${text}", want ${pctArg}%`);
  await page.screenshot({ path: path.join(outdir, `${base}-search.png`) });
  await page.keyboard.press('Escape');
  const left = (await frames(page)).filter((f) => f.fill === 'rgb(230,0,230)').length;
  if (left === 0 && (await page.textContent('#search')) === 'Search') ok('Escape resets the search');
  else fail(`after Escape ${left} frames still highlighted`);
}

async function main() {
  fs.mkdirSync(outdir, { recursive: true });
  const browser = await launch(1200, 800);
  const ctx = browser.ctx;
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const requests = [];
    page.on('pageerror', (e) => fail(`page error: ${e.message}`));
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    page.on('console', (m) => { if (m.type() === 'error') fail(`console: ${m.text()}`); });
    await page.goto('file://' + path.resolve(file));
    await page.waitForFunction(() => typeof frame_of === 'function' && frames !== undefined);
    const W = await page.evaluate(() => +document.documentElement.getAttribute('width'));
    const n = (await frames(page)).length;
    if (n > 0) ok(`loaded: ${n} frames`); else fail('no frames');
    await page.screenshot({ path: path.join(outdir, `${base}-loaded.png`)});
    await zoom(page, W);
    await search(page);
    if (requests.length === 0) ok('no network request'); else fail(`network requests: ${requests.join(' ')}`);
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`FAIL ${base}: ${e.stack || e}`); process.exit(1); });
