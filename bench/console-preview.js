#!/usr/bin/env node
/**
 * Console benchmark (run by bench/run.js): opens a console page in Chromium and measures how long the
 * preview of the default profile takes to follow a change — from the keystroke to the updated object
 * list, as a user waits for it (the page's short input debounce included), and the render alone as the
 * page reports it. Prints one JSON line.
 */
const path = require('path');
const { CHROMIUM, CHROMIUM_ARGS } = require('./chromium');

async function main() {
  const page = process.argv[2];
  const changes = Number(process.argv[3] || 15);
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const tab = await browser.newPage();
    const loadStarted = Date.now();
    await tab.goto(`file://${path.resolve(page)}`);
    await tab.waitForSelector('body[data-preview-generation]');
    const firstPreview = Date.now() - loadStarted;
    const endToEnd = [];
    const render = [];
    for (let i = 0; i < changes; i++) {
      const generation = Number(await tab.getAttribute('body', 'data-preview-generation'));
      const started = Date.now();
      await tab.fill('[name="tracing.sampling"]', String(10 + i));
      await tab.waitForFunction((n) => Number(document.body.dataset.previewGeneration) > n, generation, { polling: 5 });
      endToEnd.push(Date.now() - started);
      render.push(Number(await tab.getAttribute('body', 'data-preview-ms')));
    }
    process.stdout.write(`${JSON.stringify({ firstPreview, endToEnd, render })}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
