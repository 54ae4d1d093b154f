import { ValuesOverlay } from '../values/resolve';
import { Profile } from './profile';

/** Requests of the demo profile: small enough for a laptop cluster. */
const DEMO_REQUESTS = { requests: { cpu: '10m', memory: '40Mi' } };

/**
 * The extension providers of upstream's demo profile (Istio 1.30.3 `manifests/helm-profiles/demo.yaml`),
 * which istio.io's tasks name in Telemetry resources. Their addresses are upstream's, istio-system included.
 */
export const DEMO_EXTENSION_PROVIDERS: ReadonlyArray<Record<string, unknown>> = [
  { name: 'otel', envoyOtelAls: { service: 'opentelemetry-collector.observability.svc.cluster.local', port: 4317 } },
  { name: 'skywalking', skywalking: { service: 'tracing.istio-system.svc.cluster.local', port: 11800 } },
  { name: 'otel-tracing', opentelemetry: { service: 'opentelemetry-collector.observability.svc.cluster.local', port: 4317 } },
  { name: 'jaeger', opentelemetry: { service: 'jaeger-collector.istio-system.svc.cluster.local', port: 4317 } },
];

/** Upstream's `default`: base, istiod and one ingress gateway (the model's defaults). */
export class DefaultProfile extends Profile {
  public readonly name = 'default';
  public readonly description = 'Production starting point: CRDs, istiod with autoscaling, one ingress gateway.';
  public readonly overlay: ValuesOverlay = {};
  public readonly parent = undefined;
}

/**
 * Upstream's `demo`: adds an egress gateway and the demo ingress ports, turns on access logs, upstream's
 * extension providers and 100% trace sampling (PILOT_TRACE_SAMPLING; as upstream, no default tracing
 * provider: a Telemetry resource naming e.g. `jaeger` turns tracing on), and shrinks requests so the
 * whole mesh fits a small cluster. The observability addons are on, wired to each other.
 */
export class DemoProfile extends Profile {
  public readonly name = 'demo';
  public readonly description = 'Showcase: ingress and egress gateways, observability addons, access logs, upstream\'s extension providers, 100% trace sampling, tiny requests.';
  public readonly parent = new DefaultProfile();
  public readonly overlay: ValuesOverlay = {
    mesh: { accessLogFile: '/dev/stdout', extensionProviders: DEMO_EXTENSION_PROVIDERS },
    tracing: { sampling: 100 },
    addons: { prometheus: { enabled: true }, grafana: { enabled: true }, jaeger: { enabled: true }, kiali: { enabled: true } },
    sidecarInjection: { proxy: { resources: DEMO_REQUESTS } },
    istiod: { autoscale: { enabled: false }, resources: { requests: { cpu: '10m', memory: '100Mi' } } },
    gateways: {
      ingress: [{
        gatewayName: 'ingressgateway',
        autoscaleEnabled: false,
        resources: DEMO_REQUESTS,
        ports: [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
          { name: 'tcp', port: 31400, targetPort: 31400 },
          { name: 'tls', port: 15443, targetPort: 15443 },
        ],
      }],
      egress: [{ gatewayName: 'egressgateway', autoscaleEnabled: false, resources: DEMO_REQUESTS }],
    },
  };
}

/** Upstream's `minimal`: the control plane without gateways. */
export class MinimalProfile extends Profile {
  public readonly name = 'minimal';
  public readonly description = 'Control plane only: CRDs and istiod, no gateways.';
  public readonly parent = new DefaultProfile();
  public readonly overlay: ValuesOverlay = { gateways: { enabled: false } };
}

/** Upstream's `empty`: nothing, a base for fully custom profiles. */
export class EmptyProfile extends Profile {
  public readonly name = 'empty';
  public readonly description = 'Nothing installed: a base for profiles that enable components one by one.';
  public readonly parent = new DefaultProfile();
  public readonly overlay: ValuesOverlay = {
    global: { createNamespace: false },
    base: { enabled: false },
    istiod: { enabled: false },
    gateways: { enabled: false },
  };
}

/** Upstream's `preview`: default plus features still in preview (DNS capture in the proxy). */
export class PreviewProfile extends Profile {
  public readonly name = 'preview';
  public readonly description = 'Default plus preview features (sidecar DNS proxying).';
  public readonly parent = new DefaultProfile();
  public readonly overlay: ValuesOverlay = {
    mesh: { extraConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } } } },
  };
}

/**
 * Upstream's `remote`: a cluster whose control plane runs elsewhere. Renders the injector webhook
 * (to `remote.injectionURL` or `remote.pilotAddress`), reader RBAC and the CRDs; no local istiod.
 */
export class RemoteProfile extends Profile {
  public readonly name = 'remote';
  public readonly description = 'Remote cluster of a primary-remote mesh: CRDs, injector webhook and reader RBAC, no istiod.';
  public readonly parent = new DefaultProfile();
  public readonly overlay: ValuesOverlay = {
    remote: { enabled: true },
    gateways: { enabled: false },
  };
}

/**
 * Upstream's `ambient`: the sidecar-less data plane. istiod with ambient support, istio-cni in
 * ambient mode and ztunnel on every node, distroless images, no ingress gateway (waypoints and
 * Gateway API gateways are deployed by istiod on demand).
 */
export class AmbientProfile extends Profile {
  public readonly name = 'ambient';
  public readonly description = 'Ambient mode: istiod, istio-cni and ztunnel; no sidecars, no ingress gateway.';
  public readonly parent = new DefaultProfile();
  public readonly overlay: ValuesOverlay = {
    global: { variant: 'distroless' },
    ambient: { enabled: true },
    cni: { enabled: true },
    gateways: { enabled: false },
  };
}

/** Every built-in profile, in documentation order. */
export const BUILTIN_PROFILES: readonly Profile[] = [
  new DefaultProfile(),
  new DemoProfile(),
  new MinimalProfile(),
  new EmptyProfile(),
  new PreviewProfile(),
  new RemoteProfile(),
  new AmbientProfile(),
];

/** The built-in profile called `name`, or undefined. */
export function builtinProfile(name: string): Profile | undefined {
  return BUILTIN_PROFILES.find((profile) => profile.name === name);
}
