/*
 * The `values` key of ConfigMap `istio-sidecar-injector`.
 */
import { Binder } from '../values/binder';
import { InjectionValues } from './injection-values';

/**
 * Builds the JSON text of the `values` key of ConfigMap `istio-sidecar-injector`.
 *
 * The document is the istio-pack model (`global`, `mesh`, `sidecarInjection`, `trafficCapture`,
 * `cni`), read by the templates above as `.Values`, plus the upstream-shaped fields that istiod's Go
 * code reads from the typed `Values` message. istiod tolerates the unknown istio-pack fields when it
 * decodes that message. Keys are sorted at every depth; the output is deterministic.
 */
export function buildInjectorValues(b: Binder, v: InjectionValues): string {
  const document = {
    global: {
      // `global.hub`, `global.tag` and `global.variant` already have the upstream names and shapes:
      // istiod's ProxyImage() builds `.ProxyImage` as `<hub>/proxyv2:<tag>[-<variant>]` from them
      // (and from `global.proxy.image`, left unset so the image name stays `proxyv2`).
      // `global.network` is also upstream-shaped: istiod uses it to label injected pods with
      // `topology.istio.io/network` and to set ISTIO_META_NETWORK on the proxy (and on waypoints).
      hub: v.global.hub,
      tag: v.global.tag,
      imagePullPolicy: v.global.imagePullPolicy,
      imagePullSecrets: v.global.imagePullSecrets,
      istioNamespace: v.global.istioNamespace,
      revision: v.global.revision,
      clusterId: v.global.clusterId,
      meshId: v.global.meshId,
      network: v.global.network,
      logAsJson: v.global.logAsJson,
      variant: v.global.variant,
      // Upstream `global.multiCluster.clusterName`: istiod takes the cluster ID from it to rewrite the
      // proxy's ISTIO_META_CLUSTER_ID env and to pick the per-cluster clients during injection.
      multiCluster: {
        clusterName: v.global.clusterId,
      },
      proxy: {
        // Upstream `global.proxy.holdApplicationUntilProxyStarts`: after rendering, istiod moves the
        // istio-proxy container first in `containers` when it is true (the template only adds the
        // `pilot-agent wait` postStart hook), so the application starts after the proxy is ready.
        holdApplicationUntilProxyStarts: v.sidecarInjection.proxy.holdApplicationUntilProxyStarts,
      },
    },
    mesh: {
      trustDomain: v.mesh.trustDomain,
    },
    sidecarInjection: {
      autoInjection: v.sidecarInjection.autoInjection,
      proxy: {
        resources: {
          requests: {
            cpu: v.sidecarInjection.proxy.resources.requests.cpu,
            memory: v.sidecarInjection.proxy.resources.requests.memory,
          },
          limits: {
            cpu: v.sidecarInjection.proxy.resources.limits.cpu,
            memory: v.sidecarInjection.proxy.resources.limits.memory,
          },
        },
        logLevel: v.sidecarInjection.proxy.logLevel,
        componentLogLevel: v.sidecarInjection.proxy.componentLogLevel,
        holdApplicationUntilProxyStarts: v.sidecarInjection.proxy.holdApplicationUntilProxyStarts,
        statusPort: v.sidecarInjection.proxy.statusPort,
      },
    },
    // Upstream `sidecarInjectorWebhook.rewriteAppHTTPProbe` (chart default true): istiod rewrites the
    // application's HTTP/TCP/gRPC probes to go through pilot-agent's status port only when it is true
    // (or when the pod annotation `sidecar.istio.io/rewriteAppHTTPProbers` asks for it). Without the
    // rewrite, kubelet probes fail against workloads under STRICT mTLS.
    sidecarInjectorWebhook: {
      rewriteAppHTTPProbe: true,
    },
    trafficCapture: {
      includeIPRanges: v.trafficCapture.includeIPRanges,
      excludeIPRanges: v.trafficCapture.excludeIPRanges,
      includeInboundPorts: v.trafficCapture.includeInboundPorts,
      excludeInboundPorts: v.trafficCapture.excludeInboundPorts,
      includeOutboundPorts: v.trafficCapture.includeOutboundPorts,
      excludeOutboundPorts: v.trafficCapture.excludeOutboundPorts,
    },
    // `cni.enabled` matches the shape of upstream's top-level `cni` values; istiod's Go code does not
    // read it during injection, only the sidecar template does.
    cni: {
      enabled: v.cni.enabled,
    },
  };
  return b.json(document);
}
