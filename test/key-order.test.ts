import * as yaml from 'js-yaml';
import { renderProfile } from '../src/outputs/render-profile';
import { builtinProfile } from '../src/profiles/builtin-profiles';
import { objectsOfFiles } from './support/objects';
import { generateValues, reverseKeyOrder } from './support/values-generator';

/**
 * Maps in values have no order: the same values written with their keys in another order must give
 * byte-identical output, and the lists and text payloads built from maps (env lists, mesh config,
 * annotations) come out in key order, as Helm's `range` and `toYaml` put them.
 */

/** Values with every multi-key map written out of key order. */
const UNSORTED: Record<string, unknown> = {
  gateways: {
    ingress: [{
      gatewayName: 'ingressgateway',
      serviceType: 'NodePort',
      ports: [{ name: 'http2', port: 80, targetPort: 8080, nodePort: 30080 }],
      serviceAnnotations: { 'z.example.com/last': 'z', 'a.example.com/first': 'a', 'm.example.com/middle': 'm' },
      podAnnotations: { 'example.com/zeta': '1', 'example.com/alpha': '2', 'example.com/mu': '3' },
      env: { ZULU_FLAG: 'z', ALPHA_FLAG: 'a', MIKE_FLAG: 'm' },
      nodeSelector: { 'topology.kubernetes.io/zone': 'zone-a', 'kubernetes.io/arch': 'amd64', 'node-role': 'edge' },
    }],
  },
  istiod: { env: { ZULU_PILOT: 'z', ALPHA_PILOT: 'a', MIKE_PILOT: 'm' } },
  mesh: {
    ingressService: 'istio-ingressgateway',
    extraConfig: {
      enableAutoMtls: false,
      defaultConfig: { holdApplicationUntilProxyStarts: true, concurrency: 2 },
      accessLogEncoding: 'JSON',
    },
  },
};

function render(values: Record<string, unknown>): ReadonlyMap<string, string> {
  return renderProfile(builtinProfile('default')!, { userValues: [{ source: 'test values', values }] }).files;
}

function isSorted(keys: readonly string[]): boolean {
  return keys.every((key, i) => i === 0 || keys[i - 1] < key);
}

describe('map key order in values does not matter', () => {
  test('the reordering helper really reorders (the test below compares two different writings)', () => {
    // WHEN
    const reversed = reverseKeyOrder(UNSORTED) as any;

    // THEN
    expect(Object.keys(reversed.istiod.env)).toEqual(['MIKE_PILOT', 'ALPHA_PILOT', 'ZULU_PILOT']);
    expect(Object.keys(reversed.gateways.ingress[0].serviceAnnotations)).toEqual(['m.example.com/middle', 'a.example.com/first', 'z.example.com/last']);
    expect(reversed).toEqual(UNSORTED);
  });

  test('the same values in another key order give byte-identical files', () => {
    // WHEN
    const first = render(UNSORTED);
    const second = render(reverseKeyOrder(UNSORTED) as Record<string, unknown>);

    // THEN
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [file, content] of first) expect([file, second.get(file)]).toEqual([file, content]);
  });

  test('lists and payloads built from maps are in key order', () => {
    // WHEN
    const objects = objectsOfFiles(render(UNSORTED));

    // THEN env lists built from maps are sorted by name
    const gateway = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'istio-ingressgateway')!;
    const gatewayEnv: string[] = gateway.spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(gatewayEnv.filter((name) => name.endsWith('_FLAG'))).toEqual(['ALPHA_FLAG', 'MIKE_FLAG', 'ZULU_FLAG']);
    const istiod = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'istiod')!;
    const istiodEnv: string[] = istiod.spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(istiodEnv.filter((name) => name.endsWith('_PILOT'))).toEqual(['ALPHA_PILOT', 'MIKE_PILOT', 'ZULU_PILOT']);

    // AND annotations and node selectors are written in key order
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'istio-ingressgateway')!;
    expect(isSorted(Object.keys(service.metadata.annotations))).toBe(true);
    expect(Object.keys(service.metadata.annotations)).toEqual(expect.arrayContaining(['a.example.com/first', 'm.example.com/middle', 'z.example.com/last']));
    expect(isSorted(Object.keys(gateway.spec.template.metadata.annotations))).toBe(true);
    expect(Object.keys(gateway.spec.template.spec.nodeSelector)).toEqual(['kubernetes.io/arch', 'node-role', 'topology.kubernetes.io/zone']);

    // AND the mesh config text has every map's keys sorted, the extra config merged in
    const mesh = yaml.load(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio')!.data.mesh) as Record<string, any>;
    const unsortedMaps: string[] = [];
    const walk = (value: unknown, at: string) => {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${at}[${i}]`));
      else if (value !== null && typeof value === 'object') {
        if (!isSorted(Object.keys(value))) unsortedMaps.push(at || '(root)');
        for (const [key, item] of Object.entries(value)) walk(item, `${at}.${key}`);
      }
    };
    walk(mesh, '');
    expect(unsortedMaps).toEqual([]);
    expect(mesh).toMatchObject({ enableAutoMtls: false, accessLogEncoding: 'JSON', defaultConfig: { holdApplicationUntilProxyStarts: true, concurrency: 2 } });
  });
});

describe('the values generator writes multi-key maps out of key order', () => {
  test('every kind of map appears with 2+ keys, never in key order, over 100 seeds', () => {
    // GIVEN
    const seen: Record<string, number> = {};
    const inOrder: string[] = [];
    const note = (kind: string, map: unknown) => {
      if (map === undefined) return;
      const keys = Object.keys(map as object);
      seen[kind] = (seen[kind] ?? 0) + 1;
      if (keys.length < 2 || isSorted(keys)) inOrder.push(`${kind}: ${keys.join(',')}`);
    };

    // WHEN
    for (let seed = 0; seed < 100; seed++) {
      const values = generateValues(seed) as any;
      for (const gateway of [...(values.gateways.ingress ?? []), ...(values.gateways.egress ?? [])]) {
        for (const kind of ['serviceAnnotations', 'podAnnotations', 'env', 'nodeSelector']) note(kind, gateway[kind]);
      }
      note('istiod.env', values.istiod.env);
      note('mesh.extraConfig', values.mesh?.extraConfig);
      note('mesh.extraConfig.defaultConfig', values.mesh?.extraConfig?.defaultConfig);
    }

    // THEN
    expect(Object.keys(seen).sort()).toEqual(['env', 'istiod.env', 'mesh.extraConfig', 'mesh.extraConfig.defaultConfig', 'nodeSelector', 'podAnnotations', 'serviceAnnotations']);
    expect(inOrder).toEqual([]);
  });

  test('same seed, same values', () => {
    expect(JSON.stringify(generateValues(42))).toBe(JSON.stringify(generateValues(42)));
  });
});
