import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../src/outputs/synth';
import { goDecode, goDecodeFiles } from './support/go-yaml';
import { HELMS } from './support/helm';
import { objectKey } from './support/objects';
import { Workspace } from './support/workspace';

/**
 * What `npm run synth` writes, used the way users use it: for every profile, built-in or user, the one
 * values file dist/helm-values/<profile>.yaml given ALONE to the chart synth wrote makes real Helm 3 and
 * 4 render exactly the objects of dist/<profile>/ (read by Go's decoder, strings compared exactly) —
 * also with `extends` chains, `-f` values files that set nulls, and the user's own CRDs (--crds).
 */

let workspace: Workspace;

beforeAll(() => {
  // GIVEN a project with user profiles (one extending another), a values file with nulls and a CRD file
  workspace = new Workspace();
  workspace.write('profiles/edge.yaml', [
    'extends: demo',
    'gateways:',
    '  ingress:',
    '    - gatewayName: ingressgateway',
    '    - gatewayName: internal',
    '      serviceType: NodePort',
    '      ports: [{ name: http2, port: 80, nodePort: 31380 }]',
    'trafficCapture:',
    '  excludeIPRanges: [169.254.169.254/32, "fd00::/8"]',
    '',
  ].join('\n'));
  workspace.write('profiles/edge-lab.yaml', 'extends: edge\naddons:\n  kiali: null\nmesh:\n  accessLogEncoding: JSON\n');
  workspace.write('my-values.yaml', [
    'addons:',
    '  grafana: null',
    'tracing:',
    '  sampling: null',
    'sidecarInjection:',
    '  enabled: yes',
    'gateways:',
    '  egress: null',
    'istiod:',
    '  env: { PILOT_COUNT: "1_000", PILOT_ON: "on" }',
    '',
  ].join('\n'));
  workspace.write('crds.yaml', [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata: { name: gateways.networking.istio.io }',
    'spec:',
    '  group: networking.istio.io',
    '  names: { kind: Gateway, plural: gateways, listKind: GatewayList, singular: gateway }',
    '  scope: Namespaced',
    '  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } } }]',
    '',
  ].join('\n'));

  // WHEN synth runs as `npm run synth -- -f my-values.yaml --crds crds.yaml` would
  synthesize({ root: workspace.root, valuesFiles: ['my-values.yaml'], crdFile: 'crds.yaml' });
});
afterAll(() => workspace.cleanup());

/** dist/<profile>/ objects as kubectl reads them, the Namespace left out (Helm's --create-namespace). */
function distObjects(profile: string): Array<Record<string, any>> {
  const folder = path.join(workspace.root, 'dist', profile);
  const files = fs.readdirSync(folder).filter((file) => file !== 'kustomization.yaml' && file !== 'namespace.yaml').map((file) => path.join(folder, file));
  return goDecodeFiles(files).flatMap((file) => file.documents) as Array<Record<string, any>>;
}

const profiles = ['default', 'demo', 'minimal', 'empty', 'preview', 'remote', 'ambient', 'edge', 'edge-lab'];

describe.each(HELMS.map((helm) => [helm.name, helm] as const))('dist/helm-values/<profile>.yaml alone, %s', (_name, helm) => {
  test.each(profiles)('renders exactly dist/%s', (profile) => {
    // WHEN
    const result = helm.template(path.join(workspace.root, 'charts', 'istio'), [path.join(workspace.root, 'dist', 'helm-values', `${profile}.yaml`)]);

    // THEN
    if (!result.ok) throw new Error(result.error);
    const chart = goDecode(result.text) as Array<Record<string, any>>;
    const dist = distObjects(profile);
    expect(chart.map(objectKey).sort()).toEqual(dist.map(objectKey).sort());
    const chartByKey = new Map(chart.map((object) => [objectKey(object), object]));
    for (const object of dist) expect(chartByKey.get(objectKey(object))).toEqual(object);
  });
});

describe('what the inputs meant, in the output', () => {
  test('the user profile chain, nulls and YAML 1.1 words reached dist/edge-lab', () => {
    // GIVEN
    const objects = distObjects('edge-lab');
    const names = objects.map(objectKey);

    // THEN demo's addons but Kiali (profile null) and Grafana (values-file null); no egress gateway (null)
    expect(names).toContain('Deployment/istio-system/prometheus');
    expect(names.some((name) => name.includes('/kiali'))).toBe(false);
    expect(names.some((name) => name.includes('/grafana'))).toBe(false);
    expect(names.some((name) => name.includes('egressgateway'))).toBe(false);
    expect(names).toContain('Service/istio-system/istio-internal');
    // `enabled: yes` is true, as Helm reads it; quoted number-like strings stay strings
    const istiod = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'istiod')!;
    const env = Object.fromEntries(istiod.spec.template.spec.containers[0].env.map((item: any) => [item.name, item.value]));
    expect(env).toMatchObject({ PILOT_COUNT: '1_000', PILOT_ON: 'on' });
    // The user's CRD file, in dist/ and (by the parity above) in the chart
    const crds = objects.filter((object) => object.kind === 'CustomResourceDefinition').map((object) => object.metadata.name);
    expect(crds).toEqual(['gateways.networking.istio.io']);
  });
});
