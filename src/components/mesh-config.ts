import { Binder } from '../values/binder';
import { IstioValues } from '../values/model';
import { istiodAddress } from './labels';

/** Name of the extension provider istio-pack registers for `tracing.*`. */
export const TRACING_PROVIDER = 'istio-pack-tracing';

/**
 * The MeshConfig istiod reads from ConfigMap `istio` (key `mesh`), built from values.
 *
 * `enableTracing` stays true as in upstream's mesh defaults. With `tracing.enabled` the endpoint becomes an
 * extension provider made the default (`defaultProviders.tracing`), so it works without any Telemetry
 * resource; the sampling rate is istiod's PILOT_TRACE_SAMPLING, which applies to providers without a
 * Telemetry sampling override. `mesh.extensionProviders` come first, for Telemetry resources to name.
 */
export function meshConfig(b: Binder, values: IstioValues): Record<string, unknown> {
  const { mesh, tracing, global } = values;
  const generated = {
    defaultConfig: {
      discoveryAddress: istiodAddress(b, values),
      meshId: b.optional(b.isSet(global.meshId), global.meshId),
      image: b.optional(b.eq(global.variant, 'distroless'), { imageType: 'distroless' }),
      proxyMetadata: b.optional(values.ambient.enabled, { ISTIO_META_ENABLE_HBONE: 'true' }),
    },
    defaultProviders: {
      metrics: ['prometheus'],
      tracing: b.optional(tracing.enabled, [TRACING_PROVIDER]),
    },
    accessLogFile: b.optional(b.isSet(mesh.accessLogFile), mesh.accessLogFile),
    accessLogEncoding: b.optional(b.isSet(mesh.accessLogFile), mesh.accessLogEncoding),
    enableAutoMtls: mesh.enableAutoMtls,
    enablePrometheusMerge: mesh.enablePrometheusMerge,
    // Upstream's mesh default: HTTP connection managers trace when no Telemetry resource says otherwise.
    enableTracing: true,
    extensionProviders: b.optional(b.or(b.isSet(mesh.extensionProviders), tracing.enabled), b.flat(
      b.each(mesh.extensionProviders, (provider) => provider),
      b.optional(tracing.enabled, tracingProvider(b, values)),
    )),
    ingressClass: 'istio',
    ingressControllerMode: mesh.ingressControllerMode,
    ingressService: mesh.ingressService,
    outboundTrafficPolicy: { mode: mesh.outboundTrafficPolicy },
    rootNamespace: global.istioNamespace,
    // Services labelled istio.io/global=true are reachable mesh-wide, as upstream's ambient profile sets.
    serviceScopeConfigs: b.optional(values.ambient.enabled, [
      { servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] }, scope: 'GLOBAL' },
    ]),
    trustDomain: mesh.trustDomain,
  };
  return b.deepMerge(generated, mesh.extraConfig);
}

/** The extension provider for the configured tracing endpoint (host:port split at the last colon). */
function tracingProvider(b: Binder, values: IstioValues): Record<string, unknown> {
  const endpoint = tracingEndpoint(b, values);
  const service = b.replaceRegex(endpoint, ':[0-9]+$', '');
  const port = b.toNumber(b.replaceRegex(endpoint, '^.*:', ''));
  return { name: TRACING_PROVIDER, [values.tracing.provider]: { service, port } };
}

/**
 * The mesh's root namespace (MeshConfig rootNamespace), where mesh-wide policies live: the generated
 * mesh config's (the control-plane namespace) unless `mesh.extraConfig` overrides it.
 */
export function meshRootNamespace(b: Binder, values: IstioValues): string {
  const extraConfig = values.mesh.extraConfig as Readonly<Record<string, unknown>>;
  return b.fallback(extraConfig.rootNamespace as string, values.global.istioNamespace);
}

/**
 * The collector address traces go to: `tracing.endpoint`, or by default the Jaeger addon's collector in
 * the control-plane namespace (Service zipkin:9411 for zipkin, jaeger-collector:4317 for OTLP).
 */
export function tracingEndpoint(b: Binder, values: IstioValues): string {
  const namespace = values.global.istioNamespace;
  const jaeger = b.choose(b.eq(values.tracing.provider, 'zipkin'),
    `zipkin.${namespace}.svc.cluster.local:9411`,
    `jaeger-collector.${namespace}.svc.cluster.local:4317`);
  return b.fallback(values.tracing.endpoint, jaeger);
}
