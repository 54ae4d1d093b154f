/*
 * The `values` key of ConfigMap `istio-sidecar-injector`.
 *
 * Three readers decode it:
 * - istiod, as a free-form map exposed to every injection template as `.Values`, and as upstream's
 *   typed `Values` message (a known field of the wrong type is an error; unknown fields are
 *   tolerated) whose global.hub/tag/variant/proxy.image (the proxy image),
 *   global.multiCluster.clusterName, global.network, global.proxy.holdApplicationUntilProxyStarts and
 *   sidecarInjectorWebhook.rewriteAppHTTPProbe its Go code consults;
 * - istioctl: `analyze` asserts `sidecarInjectorWebhook.enableNamespacesByDefault` is a bool (a
 *   missing key panics) and, like `x injector list`, derives the expected proxy image as
 *   `<global.hub>/<global.proxy.image>:<global.tag>`; `x workload entry configure` reads
 *   global.multiCluster.clusterName;
 * - users' custom templates, usually copied from upstream's, which read upstream's values layout
 *   (`.Values.global.proxy.*`, `.Values.pilot.cni.enabled`, `.Values.revision`, ...).
 *
 * So the document carries every key of upstream 1.30's (the istiod chart's `global`,
 * `sidecarInjectorWebhook` and `revision`, `pilot.cni`/`pilot.env`, `gateways.securityContext`/
 * `seccompProfile`), with upstream's types, filled from the istio-pack model where it has the
 * setting and with upstream's chart defaults where it has not; plus the istio-pack sections the
 * istio-pack templates read (`mesh`, `sidecarInjection`, `trafficCapture`, `cni`, and
 * `global.clusterId`/`meshId`/`revision`), which istiod's typed decode ignores.
 */
import { Binder } from '../values/binder';
import { InjectionValues } from './injection-values';

/** The proxy's resources in the shape of upstream's `global.proxy.resources`. */
function proxyResources(v: InjectionValues): object {
  const resources = v.sidecarInjection.proxy.resources;
  return {
    requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
    limits: { cpu: resources.limits.cpu, memory: resources.limits.memory },
  };
}

/** Upstream's `global.proxy`: the sidecar settings, with traffic-capture lists as comma-separated text. */
function upstreamProxy(b: Binder, v: InjectionValues): object {
  const proxy = v.sidecarInjection.proxy;
  const capture = v.trafficCapture;
  return {
    autoInject: b.choose(v.sidecarInjection.autoInjection, 'enabled', 'disabled'),
    clusterDomain: 'cluster.local',
    componentLogLevel: proxy.componentLogLevel,
    excludeIPRanges: b.join(capture.excludeIPRanges, ','),
    excludeInboundPorts: b.join(capture.excludeInboundPorts, ','),
    excludeOutboundPorts: b.join(capture.excludeOutboundPorts, ','),
    // Not in upstream's chart defaults but a field of its Values message: after rendering, istiod
    // moves istio-proxy first in `containers` when it is true, so the application starts after it.
    holdApplicationUntilProxyStarts: proxy.holdApplicationUntilProxyStarts,
    // The image name only: istiod builds `<hub>/proxyv2:<tag>[-<variant>]`, istioctl `<hub>/proxyv2:<tag>`.
    image: 'proxyv2',
    includeIPRanges: b.join(capture.includeIPRanges, ','),
    includeInboundPorts: b.join(capture.includeInboundPorts, ','),
    includeOutboundPorts: b.join(capture.includeOutboundPorts, ','),
    logLevel: proxy.logLevel,
    outlierLogPath: '',
    privileged: false,
    readinessFailureThreshold: 4,
    readinessInitialDelaySeconds: 0,
    readinessPeriodSeconds: 15,
    resources: proxyResources(v),
    seccompProfile: {},
    startupProbe: { enabled: true, failureThreshold: 600 },
    statusPort: proxy.statusPort,
    tracer: 'none',
  };
}

