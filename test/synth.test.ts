import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { main } from '../src/cli';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { synthesize } from '../src/outputs/synth';
import { renderProfile } from '../src/outputs/render-profile';
import { helmValuesFile, profileValuesFile } from '../src/outputs/profile-files';
import { MARKER_FILE, markerContent } from '../src/outputs/output-folders';
import { BAD_VALUES } from './support/bad-values';
import { Workspace } from './support/workspace';

const REPO = path.resolve(__dirname, '..');
let workspace: Workspace;

beforeEach(() => {
  workspace = new Workspace();
});
afterEach(() => workspace.cleanup());

describe('synthesize', () => {
  test('writes every built-in profile with a kustomization listing its files', () => {
    // WHEN
    const result = synthesize({ root: workspace.root });

    // THEN
    expect(result.profiles.map((p) => p.name)).toEqual(['default', 'demo', 'minimal', 'empty', 'preview', 'remote', 'ambient']);
    const files = workspace.snapshot('dist');
    const kustomization = yaml.load(files['demo/kustomization.yaml']) as any;
    expect(kustomization.resources).toEqual(['namespace.yaml', 'base.yaml', 'istiod.yaml', 'istio-ingressgateway.yaml', 'istio-egressgateway.yaml', 'prometheus.yaml', 'grafana.yaml', 'jaeger.yaml', 'kiali.yaml']);
    for (const resource of kustomization.resources) expect(files[`demo/${resource}`]).toBeDefined();
    expect(yaml.load(files['empty/kustomization.yaml'])).toMatchObject({ resources: [] });
    expect(workspace.entries()).toEqual(['charts', 'dist', 'profiles']);
  });

  test('is deterministic: two runs give byte-identical files', () => {
    // GIVEN
    synthesize({ root: workspace.root });
    const first = workspace.snapshot();

    // WHEN
    synthesize({ root: workspace.root });

    // THEN
    expect(workspace.snapshot()).toEqual(first);
  });

  test('a full synth removes profiles that no longer exist', () => {
    // GIVEN
    workspace.write('profiles/edge.yaml', 'extends: demo\n');
    synthesize({ root: workspace.root });
    fs.rmSync(path.join(workspace.root, 'profiles/edge.yaml'));

    // WHEN
    synthesize({ root: workspace.root });

    // THEN
    expect(fs.existsSync(path.join(workspace.root, 'dist/edge'))).toBe(false);
  });

  test('synthesising one profile leaves the other folders alone', () => {
    // GIVEN
    synthesize({ root: workspace.root });
    const before = workspace.snapshot('dist');
    workspace.write('values.yaml', 'gateways:\n  ingress:\n    - gatewayName: ingressgateway\n      replicaCount: 3\n      autoscaleEnabled: false\n');

    // WHEN
    synthesize({ root: workspace.root, profiles: ['minimal', 'default'], valuesFiles: ['values.yaml'] });

    // THEN
    const after = workspace.snapshot('dist');
    expect(after['demo/istiod.yaml']).toBe(before['demo/istiod.yaml']);
    expect(after['default/istio-ingressgateway.yaml']).not.toBe(before['default/istio-ingressgateway.yaml']);
    expect(after['default/istio-ingressgateway.yaml']).toContain('replicas: 3');
  });

  describe.each(BAD_VALUES)('bad values leave the previous output untouched: %s', (_title, overlay, expected) => {
    test('error names the path, nothing is written', () => {
      // GIVEN
      synthesize({ root: workspace.root });
      const before = workspace.snapshot();
      workspace.write('bad.yaml', yaml.dump(overlay));

      // WHEN
      const attempt = () => synthesize({ root: workspace.root, valuesFiles: ['bad.yaml'] });

      // THEN
      expect(attempt).toThrow(expected);
      const after = workspace.snapshot();
      delete after['bad.yaml'];
      expect(after).toEqual(before);
      expect(workspace.entries().filter((entry) => entry.startsWith('.dist-staging-'))).toEqual([]);
    });
  });

  test('an unknown profile is rejected before anything is written', () => {
    // WHEN
    const attempt = () => synthesize({ root: workspace.root, profiles: ['demoo'] });

    // THEN
    expect(attempt).toThrow('profile: must be one of default, demo, minimal, empty, preview, remote, ambient, got "demoo"');
    expect(workspace.entries()).toEqual([]);
  });
});

