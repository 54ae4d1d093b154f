/*
 * jest globalSetup: runs once per jest run before the workers start, so the workers never race to
 * extract the Helm binaries (helmBinary() is safe under concurrency anyway, e.g. two jest runs).
 */
const { extractHelmBinaries } = require('./helm-binaries');

module.exports = async function globalSetup() {
  extractHelmBinaries();
};
