/**
 * The istio-pack values model: every user-facing setting, written once.
 *
 * The defaults here ARE the `default` profile. Other profiles are overlays on top of them
 * (src/profiles). Everything else — TypeScript types, values.yaml, values.schema.json, forms — is
 * derived from this file.
 */
import { CIDR, DNS_LABEL, DNS_SUBDOMAIN, ENV_NAME, HOST, HOST_PORT, IMAGE_HUB, IMAGE_TAG, IP_ADDRESS, LABEL_VALUE, QUALIFIED_NAME, QUANTITY } from './formats';
import { gatewayServiceTypeRules, ingressServiceRendered, tagsNotRevision, uniqueNodePorts, kialiBasicAuthUsers, lessOrEqual, oneSourceOfUsers, requiresTrue, requiresTrueWhen, starAlone, uniqueGatewayNames } from './rules';
import { FormHints, Infer, s } from './schema';

/** The Istio release istio-pack targets. */
export const ISTIO_VERSION = '1.30.3';

// ---------------------------------------------------------------------------------------------
// Reusable pieces

/** Form hints of a setting that shows only an English title. */
const titled = (title: string): FormHints => ({ title });

const quantity = (description: string, title: string, fallback: string) =>
  s.string({ description, default: fallback, pattern: QUANTITY, patternName: 'a Kubernetes quantity such as 100m or 128Mi', form: titled(title) });

const resourcePair = (what: string, cpu: string, memory: string) =>
  s.object({
    cpu: quantity(`CPU ${what}.`, 'CPU limit', cpu),
    memory: quantity(`Memory ${what}.`, 'Memory limit', memory),
  }, { description: `Container ${what}.`, form: titled('Limits') });

/** Requests are always rendered (secure-by-default baseline); limits are optional ('' = none). */
const resources = (description: string, title: string, requests: [string, string], limits: [string, string]) =>
  s.object({
    requests: s.object({
      cpu: s.string({ description: 'CPU request.', default: requests[0], pattern: QUANTITY, patternName: 'a Kubernetes quantity such as 100m', allowEmpty: false, form: titled('CPU request') }),
      memory: s.string({ description: 'Memory request.', default: requests[1], pattern: QUANTITY, patternName: 'a Kubernetes quantity such as 128Mi', allowEmpty: false, form: titled('Memory request') }),
    }, { description: 'Resource requests (required: the scheduler and HPAs need them).', form: titled('Requests') }),
    limits: resourcePair('limit ("" = no limit)', limits[0], limits[1]),
  }, { description, form: titled(title) });

/** Annotations: qualified-name keys, free text values. */
const annotations = (description: string, form: FormHints) => s.map(s.string({ description: 'Annotation value.', form: titled('Annotation value') }), {
  description,
  keyPattern: QUALIFIED_NAME,
  keyPatternName: 'a qualified name such as example.com/team',
  form,
});

/** Container environment variables: C-identifier names, text values. */
const environment = (description: string) => s.map(s.string({ description: 'Value.', form: titled('Value') }), {
  description,
  keyPattern: ENV_NAME,
  keyPatternName: 'an environment variable name (a C identifier such as PILOT_TRACE_SAMPLING)',
  form: titled('Environment variables'),
});

/** One Kubernetes toleration (core/v1 Toleration): documented fields, checked, passed through as written. */
const toleration = {
  key: s.string({ description: 'Taint key the toleration matches ("" with operator Exists = every taint).', pattern: QUALIFIED_NAME, patternName: 'a taint key such as node-role.kubernetes.io/control-plane', form: titled('Taint key') }),
  operator: s.enumOf(['Equal', 'Exists'] as const, { description: 'Equal: the taint value must equal value; Exists: any value.', default: 'Equal', form: titled('Operator') }),
  value: s.string({ description: 'Taint value (operator Equal).', form: titled('Taint value') }),
  effect: s.enumOf(['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const, {
    description: 'Taint effect matched ("" = every effect).', default: '', form: { title: 'Effect', choiceTitles: { '': 'Any effect' } },
  }),
  tolerationSeconds: s.optionalInteger({ description: 'How long a NoExecute taint is tolerated before eviction (unset = forever).', form: titled('Toleration seconds') }),
};

const scheduling = {
  nodeSelector: s.map(s.string({ description: 'Label value.', pattern: LABEL_VALUE, maxLength: 63, patternName: 'a label value (at most 63 letters, digits, -, _ or ., alphanumeric at both ends)', form: titled('Label value') }), {
    description: 'Node labels the pods must match.',
    keyPattern: QUALIFIED_NAME,
    keyPatternName: 'a label key such as kubernetes.io/os',
    form: titled('Node selector'),
  }),
  tolerations: s.freeList<ReadonlyArray<Readonly<Record<string, unknown>>>>({
    description: 'Kubernetes tolerations for the pods.', default: [], itemFields: toleration, form: { title: 'Tolerations', itemTitle: 'Toleration' },
  }),
  affinity: s.freeMap({ description: 'Kubernetes affinity for the pods (nodeAffinity, podAffinity, podAntiAffinity), as in a pod spec.', default: {}, form: titled('Affinity') }),
};

