#!/usr/bin/env node
/*
 * Records the containers that upstream Istio's injection templates produce for the cases of
 * test/fixtures/injection-differential/cases.json, as facts for test/injection-differential.test.ts.
 *
 * Usage (needs network once, to get upstream's chart; nothing of it is committed):
 *
 *   # upstream's istio-discovery chart at tag 1.30.3, e.g. from a checkout of istio/istio:
 *   git -C <istio checkout> archive 1.30.3 manifests/charts | tar -x -C /tmp/upstream
 *   node test/tools/upstream-injection/record.js \
 *     /tmp/upstream/manifests/charts/istio-control/istio-discovery <helm 3 binary>
 *
 * It renders the chart as a release would ship it (`helm template istio <chart> -n istio-system
 * --set global.hub=docker.io/istio --set global.tag=1.30.3`), takes the `config` and `values` keys
 * of its injector ConfigMap, and renders every case with test/tools/inject-render exactly as istiod
 * parses templates (`lenient`). Only the rendered init and regular containers are written, to
 * test/fixtures/injection-differential/upstream-1.30.3-containers.json.
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const yaml = require('js-yaml');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'injection-differential');

/** Maps merge key by key, everything else (lists included) replaces. */
function deepMerge(base, overlay) {
  if (overlay === undefined) return base;
  const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(base) || !isMap(overlay)) return overlay;
  const out = { ...base };
  for (const [key, value] of Object.entries(overlay)) out[key] = deepMerge(base[key], value);
  return out;
}

function injectorConfigMap(chartDir, helm) {
  const rendered = execFileSync(helm, [
    'template', 'istio', chartDir, '-n', 'istio-system', '--kube-version', '1.32.0',
    '--set', 'global.hub=docker.io/istio', '--set', 'global.tag=1.30.3',
  ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const found = yaml.loadAll(rendered).filter((d) => d && d.kind === 'ConfigMap' && d.metadata.name === 'istio-sidecar-injector');
  if (found.length !== 1) throw new Error(`expected one istio-sidecar-injector ConfigMap, found ${found.length}`);
  return found[0].data;
}

function buildRenderer() {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inject-render-')), 'inject-render');
  execFileSync('go', ['build', '-o', out, '.'], {
    cwd: path.join(ROOT, 'test', 'tools', 'inject-render'),
    env: { ...process.env, GOPATH: '/usr/share/gocode', GO111MODULE: 'off', GOCACHE: path.join(os.tmpdir(), 'go-cache') },
    stdio: 'inherit',
  });
  return out;
}

/** The init and regular containers a rendered case produces (the overlay's, or the Deployment pod's). */
function containersOf(input, stdout) {
  if (input === 'deployment') {
    const result = JSON.parse(stdout);
    const deployment = yaml.loadAll(result.rendered).find((d) => d && d.kind === 'Deployment');
    const spec = deployment.spec.template.spec;
    return { initContainers: spec.initContainers ?? [], containers: spec.containers ?? [] };
  }
  const overlay = yaml.load(stdout);
  return { initContainers: overlay.spec.initContainers ?? [], containers: overlay.spec.containers ?? [] };
}

function main() {
  const [chartDir, helm] = process.argv.slice(2);
  if (!chartDir || !helm) {
    console.error('usage: record.js <istio-discovery chart dir> <helm binary>');
    process.exit(2);
  }
  const casesFile = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cases.json'), 'utf8'));
  const injector = injectorConfigMap(chartDir, helm);
  const baseValues = deepMerge(JSON.parse(injector.values), casesFile.upstreamValues);
  const renderer = buildRenderer();
  const expected = {};
  for (const c of casesFile.cases) {
    const input = c.input ?? 'sidecar';
    const base = input === 'deployment' ? casesFile.bases.deployment[c.template] : casesFile.bases.sidecar;
    const request = {
      input,
      ambient: c.ambient ?? false,
      lenient: true,
      config: injector.config,
      values: JSON.stringify(deepMerge(baseValues, c.values.upstream)),
      data: deepMerge(base, c.data),
      ...(input === 'deployment' ? {} : { templateName: c.template }),
    };
    const run = spawnSync(renderer, [], { input: JSON.stringify(request), encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`case "${c.name}": ${run.stderr}`);
    expected[c.name] = containersOf(input, run.stdout);
  }
  const facts = {
    _comment: 'Facts: the init and regular containers that upstream Istio 1.30.3\'s injection templates (istio-discovery chart, '
      + 'rendered with release hub/tag) produce for each case of cases.json, recorded by test/tools/upstream-injection/record.js.',
    cases: expected,
  };
  fs.writeFileSync(path.join(FIXTURES, 'upstream-1.30.3-containers.json'), `${JSON.stringify(facts, null, 2)}\n`);
  console.log(`recorded ${Object.keys(expected).length} cases`);
}

main();
