import * as fs from 'fs';
import type { Browser } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`), which playwright-core drives. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launch arguments: no sandbox (root in CI containers), and nothing that reaches the network on its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * True when the browser tests can run. Under CI=true a missing chromium is an error (the suite must
 * not pass by skipping them); elsewhere the tests are skipped with a note.
 */
export function chromiumAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium for the console tests`);
  process.stderr.write(`console tests skipped: ${CHROMIUM} is missing (apt-get install chromium)\n`);
  return false;
}

/** Starts chromium headless. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
