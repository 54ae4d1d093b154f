/**
 * Valid values a hostile but honest user writes: the edges of every format, nulls, large lists, text
 * that looks like YAML 1.1 numbers or booleans, template syntax and HTML in strings, maps written out
 * of key order. Each must be accepted by the generator and render in the chart exactly as in dist/.
 * Values files are written as JSON (a YAML subset every reader reads alike).
 */

/** Strings YAML 1.1 (the Kubernetes decoder) would read as numbers, booleans, null or timestamps if unquoted. */
export const NUMBER_LIKE_STRINGS = ['1_000', '0x_1F', '685_230.15', '0O17', '0b101', '+12', '1e3', '.5', '1:20', '190:20:30.15',
  'yes', 'No', 'ON', 'off', 'y', 'N', '~', 'null', 'NULL', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '.inf', '-.Inf', '.NaN', '=', '<<'];

/** Annotation values made of the strings above, under valid qualified-name keys. */
function numberLikeAnnotations(): Record<string, string> {
  return Object.fromEntries(NUMBER_LIKE_STRINGS.map((text, index) => [`example.com/value-${String(index).padStart(2, '0')}`, text]));
}

function manyIngressGateways(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => ({
    gatewayName: index === 0 ? 'ingressgateway' : `ingress-${index}`,
    serviceType: index % 3 === 0 ? 'LoadBalancer' : index % 3 === 1 ? 'NodePort' : 'ClusterIP',
    ports: [
      { name: 'status-port', port: 15021, targetPort: 15021 },
      { name: 'http2', port: 80, targetPort: 8080, ...(index % 3 !== 2 ? { nodePort: 30000 + index } : {}) },
    ],
    ...(index % 4 === 0 ? { autoscaleEnabled: false, replicaCount: 2 } : { minReplicas: 2, maxReplicas: 4 }),
  }));
}

