import * as fs from 'fs';
import * as path from 'path';

/**
 * Browser test support: Debian's chromium driven by playwright-core, and the form test pages of
 * test/forms/ bundled with esbuild (nothing fetched at run time: the bundle is inlined in the page).
 */

/** Debian's chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots go (gitignored): look at them after a run. */
export const SCREENSHOTS = path.join(__dirname, '..', '.tmp');

/**
 * Whether browser tests run. Without chromium they are skipped with a loud message on a developer
 * machine, and fail under CI (CI=true), where .ci/run installs chromium.
 */
export function browserAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`${CHROMIUM} is missing: CI must run the browser tests (.ci/run installs Debian's chromium)`);
  }
  process.stderr.write(`\n*** BROWSER TESTS SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium). Under CI=true they fail instead. ***\n\n`);
  return false;
}

/** Launch options of chromium for tests: no sandbox (containers), nothing contacting the network. */
export const CHROMIUM_LAUNCH = {
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

/** A test page of test/forms/ bundled into one script (React in production mode). */
export async function bundleFormPage(entry: 'rjsf4-page.js' | 'rjsf6-page.js'): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, '..', 'forms', entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** The HTML of a form page: the schema and initial data as globals, then the bundle. */
export function formPageHtml(bundle: string, schema: unknown, formData: unknown): string {
  // `undefined` (no data: the form starts from the schema's defaults) is written as undefined.
  const json = (value: unknown) => (value === undefined ? 'undefined' : JSON.stringify(value).replace(/</g, '\\u003c'));
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>values.schema.json form</title>',
    '<style>body{font:13px sans-serif;margin:16px} fieldset{border:1px solid #ccc;margin:6px 0;padding:6px} .error-detail{color:#b00}</style></head>',
    `<body><div id="root"></div><script>window.TEST_SCHEMA=${json(schema)};window.TEST_FORM_DATA=${json(formData)};</script>`,
    `<script>${bundle.replace(/<\/script/gi, '<\\/script')}</script></body></html>`,
  ].join('\n');
}
