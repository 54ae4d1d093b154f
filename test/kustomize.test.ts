import * as path from 'path';
import * as yaml from 'js-yaml';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { synthesize } from '../src/outputs/synth';
import { firstDifference } from './support/objects';
import { Workspace } from './support/workspace';
import { kustomize } from './support/kustomize';

/** A copy with every map's keys sorted, for content equality regardless of key order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

let workspace: Workspace;
beforeAll(() => {
  workspace = new Workspace();
  workspace.write('profiles/two-ingresses.yaml', [
    'extends: default',
    'gateways:',
    '  ingress:',
    '    - gatewayName: ingressgateway',
    '    - gatewayName: internal-ingressgateway',
    '      serviceType: ClusterIP',
    '  egress:',
    '    - gatewayName: egressgateway',
    '',
  ].join('\n'));
  synthesize({ root: workspace.root });
});
afterAll(() => workspace.cleanup());

describe('kubectl kustomize builds every profile', () => {
  const names = [...BUILTIN_PROFILES.map((profile) => profile.name), 'two-ingresses'];

  test.each(names)('%s', (name) => {
    // WHEN
    const objects = kustomize(path.join(workspace.root, 'dist', name));

    // THEN
    const files = workspace.snapshot(`dist/${name}`);
    const synthesised = Object.entries(files)
      .filter(([file]) => file !== 'kustomization.yaml')
      .flatMap(([, content]) => (yaml.loadAll(content) as any[]).filter((doc) => doc));
    const key = (o: Record<string, any>) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(objects.map(key).sort()).toEqual(synthesised.map(key).sort());
    expect(new Set(objects.map(key)).size).toBe(objects.length);
    // AND kustomize passes every object through unchanged (the kustomization has no transformers): same content
    const byKey = new Map(synthesised.map((o) => [key(o), o]));
    const changed = objects.filter((o) => JSON.stringify(sortKeys(o)) !== JSON.stringify(sortKeys(byKey.get(key(o)))));
    expect(changed.map((o) => `${key(o)}: ${firstDifference(sortKeys(o), sortKeys(byKey.get(key(o))))}`)).toEqual([]);
  });

  test('the namespace and CRDs come first, so `kubectl apply -k` can create everything in one pass', () => {
    // WHEN
    const kinds = kustomize(path.join(workspace.root, 'dist', 'demo')).map((o) => o.kind);

    // THEN
    expect(kinds[0]).toBe('Namespace');
    const lastCrd = kinds.lastIndexOf('CustomResourceDefinition');
    expect(kinds.slice(1, lastCrd + 1).every((kind) => kind === 'CustomResourceDefinition')).toBe(true);
    expect(kinds.indexOf('Deployment')).toBeGreaterThan(lastCrd);
  });

  test('several ingress and egress gateways live side by side', () => {
    // WHEN
    const objects = kustomize(path.join(workspace.root, 'dist', 'two-ingresses'));

    // THEN
    const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort();
    expect(deployments).toEqual(['istio-egressgateway', 'istio-ingressgateway', 'istio-internal-ingressgateway', 'istiod']);
    const internal = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'istio-internal-ingressgateway');
    expect(internal?.spec.type).toBe('ClusterIP');
    expect(internal?.spec.selector).toEqual({ app: 'istio-internal-ingressgateway', istio: 'internal-ingressgateway' });
  });
});