describe('CRDs of the user\'s Istio release', () => {
  const crd = (group: string) => [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    `metadata: { name: gateways.${group} }`,
    `spec: { group: ${group}, names: { kind: Gateway, plural: gateways }, scope: Namespaced, versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }] }`,
  ].join('\n');

  test('a CRD file replaces the generated CRDs in every profile', () => {
    // GIVEN
    workspace.write('crds.yaml', `${crd('networking.istio.io')}\n---\n`);

    // WHEN
    synthesize({ root: workspace.root, crdFile: 'crds.yaml' });

    // THEN
    const crds = (yaml.loadAll(workspace.snapshot('dist')['default/base.yaml']) as any[]).filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((o) => o.metadata.name)).toEqual(['gateways.networking.istio.io']);
  });

  test('a CRD file with foreign CRDs is rejected and nothing is written', () => {
    // GIVEN
    synthesize({ root: workspace.root });
    const before = workspace.snapshot('dist');
    workspace.write('crds.yaml', crd('gateway.networking.k8s.io'));

    // WHEN / THEN
    expect(() => synthesize({ root: workspace.root, crdFile: 'crds.yaml' })).toThrow('must be an Istio CRD (spec.group ending in .istio.io), got group "gateway.networking.k8s.io"');
    expect(workspace.snapshot('dist')).toEqual(before);
  });
});

describe('user profiles', () => {
  test('a profile file extends a built-in profile and is synthesised into dist/<name>', () => {
    // GIVEN
    workspace.write('profiles/edge.yaml', [
      'extends: demo',
      'gateways:',
      '  ingress:',
      '    - gatewayName: edge',
      '      serviceType: NodePort',
      '      ports:',
      '        - { name: http2, port: 80, targetPort: 8080, nodePort: 31380 }',
      'mesh:',
      '  ingressService: istio-edge',
      '',
    ].join('\n'));

    // WHEN
    synthesize({ root: workspace.root });

    // THEN
    const files = workspace.snapshot('dist/edge');
    expect(Object.keys(files).sort()).toEqual(['base.yaml', 'grafana.yaml', 'istio-edge.yaml', 'istio-egressgateway.yaml', 'istiod.yaml', 'jaeger.yaml', 'kiali.yaml', 'kustomization.yaml', 'namespace.yaml', 'prometheus.yaml']);
    const service = (yaml.loadAll(files['istio-edge.yaml']) as any[]).find((o) => o.kind === 'Service');
    expect(service.spec).toMatchObject({ type: 'NodePort', ports: [{ name: 'http2', port: 80, targetPort: 8080, nodePort: 31380, protocol: 'TCP' }] });
    expect(files['istiod.yaml']).toContain('"accessLogFile": "/dev/stdout"');
  });

  test('a user profile can extend another user profile', () => {
    // GIVEN
    workspace.write('profiles/base-team.yaml', 'extends: minimal\ntracing:\n  enabled: true\n');
    workspace.write('profiles/team-a.yaml', 'extends: base-team\ntracing:\n  sampling: 25\n');

    // WHEN
    const result = synthesize({ root: workspace.root, profiles: ['team-a'] });

    // THEN
    expect(result.profiles[0].values.tracing).toMatchObject({ enabled: true, sampling: 25 });
    expect(result.profiles[0].values.gateways.enabled).toBe(false);
  });

  test('an unknown parent names the file', () => {
    // GIVEN
    workspace.write('profiles/edge.yaml', 'extends: production\n');

    // WHEN / THEN
    expect(() => synthesize({ root: workspace.root })).toThrow(/profiles\/edge\.yaml: extends must name a built-in profile or one of edge, got "production"/);
  });

  test('a cycle of extends is rejected', () => {
    // GIVEN
    workspace.write('profiles/a.yaml', 'extends: b\n');
    workspace.write('profiles/b.yaml', 'extends: a\n');

    // WHEN / THEN
    expect(() => synthesize({ root: workspace.root })).toThrow(/extends makes a cycle: .*a -> b -> a|b -> a -> b/);
  });

  test('bad values in a user profile name the profile file and the path', () => {
    // GIVEN
    workspace.write('profiles/edge.yaml', 'extends: demo\ntracing:\n  sampling: 101\n');

    // WHEN / THEN
    expect(() => synthesize({ root: workspace.root })).toThrow(/tracing\.sampling: must be 0-100, got 101/);
    expect(() => synthesize({ root: workspace.root })).toThrow(/profiles\/edge\.yaml/);
  });
});

