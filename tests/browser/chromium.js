// chromium.js - the headless Chromium the browser checks drive (svg.js,
// view.js): $CHROMIUM or /usr/bin/chromium through playwright-core, in a
// fresh profile directory, no GPU, no network of its own.
//
// usage: const { launch } = require('./chromium');
//        const browser = await launch(WIDTH, HEIGHT);
//        try { const page = browser.ctx.pages()[0] || await browser.ctx.newPage(); ... }
//        finally { await browser.close(); }
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

async function launch(width, height) {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-chromium-'));
  const ctx = await chromium.launchPersistentContext(userData, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width, height },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
  });
  return {
    ctx,
    close: async () => {
      await ctx.close();
      fs.rmSync(userData, { recursive: true, force: true });
    },
  };
}

module.exports = { launch };
