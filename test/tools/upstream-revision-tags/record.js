#!/usr/bin/env node
/*
 * Records the revision-tag objects that upstream Istio 1.30.3's istiod chart renders
 * (templates/revision-tags-mwc.yaml and revision-tags-svc.yaml, value `revisionTags`), as facts for
 * test/revision-tags.test.ts.
 *
 * Usage (needs upstream's chart once; nothing of it is committed):
 *
 *   git -C <istio checkout> archive 1.30.3 manifests/charts | tar -x -C /tmp/upstream
 *   node test/tools/upstream-revision-tags/record.js \
 *     /tmp/upstream/manifests/charts/istio-control/istio-discovery <helm 3 binary>
 *
 * Each case is rendered with `helm template istio <chart> -n <namespace> --kube-version 1.32.0` and
 * the case's --set flags; the objects are written whole (Helm's chart-version labels dropped:
 * `helm.sh/chart`, `app.kubernetes.io/managed-by`, `app.kubernetes.io/version`, which name the
 * unpublished source chart, not the release) to test/fixtures/upstream-1.30.3-revision-tags.json.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const OUT = path.join(ROOT, 'test', 'fixtures', 'upstream-1.30.3-revision-tags.json');

/** The cases: namespace and --set flags of upstream's chart. */
const CASES = [
  { name: 'non-revisioned, tags default and prod-stable', namespace: 'istio-system', set: ['revisionTags={default,prod-stable}'] },
  { name: 'revision canary, tags prod-canary and default, enableNamespacesByDefault', namespace: 'istio-system', set: ['revision=canary', 'revisionTags={prod-canary,default}', 'sidecarInjectorWebhook.enableNamespacesByDefault=true'] },
  { name: 'revision canary in namespace mesh, tag prod-canary', namespace: 'mesh', set: ['revision=canary', 'revisionTags={prod-canary}', 'global.istioNamespace=mesh'] },
];

const DROPPED_LABELS = ['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version'];

function render(chart, helm, testCase) {
  const args = ['template', 'istio', chart, '-n', testCase.namespace, '--kube-version', '1.32.0',
    '-s', 'templates/revision-tags-mwc.yaml', '-s', 'templates/revision-tags-svc.yaml'];
  for (const flag of testCase.set) args.push('--set', flag);
  const docs = yaml.loadAll(execFileSync(helm, args, { encoding: 'utf8' })).filter((doc) => doc);
  for (const doc of docs) {
    for (const key of DROPPED_LABELS) delete doc.metadata.labels[key];
  }
  return docs;
}

function main() {
  const [chart, helm] = process.argv.slice(2);
  if (!chart || !helm) {
    console.error('usage: record.js <istio-discovery chart folder> <helm binary>');
    process.exit(2);
  }
  const cases = CASES.map((testCase) => ({ ...testCase, objects: render(chart, helm, testCase) }));
  const facts = {
    source: 'istio/istio 1.30.3 manifests/charts/istio-control/istio-discovery, rendered by test/tools/upstream-revision-tags/record.js',
    cases,
  };
  fs.writeFileSync(OUT, `${JSON.stringify(facts, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, OUT)}: ${cases.length} cases`);
}

main();