describe('the Helm values file of each profile', () => {
  test('a user profile\'s file merges its extends chain and the values files; null removes a key', () => {
    // GIVEN
    workspace.write('profiles/team.yaml', 'extends: minimal\ntracing:\n  enabled: true\n  sampling: 20\n');
    workspace.write('profiles/edge.yaml', [
      'extends: team',
      'gateways:',
      '  enabled: true',
      '  ingress:',
      '    - gatewayName: edge',
      '      serviceType: NodePort',
      'mesh:',
      '  ingressService: istio-edge',
      '  accessLogFile: /dev/stdout',
      '',
    ].join('\n'));
    workspace.write('my.yaml', 'tracing:\n  sampling: null\nmesh:\n  outboundTrafficPolicy: REGISTRY_ONLY\n  accessLogFile: null\n');

    // WHEN
    synthesize({ root: workspace.root, valuesFiles: ['my.yaml'], profiles: ['edge'], outdir: 'dist' });

    // THEN
    const text = workspace.snapshot('dist/helm-values')['edge.yaml'];
    expect(yaml.load(text)).toEqual({
      gateways: { enabled: true, ingress: [{ gatewayName: 'edge', serviceType: 'NodePort' }] },
      mesh: { ingressService: 'istio-edge', outboundTrafficPolicy: 'REGISTRY_ONLY' },
      tracing: { enabled: true },
    });
    expect(text.split('\n').slice(0, 4)).toEqual([
      '# Helm values of profile edge: User profile profiles/edge.yaml, extending team.',
      '# Generated by istio-pack: the profile\'s values above "default" and the values files given to synth, merged. Do not edit.',
      '# With this file alone the chart renders what dist/edge/ holds (the Namespace: --create-namespace):',
      '#   helm upgrade --install istio charts/istio -n istio-system --create-namespace -f dist/helm-values/edge.yaml',
    ]);
    expect(text).not.toContain(workspace.root);
  });

  test('strings YAML 1.1 reads as numbers or booleans stay strings for Helm: every string is double-quoted', () => {
    // GIVEN
    const strings = { A: '1_000', B: '0x_1F', C: '0O17', D: '685_230.15', E: 'on', F: '~', G: '2001-12-14', H: 'plain' };
    const layer = { source: 'my.yaml', values: { mesh: { extraConfig: { defaultConfig: { proxyMetadata: strings } } } } };

    // WHEN
    const text = helmValuesFile(BUILTIN_PROFILES[0], [layer]);

    // THEN
    expect(text.split('\n').filter((line) => !line.startsWith('#'))).toEqual([
      'mesh:',
      '  extraConfig:',
      '    defaultConfig:',
      '      proxyMetadata:',
      '        A: "1_000"',
      '        B: "0x_1F"',
      '        C: "0O17"',
      '        D: "685_230.15"',
      '        E: "on"',
      '        F: "~"',
      '        G: "2001-12-14"',
      '        H: "plain"',
      '',
    ]);
  });

  test.each(BUILTIN_PROFILES.map((p) => [p.name, p] as const))('%s without values files: the same values as profiles/%s.yaml', (_name, profile) => {
    // WHEN
    const body = (text: string) => text.split('\n').filter((line) => !line.startsWith('#')).join('\n');

    // THEN
    expect(body(helmValuesFile(profile, []))).toBe(body(profileValuesFile(profile)));
  });
});