/** Upstream's `global`, plus the istio-pack keys the istio-pack templates read. */
function upstreamGlobal(b: Binder, v: InjectionValues): object {
  const g = v.global;
  return {
    caAddress: '',
    caName: '',
    certSigners: [],
    configCluster: false,
    configValidation: true,
    defaultPodDisruptionBudget: { enabled: true },
    defaultResources: { requests: { cpu: '10m' } },
    externalIstiod: false,
    hub: g.hub,
    imagePullPolicy: g.imagePullPolicy,
    imagePullSecrets: g.imagePullSecrets,
    istioNamespace: g.istioNamespace,
    istiod: { enableAnalysis: false },
    logAsJson: g.logAsJson,
    logging: { level: g.logLevel },
    meshID: g.meshId,
    meshNetworks: {},
    mountMtlsCerts: false,
    // istiod rewrites ISTIO_META_CLUSTER_ID from it; istioctl's workload entry configuration reads it.
    multiCluster: { clusterName: g.clusterId },
    nativeNftables: false,
    // istiod labels injected pods `topology.istio.io/network` and sets ISTIO_META_NETWORK from it.
    network: g.network,
    networkPolicy: { enabled: false },
    omitSidecarInjectorConfigMap: false,
    operatorManageWebhooks: false,
    pilotCertProvider: 'istiod',
    // Upstream's waypoint template and users' templates read it.
    platform: b.optional(b.isSet(g.platform), g.platform),
    priorityClassName: '',
    proxy: upstreamProxy(b, v),
    proxy_init: { forceApplyIptables: false, image: 'proxyv2' },
    // The injector ConfigMap exists only where istiod runs (not in a remote cluster).
    remotePilotAddress: '',
    resourceScope: 'all',
    sds: { token: { aud: 'istio-ca' } },
    sts: { servicePort: 0 },
    tag: g.tag,
    variant: g.variant,
    waypoint: {
      affinity: {},
      nodeSelector: {},
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      tolerations: [],
      topologySpreadConstraints: [],
    },
    // istio-pack keys read by the istio-pack templates (unknown to istiod's typed decode).
    clusterId: g.clusterId,
    meshId: g.meshId,
    revision: g.revision,
  };
}

/**
 * Builds the JSON text of the `values` key of ConfigMap `istio-sidecar-injector` (see the file
 * comment for its readers). Keys are sorted at every depth; the output is deterministic.
 */
export function buildInjectorValues(b: Binder, v: InjectionValues): string {
  const proxy = v.sidecarInjection.proxy;
  const document = {
    // Upstream's `gateways` subset, read by its kube-gateway and waypoint templates: istio-pack's
    // always run with the RuntimeDefault seccomp profile, which upstream sets this way.
    gateways: { securityContext: {}, seccompProfile: { type: 'RuntimeDefault' } },
    global: upstreamGlobal(b, v),
    pilot: {
      cni: { enabled: v.cni.enabled, provider: v.cni.provider },
      env: v.istiod.env,
    },
    revision: v.global.revision,
    sidecarInjectorWebhook: {
      alwaysInjectSelector: [],
      defaultTemplates: [],
      // istioctl analyze asserts this is a bool: without it, it panics.
      enableNamespacesByDefault: v.sidecarInjection.allNamespaces,
      injectedAnnotations: {},
      neverInjectSelector: [],
      reinvocationPolicy: 'Never',
      // istiod rewrites the application's probes to go through pilot-agent only when it is true (or
      // the pod asks with `sidecar.istio.io/rewriteAppHTTPProbers`); without it, kubelet probes fail
      // against workloads under STRICT mTLS.
      rewriteAppHTTPProbe: true,
      templates: {},
    },
    // istio-pack sections, read by the istio-pack templates.
    mesh: {
      trustDomain: v.mesh.trustDomain,
    },
    sidecarInjection: {
      autoInjection: v.sidecarInjection.autoInjection,
      proxy: {
        resources: proxyResources(v),
        logLevel: proxy.logLevel,
        componentLogLevel: proxy.componentLogLevel,
        holdApplicationUntilProxyStarts: proxy.holdApplicationUntilProxyStarts,
        statusPort: proxy.statusPort,
      },
    },
    trafficCapture: {
      includeIPRanges: v.trafficCapture.includeIPRanges,
      excludeIPRanges: v.trafficCapture.excludeIPRanges,
      includeInboundPorts: v.trafficCapture.includeInboundPorts,
      excludeInboundPorts: v.trafficCapture.excludeInboundPorts,
      includeOutboundPorts: v.trafficCapture.includeOutboundPorts,
      excludeOutboundPorts: v.trafficCapture.excludeOutboundPorts,
    },
    // Upstream's top-level `cni` has the same shape; the sidecar template reads it.
    cni: {
      enabled: v.cni.enabled,
      provider: v.cni.provider,
    },
  };
  return b.json(document);
}
