#!/usr/bin/env node
/**
 * Writes src/imports/*.ts: typed cdk8s classes (`cdk8s import`, the cdk8s convention) for the Istio
 * kinds istio-pack emits or is about to emit.
 *
 * CRD source: the CRDs istio-pack itself ships (src/components/base.ts structuralCrd: upstream's
 * names, versions and printer columns from crd-catalog.ts, spec schemas from @kubernetes-models/istio,
 * i.e. Istio's own CRD schemas, see scripts/crd-schemas.mjs). So the compiler checks an object against
 * exactly the schema the API server enforces with these CRDs, and nothing is fetched: cdk8s-cli (a dev
 * dependency) imports a local file offline.
 *
 * Run: npm run import-crds   (builds first: it reads the compiled generator in lib/).
 * `node scripts/import-istio-crds.mjs --check` only compares (test/typed-objects.test.ts uses it).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const OUTPUT = path.join(ROOT, 'src', 'imports');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');

/**
 * The kinds to import. Each CRD group becomes one file; a group's file holds only the kinds listed.
 * The first version a CRD lists gets the plain class name (PeerAuthentication is security.istio.io/v1).
 */
const KINDS = ['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'Gateway', 'VirtualService'];

function crdYaml() {
  const { ISTIO_CRDS } = require(path.join(ROOT, 'lib', 'components', 'crd-catalog.js'));
  const { structuralCrd } = require(path.join(ROOT, 'lib', 'components', 'base.js'));
  const { toKubernetesYaml } = require(path.join(ROOT, 'lib', 'values', 'kubernetes-yaml.js'));
  const crds = KINDS.map((kind) => {
    const crd = ISTIO_CRDS.find((candidate) => candidate.kind === kind);
    if (!crd) throw new Error(`import-istio-crds: no CRD of kind ${kind} in crd-catalog.ts`);
    return structuralCrd(crd, {});
  });
  return crds.map((crd) => toKubernetesYaml(crd)).join('---\n');
}

/** Runs `cdk8s import` of the CRDs into `outDir`; returns file name → content. */
function generate(outDir) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-crds-'));
  try {
    const input = path.join(work, 'istio-crds.yaml');
    fs.writeFileSync(input, crdYaml());
    execFileSync(CDK8S, ['import', input, '--no-save', '--language', 'typescript', '--output', outDir], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return new Map(fs.readdirSync(outDir).sort().map((name) => [name, fs.readFileSync(path.join(outDir, name), 'utf8')]));
}

function committed() {
  if (!fs.existsSync(OUTPUT)) return new Map();
  return new Map(fs.readdirSync(OUTPUT).sort().map((name) => [name, fs.readFileSync(path.join(OUTPUT, name), 'utf8')]));
}

const check = process.argv.includes('--check');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-imports-'));
try {
  const files = generate(scratch);
  if (check) {
    const current = committed();
    const stale = [...new Set([...files.keys(), ...current.keys()])].filter((name) => files.get(name) !== current.get(name));
    if (stale.length > 0) {
      console.error(`src/imports is stale (${stale.join(', ')}): run npm run import-crds`);
      process.exit(1);
    }
    console.log(`src/imports is up to date (${[...files.keys()].join(', ')})`);
  } else {
    fs.rmSync(OUTPUT, { recursive: true, force: true });
    fs.mkdirSync(OUTPUT, { recursive: true });
    for (const [name, content] of files) fs.writeFileSync(path.join(OUTPUT, name), content);
    console.log(`wrote ${[...files.keys()].map((name) => `src/imports/${name}`).join(', ')}`);
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
