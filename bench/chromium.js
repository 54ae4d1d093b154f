/** Debian's chromium and its launch arguments, shared by the console benchmark (the tests use test/support/browser.ts). */
module.exports = {
  CHROMIUM: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  CHROMIUM_ARGS: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};