describe('the command line', () => {
  let output: string[];
  beforeEach(() => {
    output = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { output.push(String(chunk)); return true; });
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => { output.push(String(chunk)); return true; });
  });
  afterEach(() => jest.restoreAllMocks());

  test('ISTIO_PACK_VALUES and ISTIO_PACK_PROFILES drive the synth, and the cdk8s CLI folder gets a report', () => {
    // GIVEN
    const cwd = process.cwd();
    workspace.write('my.yaml', 'mesh:\n  outboundTrafficPolicy: REGISTRY_ONLY\n');
    process.chdir(workspace.root);
    try {
      // WHEN
      const code = main(['synth'], { ISTIO_PACK_VALUES: 'my.yaml', ISTIO_PACK_PROFILES: 'demo', CDK8S_OUTDIR: '.cdk8s.out' });

      // THEN
      expect(code).toBe(0);
      expect(fs.readFileSync(path.join(workspace.root, 'dist/demo/istiod.yaml'), 'utf8')).toContain('"mode": "REGISTRY_ONLY"');
      expect(fs.readdirSync(path.join(workspace.root, 'dist')).sort()).toEqual([MARKER_FILE, 'console', 'demo', 'gitops', 'helm-values']);
      expect(fs.readFileSync(path.join(workspace.root, '.cdk8s.out/istio-pack-report.yaml'), 'utf8')).toContain('- demo');
    } finally {
      process.chdir(cwd);
    }
  });

  test('errors go to stderr with exit code 1', () => {
    // WHEN
    const code = main(['--values', path.join(workspace.root, 'missing.yaml'), '--out', path.join(workspace.root, 'dist')], {});

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toMatch(/missing\.yaml: cannot read[\s\S]*Nothing was written/);
    expect(fs.existsSync(path.join(workspace.root, 'dist'))).toBe(false);
  });
});

describe('committed output', () => {
  test.each(BUILTIN_PROFILES.map((p) => [p.name, p] as const))('dist/%s is what a fresh synth gives', (name, profile) => {
    // WHEN
    const rendered = renderProfile(profile);

    // THEN
    const committed = fs.readdirSync(path.join(REPO, 'dist', name)).sort();
    expect(committed).toEqual([...rendered.files.keys()].sort());
    for (const [file, content] of rendered.files) {
      expect(`${name}/${file}:\n${fs.readFileSync(path.join(REPO, 'dist', name, file), 'utf8')}`).toBe(`${name}/${file}:\n${content}`);
    }
  });

  test.each(BUILTIN_PROFILES.map((p) => [p.name, p] as const))('profiles/%s.yaml is what a fresh synth gives', (name, profile) => {
    expect(fs.readFileSync(path.join(REPO, 'profiles', `${name}.yaml`), 'utf8')).toBe(profileValuesFile(profile));
  });

  test.each(BUILTIN_PROFILES.map((p) => [p.name, p] as const))('dist/helm-values/%s.yaml is what a fresh synth gives', (name, profile) => {
    expect(fs.readFileSync(path.join(REPO, 'dist', 'helm-values', `${name}.yaml`), 'utf8')).toBe(helmValuesFile(profile, []));
  });

  test('dist/ and charts/istio carry the ownership marker listing exactly their entries', () => {
    // THEN
    // clusters/: the example fleet of the repository's clusters/ folder.
    expect(fs.readdirSync(path.join(REPO, 'dist')).sort()).toEqual([MARKER_FILE, ...BUILTIN_PROFILES.map((p) => p.name), 'clusters', 'console', 'gitops', 'helm-values'].sort());
    expect(fs.readFileSync(path.join(REPO, 'dist', MARKER_FILE), 'utf8')).toBe(markerContent('manifests', [...BUILTIN_PROFILES.map((p) => p.name), 'clusters', 'console', 'gitops', 'helm-values']));
    expect(fs.readFileSync(path.join(REPO, 'charts', 'istio', MARKER_FILE), 'utf8')).toBe(
      markerContent('chart', ['.helmignore', 'Chart.yaml', 'README.md', 'app-readme.md', 'questions.yaml', 'templates', 'values.schema.json', 'values.yaml']));
  });
});