const cidrOrStar = s.string({
  description: 'A CIDR, or * for all addresses.',
  form: titled('Address range'),
  allowEmpty: false,
  pattern: new RegExp(`\\*|${CIDR.source}`),
  patternName: 'a CIDR such as 10.0.0.0/8 or fd00::/8, or *',
});

const cidr = s.string({
  description: 'A CIDR.',
  form: titled('Address range'),
  allowEmpty: false,
  pattern: CIDR,
  patternName: 'a CIDR such as 10.0.0.0/8 or fd00::/8',
});

const addonImage = (description: string, image: string, title = 'Image') =>
  s.string({ description, form: titled(title), default: image, allowEmpty: false, pattern: /[a-zA-Z0-9][^\s:@]*(:[A-Za-z0-9_.-]+)?(@sha256:[a-f0-9]{64})?/, patternName: 'an image reference such as docker.io/prom/prometheus:v3.10.0' });

const addonServiceType = (service: string) =>
  s.enumOf(['ClusterIP', 'NodePort', 'LoadBalancer'] as const, { description: `Service type of ${service} (ClusterIP: reach it with kubectl port-forward).`, default: 'ClusterIP', form: titled('Service type') });

const portNumber = (description: string, title: string) => s.integer({ description, default: 1, minimum: 1, maximum: 65535, form: titled(title) });

// ---------------------------------------------------------------------------------------------
// Gateways (the ACK console layout: lists of ingress and egress gateways)

/**
 * Gateway names whose objects (istio-<name>, istio-<name>-service-account, istio-<name>-sds) are
 * names of other components' objects of the same kind. test/values-model.test.ts derives this list
 * from a render of every component, so it cannot fall behind.
 */
export const RESERVED_GATEWAY_NAMES: readonly string[] = ['reader'];

const gatewayPort = s.object({
  name: s.string({ form: { title: 'Port name', titleZh: '端口名称' }, description: 'Port name (prefix selects the protocol: http2, https, tcp, tls, grpc, status-port...).', allowEmpty: false, pattern: DNS_LABEL, patternName: 'a DNS-1123 label such as http2' }),
  port: s.integer({ description: 'Service port.', default: 1, minimum: 1, maximum: 65535, form: { title: 'Service port', titleZh: '服务端口' } }),
  targetPort: s.integer({ form: { title: 'Target port', titleZh: '目标端口' }, description: 'Container port the gateway listens on; 0 means "same as port".', default: 0, minimum: 1, maximum: 65535, allowZero: true }),
  nodePort: s.optionalInteger({ form: { title: 'Node port', titleZh: '节点端口' }, description: 'Fixed node port (NodePort/LoadBalancer Services only); unset lets Kubernetes choose.', minimum: 30000, maximum: 32767 }),
  protocol: s.enumOf(['TCP', 'UDP', 'SCTP'] as const, { form: { title: 'Protocol', titleZh: '协议' }, description: 'Transport protocol.', default: 'TCP' }),
}, { description: 'A gateway Service port.', form: { title: 'Port', titleZh: '端口' } });

