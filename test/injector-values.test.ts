/*
 * The `values` key of the injector ConfigMap against upstream Istio 1.30.3: its shape (every key of
 * upstream's document, with upstream's JSON types) and what istioctl and istiod read from it
 * (test/fixtures/upstream-1.30.3-injector-values.ts).
 */
import { buildInjectorValues } from '../src/components/injection-templates';
import { injectionValues } from '../src/components/istiod';
import { ConcreteBinder } from '../src/values/binder';
import { ValuesOverlay } from '../src/values/resolve';
import { ISTIOCTL_READS, ISTIOD_READS, UPSTREAM_INJECTOR_VALUES } from './fixtures/upstream-1.30.3-injector-values';
import { InjectRenderer, buildInjectRenderer } from './support/inject-render';
import { valuesWith } from './support/values';

jest.setTimeout(120000);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Every key path of a document with the JSON type of its value; maps are walked, not listed. */
function keyTypes(doc: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (jsonType(doc) !== 'object') {
    return out;
  }
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    out[path] = jsonType(value);
    Object.assign(out, keyTypes(value, path));
  }
  return out;
}

function at(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (jsonType(node) === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

/** The injector `values` document istio-pack generates for a values overlay. */
function injectorValues(overlay: ValuesOverlay = {}): Json {
  return JSON.parse(buildInjectorValues(new ConcreteBinder(), injectionValues(valuesWith(overlay)))) as Json;
}

/** istioctl's GetIstioProxyImage, step by step (pkg/config/analysis/analyzers/injection). */
function istioctlProxyImage(doc: Json): string {
  const hub = at(doc, 'global.hub');
  const tag = at(doc, 'global.tag');
  const image = at(doc, 'global.proxy.image');
  // Its struct has Go string fields: a value of another type fails the whole decode, giving "".
  if ([hub, tag, image].some((v) => v !== undefined && typeof v !== 'string')) {
    return '';
  }
  const name = (image as string | undefined) ?? '';
  return name.includes('/') ? name : `${(hub as string | undefined) ?? ''}/${name}:${(tag as string | undefined) ?? ''}`;
}

const OVERLAYS: ReadonlyArray<readonly [string, ValuesOverlay]> = [
  ['the defaults', {}],
  ['every setting the document carries changed', {
    global: { hub: 'registry.example.com/istio', tag: '1.30.3-patch1', revision: 'canary', network: 'net-east', meshId: 'mesh1', clusterId: 'east', logAsJson: true, logLevel: 'default:debug', imagePullSecrets: ['regcred'], variant: 'distroless' },
    sidecarInjection: { enabled: false, allNamespaces: true, proxy: { holdApplicationUntilProxyStarts: true, logLevel: 'info' } },
    trafficCapture: { includeIPRanges: ['10.0.0.0/8'], excludeIPRanges: ['169.254.169.254/32'], excludeInboundPorts: [8081], includeOutboundPorts: [5432], excludeOutboundPorts: [3306, 6379] },
    cni: { enabled: true },
    istiod: { env: { PILOT_ENABLE_AMBIENT: 'true' } },
  }],
];

let renderer: InjectRenderer;

beforeAll(() => {
  renderer = buildInjectRenderer();
});

afterAll(() => {
  renderer?.dispose();
});

describe('injector values document', () => {
  test.each(OVERLAYS)('has every key of upstream\'s document with upstream\'s JSON type, for %s', (_name, overlay) => {
    // GIVEN upstream 1.30.3's document and istio-pack's for the same install
    const upstream = keyTypes(UPSTREAM_INJECTOR_VALUES);
    const ours = keyTypes(injectorValues(overlay));

    // WHEN the paths of upstream's document are looked up in istio-pack's
    const found = Object.fromEntries(Object.keys(upstream).map((path) => [path, ours[path] ?? 'missing']));

    // THEN every one is there, with the same type
    expect(found).toEqual(upstream);
  });

  test.each(OVERLAYS)('gives istioctl the keys it reads, with the types it needs, for %s', (_name, overlay) => {
    // GIVEN the document
    const doc = injectorValues(overlay);

    // WHEN istioctl's readers look their keys up
    const types = Object.fromEntries(ISTIOCTL_READS.map((r) => [r.path, jsonType(at(doc, r.path))]));

    // THEN each is present with the type its reader needs
    expect(types).toEqual(Object.fromEntries(ISTIOCTL_READS.map((r) => [r.path, r.type])));
  });

  test.each(OVERLAYS)('gives istiod\'s Go code the keys it reads, with their types, for %s', (_name, overlay) => {
    const doc = injectorValues(overlay);
    const types = Object.fromEntries(ISTIOD_READS.map((r) => [r.path, jsonType(at(doc, r.path))]));
    expect(types).toEqual(Object.fromEntries(ISTIOD_READS.map((r) => [r.path, r.type])));
  });

  test('lets istioctl analyze read whether namespaces are injected by default', () => {
    // GIVEN installs with and without injection of unlabelled namespaces
    const off = injectorValues();
    const on = injectorValues({ sidecarInjection: { allNamespaces: true } });

    // THEN istioctl's map lookup and bool assertion succeed and give the setting
    expect(at(off, 'sidecarInjectorWebhook.enableNamespacesByDefault')).toBe(false);
    expect(at(on, 'sidecarInjectorWebhook.enableNamespacesByDefault')).toBe(true);
  });

  test.each([
    ['the default hub and tag', {}, 'docker.io/istio/proxyv2:1.30.3'],
    ['a mirror registry', { global: { hub: 'registry.example.com/istio', tag: '1.30.3-patch1' } }, 'registry.example.com/istio/proxyv2:1.30.3-patch1'],
  ] as const)('makes istioctl expect the proxy image istiod injects, with %s', (_name, overlay, image) => {
    // GIVEN the document for an install
    const values = injectionValues(valuesWith(overlay));
    const text = buildInjectorValues(new ConcreteBinder(), values);

    // WHEN istiod derives the image it injects (through the renderer's decode of its typed Values)
    // and istioctl derives the image it expects
    const summary = JSON.parse(renderer.run({ config: 'templates: {}\n', values: text })) as { readonly proxyImage: string };

    // THEN both are the same image, so istioctl reports no injected pod as mismatched
    expect(summary.proxyImage).toBe(image);
    expect(istioctlProxyImage(JSON.parse(text) as Json)).toBe(image);
  });
});
