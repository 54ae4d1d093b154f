import * as yaml from 'js-yaml';
import { ConcreteBinder } from '../src/values/binder';
import { meshConfig } from '../src/components/mesh-config';
import { renderProfile } from '../src/outputs/render-profile';
import { DemoProfile } from '../src/profiles/builtin-profiles';
import { valuesWith } from './support/values';

/**
 * Upstream facts: `meshConfig.extensionProviders` of Istio 1.30.3's demo profile
 * (manifests/helm-profiles/demo.yaml, copied to manifests/charts/base/files/profile-demo.yaml), in order.
 */
const UPSTREAM_DEMO_EXTENSION_PROVIDERS = [
  { name: 'otel', envoyOtelAls: { service: 'opentelemetry-collector.observability.svc.cluster.local', port: 4317 } },
  { name: 'skywalking', skywalking: { service: 'tracing.istio-system.svc.cluster.local', port: 11800 } },
  { name: 'otel-tracing', opentelemetry: { port: 4317, service: 'opentelemetry-collector.observability.svc.cluster.local' } },
  { name: 'jaeger', opentelemetry: { port: 4317, service: 'jaeger-collector.istio-system.svc.cluster.local' } },
];

/** The mesh config and the istiod env a profile renders in dist/. */
function renderedMesh(values: Record<string, unknown> = {}): { mesh: any; env: Record<string, unknown> } {
  const rendered = renderProfile(new DemoProfile(), { userValues: [{ source: 'test', values }] });
  const objects = (yaml.loadAll(rendered.files.get('istiod.yaml')!) as any[]).filter(Boolean);
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio');
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'istiod');
  const env = Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
  return { mesh: yaml.load(configMap.data.mesh), env };
}

describe('meshConfig', () => {
  test('defaults match upstream 1.30 with values made explicit (enableTracing is upstream\'s default, true)', () => {
    // WHEN
    const mesh = meshConfig(new ConcreteBinder(), valuesWith());

    // THEN
    expect(mesh).toEqual({
      defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
      defaultProviders: { metrics: ['prometheus'] },
      enableAutoMtls: true,
      enablePrometheusMerge: true,
      enableTracing: true,
      ingressClass: 'istio',
      ingressControllerMode: 'STRICT',
      ingressService: 'istio-ingressgateway',
      outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
      rootNamespace: 'istio-system',
      trustDomain: 'cluster.local',
    });
  });

  test('tracing registers the endpoint as the default tracing provider', () => {
    // WHEN
    const mesh: any = meshConfig(new ConcreteBinder(), valuesWith({ tracing: { enabled: true, provider: 'opentelemetry', endpoint: 'otel-collector.observability.svc.cluster.local:4317' } }));

    // THEN
    expect(mesh.enableTracing).toBe(true);
    expect(mesh.defaultProviders.tracing).toEqual(['istio-pack-tracing']);
    expect(mesh.extensionProviders).toEqual([{ name: 'istio-pack-tracing', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } }]);
  });

  test('access logs and REGISTRY_ONLY are written when set', () => {
    // WHEN
    const mesh: any = meshConfig(new ConcreteBinder(), valuesWith({ mesh: { accessLogFile: '/dev/stdout', accessLogEncoding: 'JSON', outboundTrafficPolicy: 'REGISTRY_ONLY' } }));

    // THEN
    expect(mesh).toMatchObject({ accessLogFile: '/dev/stdout', accessLogEncoding: 'JSON', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
  });

  test('extraConfig is merged over the generated config', () => {
    // WHEN
    const mesh: any = meshConfig(new ConcreteBinder(), valuesWith({ mesh: { extraConfig: { defaultConfig: { holdApplicationUntilProxyStarts: true }, enableAutoMtls: false } } }));

    // THEN
    expect(mesh.defaultConfig).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012', holdApplicationUntilProxyStarts: true });
    expect(mesh.enableAutoMtls).toBe(false);
  });

  test('demo has upstream\'s extension providers, no default tracing provider and 100% sampling through PILOT_TRACE_SAMPLING', () => {
    // WHEN
    const { mesh, env } = renderedMesh();

    // THEN
    expect(mesh.extensionProviders).toEqual(UPSTREAM_DEMO_EXTENSION_PROVIDERS);
    expect(mesh.defaultProviders).toEqual({ metrics: ['prometheus'] });
    expect(mesh.enableTracing).toBe(true);
    expect(mesh.accessLogFile).toBe('/dev/stdout');
    expect(env.PILOT_TRACE_SAMPLING).toBe('100');
  });

  test('tracing.enabled on demo appends the istio-pack provider after upstream\'s and makes it the default', () => {
    // WHEN
    const { mesh } = renderedMesh({ tracing: { enabled: true } });

    // THEN
    expect(mesh.extensionProviders).toEqual([
      ...UPSTREAM_DEMO_EXTENSION_PROVIDERS,
      { name: 'istio-pack-tracing', zipkin: { service: 'zipkin.istio-system.svc.cluster.local', port: 9411 } },
    ]);
    expect(mesh.defaultProviders).toEqual({ metrics: ['prometheus'], tracing: ['istio-pack-tracing'] });
  });

  test('user extension providers replace the profile\'s list (lists replace, as in Helm)', () => {
    // GIVEN
    const own = { name: 'ext-authz', envoyExtAuthzGrpc: { service: 'authz.auth.svc.cluster.local', port: 9000 } };

    // WHEN
    const mesh: any = meshConfig(new ConcreteBinder(), valuesWith({ mesh: { extensionProviders: [own] } }));

    // THEN
    expect(mesh.extensionProviders).toEqual([own]);
    expect(mesh.defaultProviders).toEqual({ metrics: ['prometheus'] });
  });

  test('extension providers must be maps with unique names (chart: values.schema.json and validate.yaml say the same)', () => {
    // GIVEN
    const providers = [{ name: 'a', zipkin: { service: 'z', port: 9411 } }, { name: 'a', zipkin: { service: 'y', port: 9411 } }, 'oops'];

    // WHEN
    let message = '';
    try {
      valuesWith({ mesh: { extensionProviders: providers } });
    } catch (error) {
      message = (error as Error).message;
    }

    // THEN
    expect(message).toContain('mesh.extensionProviders[2]: must be a map, got a string "oops"');
    expect(message).toContain('mesh.extensionProviders[1].name: must be unique, "a" is already used by mesh.extensionProviders[0]');
  });
});