/** Settings of one gateway; `kind` picks the defaults that differ between ingress and egress. */
function gatewaySetting(kind: 'ingress' | 'egress') {
  return s.object({
    enabled: s.boolean({ form: { title: 'Enabled', titleZh: '启用' }, description: 'Deploy this gateway.', default: true }),
    gatewayName: s.string({
      form: { title: 'Gateway name', titleZh: '网关名称' }, description: `Gateway name without the istio- prefix: objects are named istio-<gatewayName>, pods labelled istio=<gatewayName>.`,
      default: `${kind}gateway`,
      allowEmpty: false,
      pattern: /[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?/,
      patternName: 'a DNS-1123 label of at most 50 characters',
      // ServiceAccount istio-<gatewayName>-service-account would be base's istio-reader-service-account.
      forbidden: { values: RESERVED_GATEWAY_NAMES, reason: 'its objects would replace objects of other components' },
    }),
    replicaCount: s.integer({ form: { title: 'Replicas', titleZh: '副本数' }, description: 'Replicas when autoscaling is off.', default: 1, minimum: 0, maximum: 1000 }),
    autoscaleEnabled: s.boolean({ form: { title: 'Autoscaling', titleZh: '自动伸缩' }, description: 'Scale with a HorizontalPodAutoscaler between minReplicas and maxReplicas.', default: true }),
    minReplicas: s.integer({ form: { title: 'Minimum replicas', titleZh: '最小副本数' }, description: 'Autoscaler minimum replicas (a PodDisruptionBudget is added when above 1).', default: 1, minimum: 1, maximum: 1000 }),
    maxReplicas: s.integer({ form: { title: 'Maximum replicas', titleZh: '最大副本数' }, description: 'Autoscaler maximum replicas.', default: 5, minimum: 1, maximum: 1000 }),
    targetCPUUtilizationPercentage: s.integer({ form: titled('Target CPU utilization (%)'), description: 'Autoscaler CPU target (% of requests).', default: 80, minimum: 1, maximum: 100 }),
    ports: s.list(gatewayPort, {
      form: { title: 'Ports', titleZh: '端口' }, description: 'Service ports; the status port (15021) should stay first for cloud load-balancer health checks.',
      uniqueBy: ['name', 'port', 'nodePort'],
      minItems: 1,
      default: kind === 'ingress'
        ? [
          { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
          { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
          { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
        ]
        : [
          { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
          { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
        ],
    }),
    serviceType: s.enumOf(['ClusterIP', 'NodePort', 'LoadBalancer'] as const, {
      form: { title: 'Service type', titleZh: '服务类型' }, description: 'Kubernetes Service type of the gateway.',
      default: kind === 'ingress' ? 'LoadBalancer' : 'ClusterIP',
    }),
    serviceAnnotations: annotations('Annotations on the Service (e.g. cloud load-balancer settings).', { title: 'Service annotations', titleZh: '服务注解' }),
    podAnnotations: annotations('Extra annotations on the gateway pods.', titled('Pod annotations')),
    loadBalancerIP: s.string({ form: titled('Load balancer IP'), description: 'Requested load-balancer IP (LoadBalancer only; "" = provider chooses).', pattern: IP_ADDRESS, patternName: 'an IPv4 or IPv6 address' }),
    loadBalancerSourceRanges: s.list(cidr, { form: titled('Load balancer source ranges'), description: 'Client CIDRs allowed through the load balancer (LoadBalancer only).', uniqueItems: true }),
    externalTrafficPolicy: s.enumOf(['', 'Cluster', 'Local'] as const, { form: { title: 'External traffic policy', choiceTitles: { '': 'Kubernetes default (Cluster)' } }, description: 'externalTrafficPolicy of NodePort/LoadBalancer Services ("" = Kubernetes default).', default: '' }),
    resources: resources('Gateway proxy resources.', 'Resources', ['100m', '128Mi'], ['2000m', '1024Mi']),
    env: environment('Extra environment variables of the gateway proxy.'),
    ...scheduling,
  }, {
    description: `An ${kind} gateway.`,
    form: kind === 'ingress' ? { title: 'Ingress gateway', titleZh: '入口网关' } : { title: 'Egress gateway', titleZh: '出口网关' },
    rules: [lessOrEqual('minReplicas', 'maxReplicas'), gatewayServiceTypeRules()],
  });
}

/** Settings of one ingress gateway (exported for the chart and the tests). */
export const INGRESS_GATEWAY = gatewaySetting('ingress');
/** Settings of one egress gateway. */
export const EGRESS_GATEWAY = gatewaySetting('egress');

// ---------------------------------------------------------------------------------------------
// The model

/** Form conditions: Kiali's user fields only with basic login, tracing details only with tracing on. */
const BASIC_AUTH = { path: 'addons.kiali.auth.strategy', equals: 'basic' } as const;
const TRACING_ON = { path: 'tracing.enabled', equals: true } as const;

/** The whole values model. */
export const VALUES_MODEL = s.object({
  global: s.object({
    hub: s.string({ form: titled('Image registry (hub)'), description: 'Registry and path of the Istio images.', default: 'docker.io/istio', allowEmpty: false, pattern: IMAGE_HUB, patternName: 'an image repository such as docker.io/istio' }),
    tag: s.string({ form: titled('Image tag'), description: 'Istio image tag.', default: ISTIO_VERSION, allowEmpty: false, pattern: IMAGE_TAG, patternName: 'an image tag such as 1.30.3' }),
    variant: s.enumOf(['', 'distroless', 'debug'] as const, { form: { title: 'Image variant', choiceTitles: { '': 'Default image', distroless: 'Distroless', debug: 'Debug' } }, description: 'Image variant suffix ("" = the default image).', default: '' }),
    imagePullPolicy: s.enumOf(['IfNotPresent', 'Always', 'Never'] as const, { form: titled('Image pull policy'), description: 'Image pull policy of every Istio container.', default: 'IfNotPresent' }),
    imagePullSecrets: s.list(s.string({ form: titled('Pull secret name'), description: 'Secret name.', allowEmpty: false, pattern: DNS_SUBDOMAIN, patternName: 'a Secret name' }), {
      form: titled('Image pull secrets'), description: 'Secrets (in each workload namespace) used to pull Istio images.', uniqueItems: true,
    }),
    istioNamespace: s.string({ form: titled('Istio namespace'), description: 'Namespace of the control plane and gateways.', default: 'istio-system', allowEmpty: false, pattern: DNS_LABEL, patternName: 'a DNS-1123 label' }),
    createNamespace: s.boolean({ form: titled('Create the namespace'), description: 'Emit the istioNamespace Namespace object (turn off when it is managed elsewhere).', default: true }),
    revision: s.string({ form: titled('Revision'), description: 'Control-plane revision for canary upgrades ("" = the default, non-revisioned install).', pattern: /[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?/, patternName: 'a DNS-1123 label of at most 32 characters' }),
    clusterId: s.string({ form: titled('Cluster ID'), description: 'Cluster name within the mesh.', default: 'Kubernetes', allowEmpty: false, pattern: /[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?/, patternName: 'a cluster name' }),
    meshId: s.string({ form: titled('Mesh ID'), description: 'Mesh identifier ("" = the trust domain).', pattern: /[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?/, patternName: 'a mesh name' }),
    network: s.string({ form: titled('Network'), description: 'Network of this cluster for multi-network meshes ("" = single network).', pattern: /[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?/, patternName: 'a network name' }),
    logLevel: s.string({ form: titled('Log levels'), description: 'istiod and proxy-agent log levels, scope:level pairs.', default: 'default:info', allowEmpty: false, pattern: /[a-z-]+:(debug|info|warn|error|none)(,[a-z-]+:(debug|info|warn|error|none))*/, patternName: 'scope:level pairs such as default:info' }),
    logAsJson: s.boolean({ form: titled('Log as JSON'), description: 'Log as JSON.', default: false }),
    platform: s.enumOf(['', 'openshift', 'gke', 'k3d', 'k3s', 'microk8s', 'minikube'] as const, {
      form: { title: 'Platform', choiceTitles: { '': 'None (generic Kubernetes)', openshift: 'OpenShift', gke: 'GKE', k3d: 'k3d', k3s: 'k3s', microk8s: 'MicroK8s', minikube: 'minikube' } },
      description: 'Kubernetes platform, as upstream\'s global.platform ("" = none): sets istio-cni\'s host paths and istiod\'s PLATFORM; openshift also leaves UIDs to the platform, uses Multus and puts istio-cni and ztunnel in kube-system; gke adds ResourceQuotas for the node agents.',
      default: '',
    }),
  }, { description: 'Settings shared by every component.', form: titled('Global') }),

  revisionTags: s.list(s.string({
    form: titled('Revision tag'), description: 'A revision tag.',
    allowEmpty: false,
    // Service istiod-revision-tag-<tag> must be a DNS label of at most 63 characters.
    pattern: /[a-z0-9]([-a-z0-9]{0,41}[a-z0-9])?/,
    patternName: 'a DNS-1123 label of at most 43 characters',
  }), {
    form: titled('Revision tags'),
    description: 'Revision tags of this control plane, as upstream\'s istiod chart: per tag a MutatingWebhookConfiguration istio-revision-tag-<tag> and a Service istiod-revision-tag-<tag>, so namespaces labelled istio.io/rev=<tag> are injected by this revision. Tag default also takes istio-injection=enabled namespaces and sidecar.istio.io/inject=true pods, as the default tag istioctl install creates (on a non-revisioned install the istio-sidecar-injector webhooks are then deactivated, as istioctl leaves them).',
    uniqueItems: true,
  }),

  mesh: s.object({
    accessLogFile: s.string({ form: titled('Access log file'), description: 'Envoy access log path ("" = off, /dev/stdout = container log).' }),
    accessLogEncoding: s.enumOf(['TEXT', 'JSON'] as const, { form: titled('Access log encoding'), description: 'Access log encoding.', default: 'TEXT' }),
    outboundTrafficPolicy: s.enumOf(['ALLOW_ANY', 'REGISTRY_ONLY'] as const, {
      form: titled('Outbound traffic policy'),
      description: 'ALLOW_ANY lets sidecars reach unknown destinations; REGISTRY_ONLY allows only services in the registry.', default: 'ALLOW_ANY',
    }),
    trustDomain: s.string({ form: titled('Trust domain'), description: 'SPIFFE trust domain of workload identities.', default: 'cluster.local', allowEmpty: false, pattern: DNS_SUBDOMAIN, patternName: 'a DNS name such as cluster.local' }),
    enablePrometheusMerge: s.boolean({ form: titled('Merge Prometheus metrics'), description: 'Merge application and Envoy metrics on the sidecar status port (15020) and annotate pods for Prometheus.', default: true }),
    enableAutoMtls: s.boolean({ form: titled('Automatic mutual TLS'), description: 'Use mutual TLS automatically between sidecars.', default: true }),
    ingressControllerMode: s.enumOf(['STRICT', 'DEFAULT', 'OFF'] as const, {
      form: titled('Kubernetes Ingress mode'),
      description: 'Kubernetes Ingress handling: STRICT = only class istio, DEFAULT = also Ingresses without class, OFF = ignore Ingress.', default: 'STRICT',
    }),
    ingressService: s.string({ form: titled('Ingress Service'), description: 'Service whose address is published on Kubernetes Ingresses.', default: 'istio-ingressgateway', allowEmpty: false, pattern: DNS_LABEL, patternName: 'a Service name' }),
    extensionProviders: s.list(s.freeMap({ form: titled('Extension provider'), description: 'A MeshConfig extension provider: name plus one provider block (opentelemetry, zipkin, envoyOtelAls, envoyExtAuthzGrpc, ...).', default: {} }), {
      form: titled('Extension providers'),
      description: 'MeshConfig extensionProviders that Telemetry and AuthorizationPolicy resources name (e.g. demo\'s otel, skywalking, otel-tracing, jaeger); the tracing.* provider is appended.',
      uniqueBy: ['name'],
    }),
    extraConfig: s.freeMap({ form: titled('Extra mesh config'), description: 'More MeshConfig fields, merged over the generated mesh config (istio.io MeshConfig reference).', default: {} }),
  }, { description: 'Mesh-wide configuration (ConfigMap istio).', form: titled('Mesh') }),

  sidecarInjection: s.object({
    enabled: s.boolean({
      form: { title: 'Automatic sidecar injection', titleZh: '启用 Sidecar 自动注入' },
      description: 'Automatic sidecar injection: namespaces labelled istio-injection=enabled (or istio.io/rev) get sidecars. Off = only pods labelled sidecar.istio.io/inject=true.',
      default: true,
    }),
    allNamespaces: s.boolean({ form: titled('Inject all namespaces'), description: 'Also inject every namespace without an injection label, except excludedNamespaces.', default: false }),
    excludedNamespaces: s.list(s.string({ form: titled('Namespace'), description: 'Namespace.', allowEmpty: false, pattern: DNS_LABEL, patternName: 'a namespace name' }), {
      form: titled('Excluded namespaces'),
      description: 'Namespaces never injected when allNamespaces is on.',
      uniqueItems: true,
      default: ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'],
    }),
    proxy: s.object({
      resources: resources('Sidecar proxy resources.', 'Resources', ['100m', '128Mi'], ['2000m', '1024Mi']),
      logLevel: s.enumOf(['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const, { form: titled('Proxy log level'), description: 'Envoy log level.', default: 'warning' }),
      componentLogLevel: s.string({ form: titled('Proxy component log levels'), description: 'Envoy per-component log levels.', default: 'misc:error', allowEmpty: false, pattern: /[a-z_]+:[a-z]+(,[a-z_]+:[a-z]+)*/, patternName: 'component:level pairs' }),
      holdApplicationUntilProxyStarts: s.boolean({ form: titled('Hold application until proxy starts'), description: 'Start application containers only once the proxy is ready.', default: false }),
    }, { description: 'The injected istio-proxy container.', form: titled('Sidecar proxy') }),
  }, { description: 'Sidecar injection.', form: { title: 'Sidecar injection', titleZh: 'Sidecar 注入' } }),

  trafficCapture: s.object({
    includeIPRanges: s.list(cidrOrStar, {
      form: { title: 'Blocked addresses for external access (intercepted by the sidecar; * = ALL)', titleZh: '禁止访问外部的地址（* 表示全部）' },
      description: 'Outbound destinations redirected to the sidecar (ACK "blocked addresses"): CIDRs, or * for all.',
      default: ['*'],
      minItems: 1,
      uniqueItems: true,
    }),
    excludeIPRanges: s.list(cidr, {
      form: { title: 'Permitted addresses for external access (bypass the sidecar)', titleZh: '允许访问外部的地址' },
      description: 'Outbound destinations that bypass the sidecar (ACK "permitted addresses"); wins over includeIPRanges.',
      uniqueItems: true,
    }),
    includeInboundPorts: s.list(s.string({ form: titled('Port'), description: 'A port, or *.', allowEmpty: false, pattern: /\*|[0-9]{1,5}/, patternName: 'a port number or *' }), {
      form: titled('Intercepted inbound ports'), description: 'Inbound ports redirected to the sidecar (* = all).', default: ['*'], minItems: 1, uniqueItems: true,
    }),
    excludeInboundPorts: s.list(portNumber('Port.', 'Port'), { form: titled('Excluded inbound ports'), description: 'Inbound ports that bypass the sidecar.', uniqueItems: true }),
    includeOutboundPorts: s.list(portNumber('Port.', 'Port'), { form: titled('Intercepted outbound ports'), description: 'Outbound ports always redirected, whatever the IP ranges say.', uniqueItems: true }),
    excludeOutboundPorts: s.list(portNumber('Port.', 'Port'), { form: titled('Excluded outbound ports'), description: 'Outbound ports that bypass the sidecar.', uniqueItems: true }),
  }, {
    form: { title: 'Traffic capture (egress control)', titleZh: '管控出口流量' },
    description: 'Which traffic the sidecar captures (istio-iptables -i/-x/-b/-d/-q/-o).',
    rules: [starAlone('includeIPRanges', 'CIDRs'), starAlone('includeInboundPorts', 'ports')],
  }),

  tracing: s.object({
    enabled: s.boolean({ form: { title: 'Send traces to the endpoint (external tracing)', titleZh: '启用链路追踪分析' }, description: 'Make the endpoint below the mesh\'s default tracing provider, so every proxy sends traces to it without a Telemetry resource.', default: false }),
    provider: s.enumOf(['zipkin', 'opentelemetry'] as const, { form: { title: 'Tracing protocol', titleZh: '追踪协议', showIf: TRACING_ON }, description: 'Protocol of the endpoint: zipkin (HTTP) or opentelemetry (OTLP/gRPC).', default: 'zipkin' }),
    endpoint: s.string({
      form: { title: 'Tracing endpoint', titleZh: '追踪服务地址', showIf: TRACING_ON },
      description: 'Collector address as host:port ("" = the Jaeger addon in istioNamespace: zipkin:9411 or jaeger-collector:4317 by provider).',
      pattern: HOST_PORT,
      patternName: 'host:port such as zipkin.istio-system.svc.cluster.local:9411',
    }),
    sampling: s.number({ form: { title: 'Trace sampling (%)', titleZh: '追踪采样百分比' }, description: 'Percentage of requests traced (0-100).', default: 1, minimum: 0, maximum: 100 }),
  }, { description: 'Distributed tracing.', form: { title: 'Tracing', titleZh: '链路追踪' } }),

  base: s.object({
    enabled: s.boolean({ form: titled('Install base (CRDs)'), description: 'Install the Istio CRDs, the reader service account and the default validator.', default: true }),
    validationFailurePolicy: s.enumOf(['Fail', 'Ignore'] as const, {
      form: titled('Validation failure policy'),
      description: 'failurePolicy of the validating webhooks. Fail matches what istiod sets once ready, so GitOps tools see no drift.', default: 'Fail',
    }),
  }, { description: 'Cluster-wide base: CRDs, reader RBAC, default-revision validator.', form: titled('Base') }),

  istiod: s.object({
    enabled: s.boolean({ form: titled('Install istiod'), description: 'Install the istiod control plane.', default: true }),
    replicaCount: s.integer({ form: titled('Replicas'), description: 'Replicas when autoscaling is off.', default: 1, minimum: 1, maximum: 100 }),
    autoscale: s.object({
      enabled: s.boolean({ form: titled('Autoscaling'), description: 'Scale istiod with a HorizontalPodAutoscaler.', default: true }),
      min: s.integer({ form: titled('Minimum replicas'), description: 'Autoscaler minimum replicas.', default: 1, minimum: 1, maximum: 100 }),
      max: s.integer({ form: titled('Maximum replicas'), description: 'Autoscaler maximum replicas.', default: 5, minimum: 1, maximum: 100 }),
      targetCPUUtilizationPercentage: s.integer({ form: titled('Target CPU utilization (%)'), description: 'Autoscaler CPU target (% of requests).', default: 80, minimum: 1, maximum: 100 }),
    }, {
      description: 'istiod autoscaling.',
      form: titled('Autoscaling'),
      rules: [lessOrEqual('min', 'max')],
    }),
    pdb: s.object({
      enabled: s.boolean({ form: titled('Pod disruption budget'), description: 'Add a PodDisruptionBudget (minAvailable 1) when istiod runs more than one replica.', default: true }),
    }, { description: 'istiod disruption budget.', form: titled('Disruption budget') }),
    resources: resources('istiod resources.', 'Resources', ['500m', '2048Mi'], ['', '']),
    env: environment('Extra istiod environment variables (PILOT_* feature flags).'),
    ...scheduling,
  }, { description: 'The istiod control plane.', form: titled('istiod control plane') }),

  remote: s.object({
    enabled: s.boolean({ form: titled('Remote cluster'), description: 'Remote cluster: no local istiod; injection and validation go to an external control plane.', default: false }),
    pilotAddress: s.string({ form: titled('External istiod address'), description: 'IP address or host name of the external istiod (15012/15017 reachable).', pattern: HOST, patternName: 'an IPv4 or IPv6 address or a DNS name' }),
    injectionURL: s.string({ form: titled('Injector URL'), description: 'Full URL of the external injector ("" = the istiod Service in istioNamespace).', pattern: /https:\/\/\S+/, patternName: 'an https:// URL' }),
  }, { description: 'Remote (primary-remote) cluster settings.', form: titled('Remote') }),

  cni: s.object({
    enabled: s.boolean({ form: titled('Install istio-cni'), description: 'Install the istio-cni node agent: pods get their traffic redirection from the CNI plugin, so injected pods need no NET_ADMIN init container.', default: false }),
    namespace: s.string({ form: titled('Namespace'), description: 'Namespace of the istio-cni DaemonSet ("" = global.istioNamespace, or kube-system with global.platform openshift).', pattern: DNS_LABEL, patternName: 'a DNS-1123 label' }),
    chained: s.boolean({ form: titled('Chained plugin'), description: 'Chain the Istio plugin into the existing CNI configuration (false = write a standalone istio-cni.conf; always false with global.platform openshift, whose Multus does not chain).', default: true }),
    binDir: s.string({ form: titled('CNI binary folder'), description: 'Host folder of CNI plugin binaries ("" = the platform\'s: /opt/cni/bin without global.platform).', pattern: /\/\S*/, patternName: 'an absolute path' }),
    confDir: s.string({ form: titled('CNI configuration folder'), description: 'Host folder of CNI network configuration ("" = the platform\'s: /etc/cni/net.d without global.platform).', pattern: /\/\S*/, patternName: 'an absolute path' }),
    excludeNamespaces: s.list(s.string({ form: titled('Namespace'), description: 'Namespace.', allowEmpty: false, pattern: DNS_LABEL, patternName: 'a namespace name' }), {
      form: titled('Excluded namespaces'),
      description: 'Namespaces whose pods the CNI plugin never touches.', uniqueItems: true, default: ['kube-system'],
    }),
    logLevel: s.enumOf(['debug', 'info', 'warn', 'error'] as const, { form: titled('Log level'), description: 'istio-cni log level.', default: 'info' }),
    resources: resources('istio-cni resources.', 'Resources', ['100m', '100Mi'], ['', '']),
  }, { description: 'The Istio CNI node agent (DaemonSet istio-cni-node).', form: titled('CNI') }),

  ambient: s.object({
    enabled: s.boolean({ form: { title: 'Ambient mode', showIf: { path: 'cni.enabled', equals: true } }, description: 'Ambient mode: ztunnel on every node, istio-cni in ambient mode, istiod with ambient support (needs cni.enabled).', default: false }),
  }, { description: 'Ambient (sidecar-less) data plane.', form: titled('Ambient') }),

  ztunnel: s.object({
    resources: resources('ztunnel resources.', 'Resources', ['200m', '512Mi'], ['', '']),
    logLevel: s.enumOf(['trace', 'debug', 'info', 'warn', 'error'] as const, { form: titled('Log level'), description: 'ztunnel log level (RUST_LOG).', default: 'info' }),
  }, { description: 'The ztunnel node proxy (DaemonSet ztunnel), rendered when ambient.enabled.', form: titled('ztunnel node proxy') }),

  addons: s.object({
    prometheus: s.object({
      enabled: s.boolean({ form: { title: 'Prometheus', titleZh: '启用 Prometheus' }, description: 'Deploy Prometheus, scraping istiod, gateways, sidecars and node agents.', default: false }),
      image: addonImage('Prometheus image.', 'docker.io/prom/prometheus:v3.10.0'),
      retention: s.string({ form: titled('Retention'), description: 'How long samples are kept.', default: '15d', allowEmpty: false, pattern: /[0-9]+(ms|s|m|h|d|w|y)/, patternName: 'a duration such as 15d or 12h' }),
      scrapeInterval: s.string({ form: titled('Scrape interval'), description: 'Scrape interval.', default: '15s', allowEmpty: false, pattern: /[0-9]+(ms|s|m|h)/, patternName: 'a duration such as 15s' }),
      persistence: s.object({
        enabled: s.boolean({ form: titled('Persistent storage'), description: 'Keep data on a PersistentVolumeClaim (otherwise an emptyDir that is lost with the pod).', default: false }),
        size: s.string({ form: titled('Volume size'), description: 'Claim size.', default: '10Gi', allowEmpty: false, pattern: QUANTITY, patternName: 'a Kubernetes quantity such as 10Gi' }),
        storageClassName: s.string({ form: titled('Storage class'), description: 'StorageClass of the claim ("" = the cluster default).', pattern: DNS_SUBDOMAIN, patternName: 'a StorageClass name' }),
      }, { description: 'Prometheus storage.', form: titled('Storage') }),
      serviceType: addonServiceType('prometheus'),
      resources: resources('Prometheus resources.', 'Resources', ['50m', '256Mi'], ['', '']),
    }, { description: 'Prometheus (Service prometheus:9090).', form: titled('Prometheus') }),
    grafana: s.object({
      enabled: s.boolean({ form: { title: 'Grafana', titleZh: '启用 Grafana' }, description: 'Deploy Grafana with Prometheus as data source and the istio-pack Istio dashboards.', default: false }),
      image: addonImage('Grafana image.', 'docker.io/grafana/grafana:12.0.1'),
      adminSecret: s.object({
        name: s.string({ form: titled('Admin Secret name'), description: 'Existing Secret holding the Grafana admin user and password ("" = no admin account: dashboards are read-only).', pattern: DNS_SUBDOMAIN, patternName: 'a Secret name' }),
        userKey: s.string({ form: titled('User name key'), description: 'Key of the admin user name in the Secret.', default: 'admin-user', allowEmpty: false, pattern: /[-._a-zA-Z0-9]+/, patternName: 'a Secret key' }),
        passwordKey: s.string({ form: titled('Password key'), description: 'Key of the admin password in the Secret.', default: 'admin-password', allowEmpty: false, pattern: /[-._a-zA-Z0-9]+/, patternName: 'a Secret key' }),
      }, { description: 'Grafana admin credentials, only ever read from a Secret.', form: titled('Admin credentials') }),
      anonymousViewer: s.boolean({ form: titled('Anonymous viewers'), description: 'Let visitors view dashboards without logging in (Viewer role, never Admin).', default: true }),
      serviceType: addonServiceType('grafana'),
      resources: resources('Grafana resources.', 'Resources', ['10m', '64Mi'], ['', '']),
    }, { description: 'Grafana (Service grafana:3000).', form: titled('Grafana') }),
    jaeger: s.object({
      enabled: s.boolean({ form: { title: 'Jaeger (in-cluster tracing backend)', titleZh: '启用 Jaeger 分布式追踪' }, description: 'Deploy Jaeger all-in-one with the tracing, zipkin and jaeger-collector Services.', default: false }),
      image: addonImage('Jaeger image.', 'docker.io/jaegertracing/jaeger:2.14.0'),
      serviceType: addonServiceType('tracing (the Jaeger UI)'),
      resources: resources('Jaeger resources.', 'Resources', ['10m', '128Mi'], ['', '']),
    }, { description: 'Jaeger (UI at Service tracing:80/jaeger; collector at zipkin:9411 and jaeger-collector).', form: titled('Jaeger') }),
    kiali: s.object({
      enabled: s.boolean({ form: { title: 'Kiali', titleZh: '启用 Kiali 可视化服务网格' }, description: 'Deploy Kiali, configured with this output\'s Prometheus, Grafana and Jaeger.', default: false }),
      image: addonImage('Kiali image.', 'quay.io/kiali/kiali:v2.26'),
      serviceType: addonServiceType('kiali'),
      resources: resources('Kiali resources.', 'Resources', ['10m', '64Mi'], ['', '1Gi']),
      signingKeySecret: s.object({
        name: s.string({ form: titled('Signing key Secret name'), description: 'Existing Secret with the 16/24/32-character session signing key ("" = a random key made at pod start; sessions end when the pod restarts).', pattern: DNS_SUBDOMAIN, patternName: 'a Secret name' }),
        key: s.string({ form: titled('Signing key key'), description: 'Key of the signing key in the Secret.', default: 'key', allowEmpty: false, pattern: /[-._a-zA-Z0-9]+/, patternName: 'a Secret key' }),
      }, { description: 'Kiali session signing key, only ever read from a Secret.', form: titled('Session signing key') }),
      auth: s.object({
        strategy: s.enumOf(['token', 'basic'] as const, {
          form: { title: 'Kiali login', titleZh: 'Kiali 登录方式', choiceTitles: { token: 'Kubernetes token', basic: 'User name and password' }, showIf: { path: 'addons.kiali.enabled', equals: true } },
          description: 'token: log in with a Kubernetes token; basic: user name and password (htpasswd) checked by an nginx proxy in the Kiali pod.',
          default: 'token',
        }),
        basic: s.object({
          htpasswdSecret: s.object({
            name: s.string({ form: { title: 'Users Secret name', titleZh: '用户名密码 Secret 名称', showIf: BASIC_AUTH }, description: 'Existing Secret holding htpasswd lines (e.g. from `htpasswd -nbB admin <password>`).', pattern: DNS_SUBDOMAIN, patternName: 'a Secret name' }),
            key: s.string({ form: titled('Users Secret key'), description: 'Key of the htpasswd file in the Secret.', default: 'auth', allowEmpty: false, pattern: /[-._a-zA-Z0-9]+/, patternName: 'a Secret key' }),
          }, { description: 'Users allowed into Kiali, from an existing Secret.', form: titled('Users from a Secret') }),
          htpasswd: s.list(s.string({
            description: 'An htpasswd line with a hashed password.',
            form: { title: 'User and password hash (user:hash)', titleZh: '用户名:密码哈希' },
            allowEmpty: false,
            secret: true,
            // Explicit ASCII classes rather than \s/\S, which differ between JavaScript and Go's RE2.
            pattern: /[^:\t\n\f\r ]+:(\$2[aby]\$[0-9]{2}\$[^\t\n\f\r ]{53}|\$apr1\$[^\t\n\f\r ]+|\{SHA\}[^\t\n\f\r ]+)/,
            patternName: 'user:hash with a bcrypt ($2y$), $apr1$ or {SHA} hash (plain-text passwords are refused)',
          }), { form: { title: 'Users (htpasswd lines)', titleZh: '用户名和密码（htpasswd）', showIf: BASIC_AUTH }, description: 'Users given in values instead, as hashed htpasswd lines (rendered into Secret kiali-htpasswd, never plain text).', uniqueItems: true }),
          role: s.enumOf(['viewer', 'admin'] as const, { form: titled('User role'), description: 'What basic-auth users may do: viewer (read-only) or admin (edit Istio config).', default: 'viewer' }),
          proxyImage: addonImage('nginx image of the auth proxy (unprivileged, port 8080 free).', 'docker.io/nginxinc/nginx-unprivileged:1.30-alpine', 'Auth proxy image'),
        }, {
          description: 'User name / password login (the ACK console\'s Kiali credentials).',
          form: titled('Basic login'),
          rules: [oneSourceOfUsers()],
        }),
      }, {
        description: 'How people log in to Kiali (anonymous access is not offered).',
        form: titled('Login'),
        rules: [kialiBasicAuthUsers()],
      }),
    }, { description: 'Kiali (Service kiali:20001, UI at /kiali).', form: titled('Kiali') }),
  }, { description: 'Observability addons (Istio samples/addons, hardened).', form: titled('Addons') }),

  gateways: s.object({
    enabled: s.boolean({ form: { title: 'Gateways', titleZh: '启用网关' }, description: 'Master switch for all gateways below.', default: true }),
    ingress: s.list(INGRESS_GATEWAY, {
      description: 'Ingress gateways (several allowed).',
      form: { title: 'Ingress gateways', titleZh: '入口网关' },
      uniqueBy: ['gatewayName'],
      default: [INGRESS_GATEWAY.resolve({}, '', [])],
    }),
    egress: s.list(EGRESS_GATEWAY, { form: { title: 'Egress gateways', titleZh: '出口网关' }, description: 'Egress gateways (several allowed).', uniqueBy: ['gatewayName'] }),
  }, {
    description: 'Ingress and egress gateways, in the ACK console layout.',
    form: { title: 'Gateways', titleZh: '网关' },
    ignoredKeys: ['k8singress'],
    rules: [uniqueGatewayNames(INGRESS_GATEWAY.defaultValue().gatewayName, EGRESS_GATEWAY.defaultValue().gatewayName), uniqueNodePorts()],
  }),
}, {
  description: 'istio-pack values.',
  form: titled('istio-pack values'),
  rules: [
    requiresTrue('ambient.enabled', 'cni.enabled', 'ztunnel gets its traffic from istio-cni'),
    requiresTrueWhen('global.platform', 'openshift', 'cni.enabled', 'OpenShift refuses istio-init\'s NET_ADMIN: sidecars get their traffic redirection from istio-cni'),
    ingressServiceRendered(INGRESS_GATEWAY.defaultValue().gatewayName),
    tagsNotRevision(),
  ],
});

/** Fully resolved values: every setting present, every default applied, everything validated. */
export type IstioValues = Infer<typeof VALUES_MODEL>;
/** One resolved gateway. */
export type GatewayValues = Infer<typeof INGRESS_GATEWAY>;
/** One resolved gateway port. */
export type GatewayPortValues = GatewayValues['ports'][number];