/** [title, values] */
export const VALID_VALUES: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['strict mutual TLS, root namespace set in the mesh config', {
    mesh: { mtls: { mode: 'STRICT' }, extraConfig: { rootNamespace: 'istio-config' } },
  }],
  ['IPv6 ranges and addresses', {
    trafficCapture: { includeIPRanges: ['fd00::/8', '2001:db8::/32', '10.0.0.0/8'], excludeIPRanges: ['::ffff:0:0/96', 'fe80::/10', '::1/128'] },
    gateways: {
      ingress: [{
        serviceType: 'LoadBalancer',
        loadBalancerIP: '2001:db8::10',
        loadBalancerSourceRanges: ['2001:db8:1::/48', '::ffff:10.0.0.0/104'],
        externalTrafficPolicy: 'Local',
      }],
    },
    tracing: { enabled: true, endpoint: 'otel-collector.observability.svc.cluster.local:4317', provider: 'opentelemetry' },
  }],
  ['twenty ingress gateways, several egress gateways, node ports', {
    gateways: {
      ingress: manyIngressGateways(20),
      egress: [
        { gatewayName: 'egressgateway' },
        { gatewayName: 'egress-db', serviceType: 'NodePort', ports: [{ name: 'tcp-db', port: 5432, nodePort: 32767 }] },
        { gatewayName: 'egress-api', enabled: false, serviceType: 'NodePort', ports: [{ name: 'https', port: 443, nodePort: 30000 }] },
      ],
    },
  }],
  ['every addon, Kiali basic auth through a Secret, Grafana admin from a Secret', {
    addons: {
      prometheus: { enabled: true, persistence: { enabled: true, size: '50Gi', storageClassName: 'fast' }, serviceType: 'NodePort' },
      grafana: { enabled: true, adminSecret: { name: 'grafana-admin' }, anonymousViewer: false },
      jaeger: { enabled: true },
      kiali: { enabled: true, auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users', key: 'htpasswd' }, role: 'viewer' } }, signingKeySecret: { name: 'kiali-key' } },
    },
    tracing: { enabled: true, sampling: 50 },
  }],
  ['nulls mean the defaults', {
    global: null,
    gateways: { ingress: null, egress: null },
    trafficCapture: { includeIPRanges: null, excludeIPRanges: null },
    mesh: { accessLogFile: null, extraConfig: null },
    tracing: null,
  }],
  ['the whole gateways section null', { gateways: null, istiod: { env: null, resources: null } }],
  ['template text, HTML and other scripts in strings', {
    gateways: {
      ingress: [{
        serviceAnnotations: { 'example.com/template': '{{ .Release.Name }}', 'example.com/html': '<b>&amp;</b> \u2028 \u2029', 'example.com/utf8': 'Grüße 你好 🙂' },
        podAnnotations: { 'example.com/fail': '{{ fail "injected" }}' },
        env: { TEMPLATE_TEXT: '{{ include "istio-pack.values" $ }}', PERCENT: '100% %s %v %%' },
      }],
    },
    mesh: { extraConfig: { defaultConfig: { proxyMetadata: { TEMPLATE: '{{ .Values }}', HTML: '<script>&</script>', MULTILINE: 'line one\nline two\n' } } } },
  }],
  ['strings YAML 1.1 reads as other types', {
    gateways: { ingress: [{ serviceAnnotations: numberLikeAnnotations(), podAnnotations: numberLikeAnnotations(), env: { YES: 'yes', NUMBER: '1_000', HEX: '0x_1F', OCTAL: '0O17', EMPTY: '' } }] },
    istiod: { env: { PILOT_FLAG: 'on', PILOT_COUNT: '685_230.15', PILOT_DATE: '2001-12-14' } },
    mesh: { extraConfig: { defaultConfig: { proxyMetadata: Object.fromEntries(NUMBER_LIKE_STRINGS.map((text, index) => [`VALUE_${index}`, text])) } } },
  }],
  ['maps written out of key order', {
    gateways: {
      ingress: [{
        serviceAnnotations: { 'z.example.com/last': 'z', 'a.example.com/first': 'a', 'm.example.com/middle': 'm', '10': 'ten', '9': 'nine' },
        env: { ZETA: '1', ALPHA: '2', MIDDLE: '3', _UNDERSCORE: '4' },
        nodeSelector: { 'topology.kubernetes.io/zone': 'b', 'kubernetes.io/os': 'linux' },
      }],
    },
    istiod: { env: { PILOT_Z: 'z', PILOT_A: 'a' } },
    mesh: { extraConfig: { zeta: { b: 1, a: 2 }, alpha: [{ y: 1, x: 2 }] } },
  }],
  ['a remote control plane at an IPv6 address', { remote: { enabled: true, pilotAddress: '2001:db8::15' }, istiod: { enabled: true } }],
  ['multi-network primary: an east-west gateway exposing services and istiod, in a revisioned install', {
    global: { meshId: 'mesh1', clusterId: 'east', network: 'network1', revision: 'blue', istioNamespace: 'mesh-system' },
    multiCluster: { exposeServices: true, exposeIstiod: true, eastWestGateway: 'eastwest' },
    gateways: { ingress: [
      { gatewayName: 'ingressgateway' },
      { gatewayName: 'eastwest', network: 'network1', env: { ISTIO_META_ROUTER_MODE: 'sni-dnat' }, ports: [
        { name: 'status-port', port: 15021, targetPort: 15021 }, { name: 'tls', port: 15443, targetPort: 15443 },
        { name: 'tls-istiod', port: 15012, targetPort: 15012 }, { name: 'tls-webhook', port: 15017, targetPort: 15017 },
      ] },
    ] },
  }],
  ['cross-network services only, on an egress gateway labelled with a network', {
    multiCluster: { exposeServices: true },
    gateways: { egress: [{ gatewayName: 'egressgateway', network: 'net-2' }] },
  }],
  ['a remote control plane by DNS name', { remote: { enabled: true, pilotAddress: 'istiod.primary.example.com' } }],
  ['OpenShift: ambient, every addon, egress and Kiali basic auth, with UIDs left to the platform', {
    global: { platform: 'openshift' },
    cni: { enabled: true },
    ambient: { enabled: true },
    gateways: { egress: [{ gatewayName: 'egressgateway' }] },
    addons: {
      prometheus: { enabled: true }, grafana: { enabled: true }, jaeger: { enabled: true },
      kiali: { enabled: true, auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' } } } },
    },
  }],
  ['OpenShift with cni.chained, paths and namespace set by the user', {
    global: { platform: 'openshift', istioNamespace: 'mesh-system' },
    cni: { enabled: true, chained: true, namespace: 'istio-cni', binDir: '/opt/custom/bin', confDir: '/etc/custom/net.d' },
  }],
  ['GKE: istio-cni and ztunnel outside kube-system need ResourceQuotas', {
    global: { platform: 'gke' }, cni: { enabled: true }, ambient: { enabled: true },
  }],
  ['GKE with istio-cni in kube-system: no quota there', {
    global: { platform: 'gke' }, cni: { enabled: true, namespace: 'kube-system' },
  }],
  ['k3d', { global: { platform: 'k3d' }, cni: { enabled: true } }],
  ['k3s, ambient', { global: { platform: 'k3s' }, cni: { enabled: true }, ambient: { enabled: true } }],
  ['microk8s', { global: { platform: 'microk8s' }, cni: { enabled: true } }],
  ['minikube, ambient', { global: { platform: 'minikube' }, cni: { enabled: true }, ambient: { enabled: true } }],
  ['numbers at the edges of formats', {
    tracing: { enabled: true, sampling: 0.0000001 },
    istiod: { autoscale: { min: 1, max: 100, targetCPUUtilizationPercentage: 1 } },
    gateways: { ingress: [{ targetCPUUtilizationPercentage: 100, maxReplicas: 1000, ports: [{ name: 'tcp', port: 65535, targetPort: 1 }] }] },
  }],
  ['revision tags on a non-revisioned install, default tag among them (istio-sidecar-injector deactivated)', {
    revisionTags: ['prod-stable', 'default', 'a'.repeat(43)],
    sidecarInjection: { allNamespaces: true },
  }],
  ['revision tags on a revisioned install in another namespace', {
    global: { revision: 'canary', istioNamespace: 'mesh' },
    revisionTags: ['prod-canary', 'default'],
  }],
  ['revision tags of a remote cluster (with Prometheus, so a ConfigMap payload is rendered too)', {
    remote: { enabled: true, pilotAddress: '10.0.0.1' },
    addons: { prometheus: { enabled: true } },
    revisionTags: ['default', 'defaults', 'x-default'],
  }],
];
