import { ConcreteBinder } from '../src/values/binder';
import { meshConfig } from '../src/components/mesh-config';
import { valuesWith } from './support/values';

describe('meshConfig', () => {
  test('defaults match upstream 1.30 with values made explicit', () => {
    // WHEN
    const mesh = meshConfig(new ConcreteBinder(), valuesWith());

    // THEN
    expect(mesh).toEqual({
      defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
      defaultProviders: { metrics: ['prometheus'] },
      enableAutoMtls: true,
      enablePrometheusMerge: true,
      enableTracing: false,
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
});
