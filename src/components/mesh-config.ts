import * as yaml from 'js-yaml';
import { IstioValues } from '../values/model';
import { mergeValues } from '../values/resolve';
import { istiodAddress } from './labels';

/** Name of the extension provider istio-pack registers for `tracing.*`. */
export const TRACING_PROVIDER = 'istio-pack-tracing';

/**
 * The MeshConfig istiod reads from ConfigMap `istio` (key `mesh`), built from values.
 *
 * Tracing goes through an extension provider made the default (`defaultProviders.tracing`), so it
 * works without any Telemetry resource; the sampling rate is istiod's PILOT_TRACE_SAMPLING, which
 * applies to providers without a Telemetry sampling override.
 */
export function meshConfig(values: IstioValues): Record<string, unknown> {
  const { mesh, tracing, global } = values;
  const generated: Record<string, unknown> = {
    defaultConfig: {
      discoveryAddress: istiodAddress(values),
      ...(global.meshId !== '' ? { meshId: global.meshId } : {}),
      ...(global.variant === 'distroless' ? { image: { imageType: 'distroless' } } : {}),
      ...(values.ambient.enabled ? { proxyMetadata: { ISTIO_META_ENABLE_HBONE: 'true' } } : {}),
    },
    defaultProviders: {
      metrics: ['prometheus'],
      ...(tracing.enabled ? { tracing: [TRACING_PROVIDER] } : {}),
    },
    enableAutoMtls: mesh.enableAutoMtls,
    enablePrometheusMerge: mesh.enablePrometheusMerge,
    enableTracing: tracing.enabled,
    ingressClass: 'istio',
    ingressControllerMode: mesh.ingressControllerMode,
    ingressService: mesh.ingressService,
    outboundTrafficPolicy: { mode: mesh.outboundTrafficPolicy },
    rootNamespace: global.istioNamespace,
    trustDomain: mesh.trustDomain,
  };
  if (mesh.accessLogFile !== '') {
    generated.accessLogFile = mesh.accessLogFile;
    generated.accessLogEncoding = mesh.accessLogEncoding;
  }
  if (tracing.enabled) generated.extensionProviders = [tracingProvider(values)];
  if (values.ambient.enabled) {
    // Services labelled istio.io/global=true are reachable mesh-wide, as upstream's ambient profile sets.
    generated.serviceScopeConfigs = [{ servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] }, scope: 'GLOBAL' }];
  }
  return mergeValues(generated, mesh.extraConfig) as Record<string, unknown>;
}

/** The extension provider for the configured tracing endpoint. */
function tracingProvider(values: IstioValues): Record<string, unknown> {
  const provider = values.tracing.provider;
  const endpoint = tracingEndpoint(values);
  const separator = endpoint.lastIndexOf(':');
  const service = endpoint.slice(0, separator);
  const port = Number(endpoint.slice(separator + 1));
  return { name: TRACING_PROVIDER, [provider]: { service, port } };
}

/**
 * The collector address traces go to: `tracing.endpoint`, or by default the Jaeger addon's collector in
 * the control-plane namespace (Service zipkin:9411 for zipkin, jaeger-collector:4317 for OTLP).
 */
export function tracingEndpoint(values: IstioValues): string {
  if (values.tracing.endpoint !== '') return values.tracing.endpoint;
  const namespace = values.global.istioNamespace;
  return values.tracing.provider === 'zipkin'
    ? `zipkin.${namespace}.svc.cluster.local:9411`
    : `jaeger-collector.${namespace}.svc.cluster.local:4317`;
}

/** Serialises a config map payload deterministically (sorted keys, no line folding). */
export function toConfigYaml(value: unknown): string {
  return yaml.dump(value, { sortKeys: true, lineWidth: -1, noRefs: true });
}
