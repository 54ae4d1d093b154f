/*
 * Sidecar-injection configuration for istiod 1.30 (ConfigMap `istio-sidecar-injector`).
 *
 * istiod reads two keys of that ConfigMap:
 * - `config`: YAML unmarshalled into istiod's injection `Config` (policy, defaultTemplates, the
 *   always/never inject selectors, injectedAnnotations, aliases and the raw `templates`). Every
 *   template is parsed as a Go text/template with sprig's TxtFuncMap plus istiod's own helper
 *   functions (annotation, isset, excludeInboundPort, valueOrDefault, fromJSON, toYaml, ...).
 * - `values`: a YAML/JSON document that istiod reads twice: as a free-form map exposed to templates
 *   as `.Values`, and as the typed upstream `Values` message (unknown fields are tolerated) whose
 *   handful of fields the Go code itself consults (see `buildInjectorValues`).
 *
 * The templates below are written for the istio-pack values shape (`InjectionValues`), not for the
 * upstream Helm values layout. They reproduce the behaviour of upstream 1.30's `sidecar` and
 * `gateway` injection templates, and of the `kube-gateway` and `waypoint` templates that istiod's
 * Gateway API deployment controller renders from the same `config` key, for the settings istio-pack
 * models; upstream knobs that istio-pack does not model are rendered with the upstream chart
 * defaults.
 *
 * The template text is data for istiod: nothing here is evaluated by TypeScript.
 */
import { toKubernetesYaml } from '../values/kubernetes-yaml';
import { Binder } from '../values/binder';

/** Values of the istio-pack model that the injection templates and istiod consume. */
export interface InjectionValues {
  readonly global: {
    readonly hub: string;
    readonly tag: string;
    readonly imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
    readonly imagePullSecrets: readonly string[];
    readonly istioNamespace: string;
    /** Control-plane revision; '' is the default revision. */
    readonly revision: string;
    /** Cluster name; 'Kubernetes' by default. */
    readonly clusterId: string;
    /** Mesh ID; '' falls back to the trust domain. */
    readonly meshId: string;
    readonly network: string;
    readonly logAsJson: boolean;
    /** Image variant: '' or 'distroless'. */
    readonly variant: string;
  };
  readonly mesh: { readonly trustDomain: string };
  readonly sidecarInjection: {
    readonly autoInjection: boolean;
    readonly proxy: {
      readonly resources: {
        readonly requests: { readonly cpu: string; readonly memory: string };
        readonly limits: { readonly cpu: string; readonly memory: string };
      };
      /** Envoy log level, 'warning' by default. */
      readonly logLevel: string;
      /** Envoy per-component log levels, 'misc:error' by default. */
      readonly componentLogLevel: string;
      readonly holdApplicationUntilProxyStarts: boolean;
      /** pilot-agent status port, 15020 by default. */
      readonly statusPort: number;
    };
  };
  readonly trafficCapture: {
    /** Outbound CIDRs to capture; ['*'] by default. */
    readonly includeIPRanges: readonly string[];
    readonly excludeIPRanges: readonly string[];
    /** Inbound ports to capture; ['*'] by default. */
    readonly includeInboundPorts: readonly string[];
    readonly excludeInboundPorts: readonly number[];
    readonly includeOutboundPorts: readonly number[];
    readonly excludeOutboundPorts: readonly number[];
  };
  readonly cni: { readonly enabled: boolean };
}

// ---------------------------------------------------------------------------------------------
// Fragments shared by the templates.
//
// istiod parses every template on its own, so a Go `{{ define }}` cannot be shared between them:
// the four templates are composed here, in TypeScript, from the text fragments below, joined in
// order; a comment at each use names what the fragment renders. Each fragment is a run of whole
// template lines ending with a newline. Where the same lines appear at different depths, the
// fragment is a function of `indent`: the column, as spaces, of the container's fields (or, for pod
// volumes and pull secrets, of the pod spec's fields), which is also where their list entries
// (`- name: ...`) start. The columns in use are the four constants that follow.
// ---------------------------------------------------------------------------------------------

/** Column of pod-spec fields (`volumes`, `imagePullSecrets`) in the `sidecar` and `gateway` pod overlays. */
const OVERLAY_POD = '  ';
/** Column of container fields (`image`, `env`, `volumeMounts`, ...) in those pod overlays. */
const OVERLAY_CONTAINER = '    ';
/** Column of pod-spec fields in the Deployment pod template of `kube-gateway` and `waypoint`. */
const DEPLOYMENT_POD = '      ';
/** Column of container fields in that Deployment pod template. */
const DEPLOYMENT_CONTAINER = '        ';

/** Template variable `$agentLog`: pilot-agent's log levels (`sidecar.istio.io/agentLogLevel`, else `default:info`). */
const AGENT_LOG_LEVEL_VAR = `{{- $agentLog := annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" "default:info" }}
`;

/** Template variable `$trustDomain`: the mesh config's trust domain, else the values' `mesh.trustDomain`. */
const TRUST_DOMAIN_VAR = `{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain .Values.mesh.trustDomain }}
`;

/** Template variable `$customImage`: the image named by the `sidecar.istio.io/proxyImage` annotation, or ''. */
const CUSTOM_IMAGE_VAR = `{{- $customImage := annotation .ObjectMeta "sidecar.istio.io/proxyImage" "" }}
`;

/** The proxy container's `image`: `$customImage` when it is a full reference (contains `/`), else `.ProxyImage`. */
function proxyImageField(indent: string): string {
  return `${indent}image: {{ if contains "/" $customImage }}{{ quote $customImage }}{{ else }}{{ quote .ProxyImage }}{{ end }}
`;
}

/** A container's `imagePullPolicy`, from `global.imagePullPolicy` when it is set. */
function imagePullPolicyField(indent: string): string {
  return `{{- with .Values.global.imagePullPolicy }}
${indent}imagePullPolicy: {{ quote . }}
{{- end }}
`;
}

/** The proxy container's `args:` key and pilot-agent command: `proxy <role> --domain $(POD_NAMESPACE).svc.cluster.local`. */
function proxyCommandArgs(indent: string, role: 'sidecar' | 'router' | 'waypoint'): string {
  return `${indent}args:
${indent}- proxy
${indent}- ${role}
${indent}- --domain
${indent}- $(POD_NAMESPACE).svc.cluster.local
`;
}

/**
 * The proxy's log arguments: Envoy's log level and component log levels (the `sidecar.istio.io/logLevel`
 * and `componentLogLevel` annotations win over `$proxy`'s values), pilot-agent's `$agentLog`, and
 * `--log_as_json` with `global.logAsJson`.
 */
function proxyLogArgs(indent: string): string {
  return `${indent}- {{ printf "--proxyLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel) | quote }}
${indent}- {{ printf "--proxyComponentLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel) | quote }}
${indent}- {{ printf "--log_output_level=%s" $agentLog | quote }}
{{- if .Values.global.logAsJson }}
${indent}- --log_as_json
{{- end }}
`;
}

/**
 * Env entries PILOT_CERT_PROVIDER and CA_ADDR (istiod of this revision, port 15012), the downward-API
 * entries POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT, HOST_IP and ISTIO_CPU_LIMIT, and
 * PROXY_CONFIG.
 */
function proxyPodEnv(indent: string): string {
  return `${indent}- name: PILOT_CERT_PROVIDER
${indent}  value: istiod
${indent}- name: CA_ADDR
${indent}  value: {{ printf "istiod%s.%s.svc:15012" (ternary (printf "-%s" .Values.global.revision) "" (ne .Values.global.revision "")) .Values.global.istioNamespace | quote }}
${indent}- name: POD_NAME
${indent}  valueFrom:
${indent}    fieldRef:
${indent}      fieldPath: metadata.name
${indent}- name: POD_NAMESPACE
${indent}  valueFrom:
${indent}    fieldRef:
${indent}      fieldPath: metadata.namespace
${indent}- name: INSTANCE_IP
${indent}  valueFrom:
${indent}    fieldRef:
${indent}      fieldPath: status.podIP
${indent}- name: SERVICE_ACCOUNT
${indent}  valueFrom:
${indent}    fieldRef:
${indent}      fieldPath: spec.serviceAccountName
${indent}- name: HOST_IP
${indent}  valueFrom:
${indent}    fieldRef:
${indent}      fieldPath: status.hostIP
${indent}- name: ISTIO_CPU_LIMIT
${indent}  valueFrom:
${indent}    resourceFieldRef:
${indent}      resource: limits.cpu
${indent}      divisor: "1"
${indent}- name: PROXY_CONFIG
${indent}  value: {{ protoToJSON .ProxyConfig | quote }}
`;
}

/** Env entries GOMEMLIMIT and GOMAXPROCS: Go runtime limits taken from the container's own resource limits. */
function proxyGoEnv(indent: string): string {
  return `${indent}- name: GOMEMLIMIT
${indent}  valueFrom:
${indent}    resourceFieldRef:
${indent}      resource: limits.memory
${indent}      divisor: "1"
${indent}- name: GOMAXPROCS
${indent}  valueFrom:
${indent}    resourceFieldRef:
${indent}      resource: limits.cpu
${indent}      divisor: "1"
`;
}

/** Env entry ISTIO_META_NODE_NAME, from the pod's `spec.nodeName`. */
function nodeNameEnv(indent: string): string {
  return `${indent}- name: ISTIO_META_NODE_NAME
${indent}  valueFrom:
${indent}    fieldRef:
${indent}      fieldPath: spec.nodeName
`;
}

/** Env entries ISTIO_META_MESH_ID (`global.meshId`, else `$trustDomain`) and TRUST_DOMAIN, each when non-empty. */
function meshIdentityEnv(indent: string): string {
  return `{{- with .Values.global.meshId | default $trustDomain }}
${indent}- name: ISTIO_META_MESH_ID
${indent}  value: {{ quote . }}
{{- end }}
{{- with $trustDomain }}
${indent}- name: TRUST_DOMAIN
${indent}  value: {{ quote . }}
{{- end }}
`;
}

/** One env entry per `.ProxyConfig.ProxyMetadata` key. */
function proxyMetadataEnv(indent: string): string {
  return `{{- range $key, $value := .ProxyConfig.ProxyMetadata }}
${indent}- name: {{ quote $key }}
${indent}  value: {{ quote $value }}
{{- end }}
`;
}

/**
 * The `requests` and `limits` (cpu, memory) of a `resources` key from `$r`, the values' proxy
 * resources; empty quantities, and a `requests` or `limits` with both empty, are left out.
 * `indent` is the column of the `resources` key.
 */
function proxyResourcesFromValues(indent: string): string {
  return `{{- if or $r.requests.cpu $r.requests.memory }}
${indent}  requests:
{{- with $r.requests.cpu }}
${indent}    cpu: {{ quote . }}
{{- end }}
{{- with $r.requests.memory }}
${indent}    memory: {{ quote . }}
{{- end }}
{{- end }}
{{- if or $r.limits.cpu $r.limits.memory }}
${indent}  limits:
{{- with $r.limits.cpu }}
${indent}    cpu: {{ quote . }}
{{- end }}
{{- with $r.limits.memory }}
${indent}    memory: {{ quote . }}
{{- end }}
{{- end }}
`;
}

/** Volume mounts `workload-socket`, `credential-socket` and `workload-certs` (SDS sockets and file-mounted certificates). */
function workloadCredentialMounts(indent: string): string {
  return `${indent}- name: workload-socket
${indent}  mountPath: /var/run/secrets/workload-spiffe-uds
${indent}- name: credential-socket
${indent}  mountPath: /var/run/secrets/credential-uds
${indent}- name: workload-certs
${indent}  mountPath: /var/run/secrets/workload-spiffe-credentials
`;
}

/** Volume mounts `istio-envoy` (/etc/istio/proxy), `istio-token` (/var/run/secrets/tokens) and `istio-podinfo` (/etc/istio/pod). */
function proxyRuntimeMounts(indent: string): string {
  return `${indent}- name: istio-envoy
${indent}  mountPath: /etc/istio/proxy
${indent}- name: istio-token
${indent}  mountPath: /var/run/secrets/tokens
${indent}- name: istio-podinfo
${indent}  mountPath: /etc/istio/pod
`;
}

/** Pod volumes `workload-socket`, `credential-socket` and `workload-certs`, all emptyDir. */
function workloadCredentialVolumes(indent: string): string {
  return `${indent}- name: workload-socket
${indent}  emptyDir: {}
${indent}- name: credential-socket
${indent}  emptyDir: {}
${indent}- name: workload-certs
${indent}  emptyDir: {}
`;
}

/**
 * Pod volumes `istio-envoy` (in-memory emptyDir), `istio-data` (emptyDir), `istio-podinfo` (downward
 * API: pod labels and annotations), `istio-token` (projected `istio-ca` service-account token, 12h)
 * and `istiod-ca-cert` (ConfigMap `istio-ca-root-cert`).
 */
function proxyVolumes(indent: string): string {
  return `${indent}- name: istio-envoy
${indent}  emptyDir:
${indent}    medium: Memory
${indent}- name: istio-data
${indent}  emptyDir: {}
${indent}- name: istio-podinfo
${indent}  downwardAPI:
${indent}    items:
${indent}    - path: labels
${indent}      fieldRef:
${indent}        fieldPath: metadata.labels
${indent}    - path: annotations
${indent}      fieldRef:
${indent}        fieldPath: metadata.annotations
${indent}- name: istio-token
${indent}  projected:
${indent}    sources:
${indent}    - serviceAccountToken:
${indent}        audience: istio-ca
${indent}        expirationSeconds: 43200
${indent}        path: istio-token
${indent}- name: istiod-ca-cert
${indent}  configMap:
${indent}    name: istio-ca-root-cert
`;
}

/** The pod's `imagePullSecrets`, from `global.imagePullSecrets` when non-empty. */
function imagePullSecretsField(indent: string): string {
  return `{{- with .Values.global.imagePullSecrets }}
${indent}imagePullSecrets:
{{- range . }}
${indent}- name: {{ quote . }}
{{- end }}
{{- end }}
`;
}

// ---------------------------------------------------------------------------------------------
// Fragments of the pod-overlay injection templates `sidecar` and `gateway` only (fixed columns).
// ---------------------------------------------------------------------------------------------

/** Template variables `$appContainers` (the pod's containers other than istio-proxy, by name) and `$podPorts` (all their ports). */
const POD_CONTAINER_VARS = `{{- $appContainers := list }}
{{- range .Spec.Containers }}{{ if ne .Name "istio-proxy" }}{{ $appContainers = append $appContainers .Name }}{{ end }}{{ end }}
{{- $podPorts := list }}
{{- range .Spec.Containers }}{{ range .Ports }}{{ $podPorts = append $podPorts . }}{{ end }}{{ end }}
`;

/**
 * Pod annotations `istio.io/rev` and, naming the first application container unless the pod sets
 * them, `kubectl.kubernetes.io/default-logs-container` and `kubectl.kubernetes.io/default-container`.
 */
const REVISION_AND_DEFAULT_CONTAINER_ANNOTATIONS = `    istio.io/rev: {{ .Revision | default "default" | quote }}
{{- if $appContainers }}
{{- if not (isset $ann "kubectl.kubernetes.io/default-logs-container") }}
    kubectl.kubernetes.io/default-logs-container: {{ first $appContainers | quote }}
{{- end }}
{{- if not (isset $ann "kubectl.kubernetes.io/default-container") }}
    kubectl.kubernetes.io/default-container: {{ first $appContainers | quote }}
{{- end }}
{{- end }}
`;

/** Env entry COMPLIANCE_POLICY, when `.CompliancePolicy` is set. */
const COMPLIANCE_POLICY_ENV = `{{- with .CompliancePolicy }}
    - name: COMPLIANCE_POLICY
      value: {{ quote . }}
{{- end }}
`;

/** Env entry ISTIO_META_OWNER, the pod's controller as `kubernetes://apis/<apiVersion>/namespaces/<ns>/<kind>s/<name>`. */
const POD_OWNER_ENV = `{{- if and .TypeMeta.APIVersion .DeploymentMeta.Name }}
    - name: ISTIO_META_OWNER
      value: {{ printf "kubernetes://apis/%s/namespaces/%s/%ss/%s" .TypeMeta.APIVersion (valueOrDefault .DeploymentMeta.Namespace "default") (toLower .TypeMeta.Kind) .DeploymentMeta.Name | quote }}
{{- end }}
`;

/** Env entry ISTIO_BOOTSTRAP_OVERRIDE, when the pod is annotated `sidecar.istio.io/bootstrapOverride`. */
const CUSTOM_BOOTSTRAP_ENV = `{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
    - name: ISTIO_BOOTSTRAP_OVERRIDE
      value: /etc/istio/custom-bootstrap/custom_bootstrap.json
{{- end }}
`;

/** Volume mount `custom-bootstrap-volume` (/etc/istio/custom-bootstrap), when annotated `sidecar.istio.io/bootstrapOverride`. */
const CUSTOM_BOOTSTRAP_MOUNT = `{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
    - name: custom-bootstrap-volume
      mountPath: /etc/istio/custom-bootstrap
{{- end }}
`;

/** Pod volume `custom-bootstrap-volume`: the ConfigMap named by the `sidecar.istio.io/bootstrapOverride` annotation. */
const CUSTOM_BOOTSTRAP_VOLUME = `{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
  - name: custom-bootstrap-volume
    configMap:
      name: {{ index $ann "sidecar.istio.io/bootstrapOverride" | quote }}
{{- end }}
`;

/**
 * Injection template named `sidecar` (the default template).
 *
 * Renders, as a strategic-merge overlay on the admitted pod:
 * - pod labels `security.istio.io/tlsMode`, `service.istio.io/canonical-name` and
 *   `service.istio.io/canonical-revision` (plus `networking.istio.io/tunnel` when the proxy metadata
 *   enables HBONE), annotations `istio.io/rev` and the kubectl default-container hints;
 * - without CNI, the `istio-init` init container running `istio-iptables -p 15001 -z 15006 -u <uid>
 *   -m <mode> -i <include CIDRs> -x <exclude CIDRs> -b <inbound ports> -d 15090,15021,<status port>[,...]
 *   [-q ...] [-o ...] [-k ...] [-c ...]` as root with NET_ADMIN/NET_RAW; with `cni.enabled`, the
 *   unprivileged `istio-validation` container (`--run-validation --skip-rule-apply`) and the resolved
 *   capture settings written to the `traffic.sidecar.istio.io/*` and
 *   `sidecar.istio.io/interceptionMode` pod annotations for the CNI plugin;
 * - the `istio-proxy` container, placed in `initContainers` with `restartPolicy: Always` when native
 *   sidecars are on (`.NativeSidecars`, overridable by the `sidecar.istio.io/nativeSidecar`
 *   annotation), otherwise in `containers`; its args, environment, Prometheus port 15090, startup and
 *   readiness probes on 15021, resources (overridable with `sidecar.istio.io/proxyCPU`,
 *   `proxyMemory`, `proxyCPULimit`, `proxyMemoryLimit`), hardened securityContext (uid/gid 1337,
 *   non-root, read-only root filesystem, all capabilities dropped) and volume mounts;
 * - the pod volumes the proxy needs and `imagePullSecrets`.
 *
 * Every `traffic.sidecar.istio.io/*`, `status.sidecar.istio.io/port`, `readiness.status.sidecar.istio.io/*`
 * and `sidecar.istio.io/*` pod annotation that upstream honours in this template wins over the value.
 * The Prometheus merge annotations and the probe rewrite are applied by istiod's Go code after the
 * template runs, so they are deliberately absent here.
 */
export const SIDECAR_TEMPLATE: string = [
  `{{- define "istio-pack.proxy-resources" }}
{{- $a := .ObjectMeta.Annotations }}
{{- $reqCPU := isset $a "sidecar.istio.io/proxyCPU" }}
{{- $reqMem := isset $a "sidecar.istio.io/proxyMemory" }}
{{- $limCPU := isset $a "sidecar.istio.io/proxyCPULimit" }}
{{- $limMem := isset $a "sidecar.istio.io/proxyMemoryLimit" }}
{{- if or $reqCPU $reqMem $limCPU $limMem }}
{{- if or $reqCPU $reqMem }}
      requests:
{{- if $reqCPU }}
        cpu: {{ index $a "sidecar.istio.io/proxyCPU" | quote }}
{{- end }}
{{- if $reqMem }}
        memory: {{ index $a "sidecar.istio.io/proxyMemory" | quote }}
{{- end }}
{{- end }}
{{- if or $limCPU $limMem }}
      limits:
{{- if $limCPU }}
        cpu: {{ index $a "sidecar.istio.io/proxyCPULimit" | quote }}
{{- end }}
{{- if $limMem }}
        memory: {{ index $a "sidecar.istio.io/proxyMemoryLimit" | quote }}
{{- end }}
{{- end }}
{{- else }}
{{- $r := .Values.sidecarInjection.proxy.resources }}
{{- if or $r.requests.cpu $r.requests.memory $r.limits.cpu $r.limits.memory }}
`,
  proxyResourcesFromValues(OVERLAY_CONTAINER), // requests/limits cpu and memory from $r
  `{{- else }} {}
{{- end }}
{{- end }}
{{- end }}
{{- $ann := .ObjectMeta.Annotations }}
{{- $proxy := .Values.sidecarInjection.proxy }}
{{- $capture := .Values.trafficCapture }}
{{- $cni := .Values.cni.enabled }}
{{- $mode := annotation .ObjectMeta "sidecar.istio.io/interceptionMode" .ProxyConfig.InterceptionMode }}
{{- $tproxy := eq $mode "TPROXY" }}
{{- $bindSvc := eq (annotation .ObjectMeta "sidecar.istio.io/capNetBindService" "false") "true" }}
{{- $native := ne (index $ann "sidecar.istio.io/nativeSidecar" | default (printf "%t" .NativeSidecars)) "false" }}
{{- $statusPort := annotation .ObjectMeta "status.sidecar.istio.io/port" $proxy.statusPort }}
`,
  AGENT_LOG_LEVEL_VAR, // $agentLog
  `{{- $includeIPs := annotation .ObjectMeta "traffic.sidecar.istio.io/includeOutboundIPRanges" (join "," $capture.includeIPRanges) }}
{{- $excludeIPs := annotation .ObjectMeta "traffic.sidecar.istio.io/excludeOutboundIPRanges" (join "," $capture.excludeIPRanges) }}
{{- $includeIn := annotation .ObjectMeta "traffic.sidecar.istio.io/includeInboundPorts" (join "," $capture.includeInboundPorts) }}
{{- $excludeIn := excludeInboundPort $statusPort (annotation .ObjectMeta "traffic.sidecar.istio.io/excludeInboundPorts" (join "," $capture.excludeInboundPorts)) }}
{{- $hasIncludeOut := or (isset $ann "traffic.sidecar.istio.io/includeOutboundPorts") (gt (len $capture.includeOutboundPorts) 0) }}
{{- $includeOut := annotation .ObjectMeta "traffic.sidecar.istio.io/includeOutboundPorts" (join "," $capture.includeOutboundPorts) }}
{{- $hasExcludeOut := or (isset $ann "traffic.sidecar.istio.io/excludeOutboundPorts") (gt (len $capture.excludeOutboundPorts) 0) }}
{{- $excludeOut := annotation .ObjectMeta "traffic.sidecar.istio.io/excludeOutboundPorts" (join "," $capture.excludeOutboundPorts) }}
`,
  TRUST_DOMAIN_VAR, // $trustDomain
  POD_CONTAINER_VARS, // $appContainers, $podPorts
  `metadata:
  labels:
    security.istio.io/tlsMode: {{ index .ObjectMeta.Labels "security.istio.io/tlsMode" | default "istio" | quote }}
{{- if eq (index .ProxyConfig.ProxyMetadata "ISTIO_META_ENABLE_HBONE") "true" }}
    networking.istio.io/tunnel: {{ index .ObjectMeta.Labels "networking.istio.io/tunnel" | default "http" | quote }}
{{- end }}
    service.istio.io/canonical-name: {{ index .ObjectMeta.Labels "service.istio.io/canonical-name" | default (index .ObjectMeta.Labels "app.kubernetes.io/name") | default (index .ObjectMeta.Labels "app") | default .DeploymentMeta.Name | trunc 63 | trimSuffix "-" | quote }}
    service.istio.io/canonical-revision: {{ index .ObjectMeta.Labels "service.istio.io/canonical-revision" | default (index .ObjectMeta.Labels "app.kubernetes.io/version") | default (index .ObjectMeta.Labels "version") | default "latest" | quote }}
  annotations:
`,
  REVISION_AND_DEFAULT_CONTAINER_ANNOTATIONS, // istio.io/rev, kubectl.kubernetes.io/default-logs-container and default-container
  `{{- if $cni }}
    sidecar.istio.io/interceptionMode: {{ quote $mode }}
{{- with $includeIPs }}
    traffic.sidecar.istio.io/includeOutboundIPRanges: {{ quote . }}
{{- end }}
{{- with $excludeIPs }}
    traffic.sidecar.istio.io/excludeOutboundIPRanges: {{ quote . }}
{{- end }}
    traffic.sidecar.istio.io/includeInboundPorts: {{ quote $includeIn }}
    traffic.sidecar.istio.io/excludeInboundPorts: {{ quote $excludeIn }}
{{- if $hasIncludeOut }}
    traffic.sidecar.istio.io/includeOutboundPorts: {{ quote $includeOut }}
{{- end }}
{{- if $hasExcludeOut }}
    traffic.sidecar.istio.io/excludeOutboundPorts: {{ quote $excludeOut }}
{{- end }}
{{- end }}
spec:
{{- $hold := and (or .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue $proxy.holdApplicationUntilProxyStarts) (not $native) }}
{{- if and (eq $mode "NONE") (not $native) }}
  initContainers: []
{{- else }}
  initContainers:
{{- if ne $mode "NONE" }}
  - name: {{ if $cni }}istio-validation{{ else }}istio-init{{ end }}
`,
  CUSTOM_IMAGE_VAR, // $customImage
  proxyImageField(OVERLAY_CONTAINER), // image: $customImage or .ProxyImage
  `    args:
    - istio-iptables
    - "-p"
    - {{ .MeshConfig.ProxyListenPort | default 15001 | quote }}
    - "-z"
    - {{ .MeshConfig.ProxyInboundListenPort | default 15006 | quote }}
    - "-u"
    - {{ if $tproxy }}"1337"{{ else }}{{ .ProxyUID | default 1337 | quote }}{{ end }}
    - "-m"
    - {{ quote $mode }}
    - "-i"
    - {{ quote $includeIPs }}
    - "-x"
    - {{ quote $excludeIPs }}
    - "-b"
    - {{ quote $includeIn }}
    - "-d"
    - {{ if $excludeIn }}{{ printf "15090,15021,%s" $excludeIn | quote }}{{ else }}"15090,15021"{{ end }}
{{- if $hasIncludeOut }}
    - "-q"
    - {{ quote $includeOut }}
{{- end }}
{{- if $hasExcludeOut }}
    - "-o"
    - {{ quote $excludeOut }}
{{- end }}
{{- if isset $ann "istio.io/reroute-virtual-interfaces" }}
    - "-k"
    - {{ index $ann "istio.io/reroute-virtual-interfaces" | quote }}
{{- else if isset $ann "traffic.sidecar.istio.io/kubevirtInterfaces" }}
    - "-k"
    - {{ index $ann "traffic.sidecar.istio.io/kubevirtInterfaces" | quote }}
{{- end }}
{{- if isset $ann "traffic.sidecar.istio.io/excludeInterfaces" }}
    - "-c"
    - {{ index $ann "traffic.sidecar.istio.io/excludeInterfaces" | quote }}
{{- end }}
    - {{ printf "--log_output_level=%s" $agentLog | quote }}
{{- if .Values.global.logAsJson }}
    - "--log_as_json"
{{- end }}
{{- if $cni }}
    - "--run-validation"
    - "--skip-rule-apply"
{{- end }}
`,
  imagePullPolicyField(OVERLAY_CONTAINER), // imagePullPolicy
  `{{- if .ProxyConfig.ProxyMetadata }}
    env:
`,
  proxyMetadataEnv(OVERLAY_CONTAINER), // env: one entry per .ProxyConfig.ProxyMetadata key
  `{{- end }}
    resources:{{ template "istio-pack.proxy-resources" . }}
    securityContext:
      allowPrivilegeEscalation: false
      privileged: false
      capabilities:
{{- if not $cni }}
        add:
        - NET_ADMIN
        - NET_RAW
{{- end }}
        drop:
        - ALL
{{- if $cni }}
      readOnlyRootFilesystem: true
      runAsNonRoot: true
      runAsUser: {{ if $tproxy }}1337{{ else }}{{ .ProxyUID | default 1337 }}{{ end }}
      runAsGroup: {{ if $tproxy }}1337{{ else }}{{ .ProxyGID | default 1337 }}{{ end }}
{{- else }}
      readOnlyRootFilesystem: false
      runAsNonRoot: false
      runAsUser: 0
      runAsGroup: 0
{{- end }}
{{- end }}
{{- end }}
{{- if not $native }}
  containers:
{{- end }}
  - name: istio-proxy
`,
  CUSTOM_IMAGE_VAR, // $customImage
  proxyImageField(OVERLAY_CONTAINER), // image: $customImage or .ProxyImage
  `{{- if $native }}
    restartPolicy: Always
{{- end }}
    ports:
    - name: http-envoy-prom
      containerPort: 15090
      protocol: TCP
`,
  proxyCommandArgs(OVERLAY_CONTAINER, 'sidecar'), // args: proxy sidecar --domain $(POD_NAMESPACE).svc.cluster.local
  proxyLogArgs(OVERLAY_CONTAINER), // args --proxyLogLevel, --proxyComponentLogLevel, --log_output_level[, --log_as_json]
  `{{- if $hold }}
    lifecycle:
      postStart:
        exec:
          command:
          - pilot-agent
          - wait
{{- else if $native }}
    lifecycle:
      preStop:
        exec:
          command:
          - pilot-agent
          - request
          - {{ printf "--debug-port=%s" $statusPort | quote }}
          - POST
          - drain
{{- end }}
    env:
{{- if eq .InboundTrafficPolicyMode "localhost" }}
    - name: REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION
      value: "true"
{{- end }}
`,
  proxyPodEnv(OVERLAY_CONTAINER), // env PILOT_CERT_PROVIDER, CA_ADDR, POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT, HOST_IP, ISTIO_CPU_LIMIT, PROXY_CONFIG
  `    - name: ISTIO_META_POD_PORTS
      value: {{ structToJSON $podPorts | quote }}
    - name: ISTIO_META_APP_CONTAINERS
      value: {{ join "," $appContainers | quote }}
`,
  proxyGoEnv(OVERLAY_CONTAINER), // env GOMEMLIMIT, GOMAXPROCS
  COMPLIANCE_POLICY_ENV, // env COMPLIANCE_POLICY
  `    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault .Values.global.clusterId "Kubernetes" | quote }}
`,
  nodeNameEnv(OVERLAY_CONTAINER), // env ISTIO_META_NODE_NAME
  `    - name: ISTIO_META_INTERCEPTION_MODE
      value: {{ quote $mode }}
{{- with .Values.global.network }}
    - name: ISTIO_META_NETWORK
      value: {{ quote . }}
{{- end }}
{{- with index .ObjectMeta.Labels "service.istio.io/workload-name" | default .DeploymentMeta.Name }}
    - name: ISTIO_META_WORKLOAD_NAME
      value: {{ quote . }}
{{- end }}
`,
  POD_OWNER_ENV, // env ISTIO_META_OWNER
  CUSTOM_BOOTSTRAP_ENV, // env ISTIO_BOOTSTRAP_OVERRIDE
  meshIdentityEnv(OVERLAY_CONTAINER), // env ISTIO_META_MESH_ID, TRUST_DOMAIN
  `{{- with otelResourceAttributes .MeshConfig $ann .ObjectMeta.Labels .DeploymentMeta.Namespace .Spec.Containers }}
    - name: OTEL_RESOURCE_ATTRIBUTES
      value: {{ quote . }}
{{- end }}
`,
  proxyMetadataEnv(OVERLAY_CONTAINER), // env: one entry per .ProxyConfig.ProxyMetadata key
  imagePullPolicyField(OVERLAY_CONTAINER), // imagePullPolicy
  `{{- if ne $statusPort "0" }}
    startupProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      initialDelaySeconds: 0
      periodSeconds: 1
      timeoutSeconds: 3
      failureThreshold: 600
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      initialDelaySeconds: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/initialDelaySeconds" 0 }}
      periodSeconds: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/periodSeconds" 15 }}
      timeoutSeconds: 3
      failureThreshold: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/failureThreshold" 4 }}
{{- end }}
    securityContext:
{{- if eq (index .ProxyConfig.ProxyMetadata "IPTABLES_TRACE_LOGGING") "true" }}
      allowPrivilegeEscalation: true
      privileged: true
      capabilities:
        add:
        - NET_ADMIN
        drop:
        - ALL
      readOnlyRootFilesystem: true
      runAsNonRoot: false
      runAsUser: 0
      runAsGroup: {{ .ProxyGID | default 1337 }}
{{- else }}
      allowPrivilegeEscalation: false
      privileged: false
      capabilities:
{{- if or $tproxy $bindSvc }}
        add:
{{- if $tproxy }}
        - NET_ADMIN
{{- end }}
{{- if $bindSvc }}
        - NET_BIND_SERVICE
{{- end }}
{{- end }}
        drop:
        - ALL
      readOnlyRootFilesystem: true
{{- if or $tproxy $bindSvc }}
      runAsNonRoot: false
      runAsUser: 0
      runAsGroup: 1337
{{- else }}
      runAsNonRoot: true
      runAsUser: {{ .ProxyUID | default 1337 }}
      runAsGroup: {{ .ProxyGID | default 1337 }}
{{- end }}
{{- end }}
    resources:{{ template "istio-pack.proxy-resources" . }}
    volumeMounts:
`,
  workloadCredentialMounts(OVERLAY_CONTAINER), // mounts workload-socket, credential-socket, workload-certs
  `    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    - name: istio-ca-crl
      mountPath: /var/run/secrets/istio/crl
    - name: istio-data
      mountPath: /var/lib/istio/data
`,
  CUSTOM_BOOTSTRAP_MOUNT, // mount custom-bootstrap-volume, when annotated
  proxyRuntimeMounts(OVERLAY_CONTAINER), // mounts istio-envoy, istio-token, istio-podinfo
  `{{- if isset $ann "sidecar.istio.io/userVolumeMount" }}
{{- range $name, $mount := fromJSON (index $ann "sidecar.istio.io/userVolumeMount") }}
    - name: {{ quote $name }}
      {{- toYaml $mount | trim | nindent 6 }}
{{- end }}
{{- end }}
  volumes:
`,
  workloadCredentialVolumes(OVERLAY_POD), // volumes workload-socket, credential-socket, workload-certs
  CUSTOM_BOOTSTRAP_VOLUME, // volume custom-bootstrap-volume, when annotated
  proxyVolumes(OVERLAY_POD), // volumes istio-envoy, istio-data, istio-podinfo, istio-token, istiod-ca-cert
  `  - name: istio-ca-crl
    configMap:
      name: istio-ca-crl
      optional: true
{{- if isset $ann "sidecar.istio.io/userVolume" }}
{{- range $name, $volume := fromJSON (index $ann "sidecar.istio.io/userVolume") }}
  - name: {{ quote $name }}
    {{- toYaml $volume | trim | nindent 4 }}
{{- end }}
{{- end }}
`,
  imagePullSecretsField(OVERLAY_POD), // imagePullSecrets
].join('');

/**
 * Injection template named `gateway`, selected by pods annotated `inject.istio.io/templates: gateway`
 * whose `istio-proxy` container uses the image `auto` (gateway Deployments).
 *
 * Renders the router-mode `istio-proxy` container (`proxy router`), with no traffic-capture init
 * container, a pod securityContext allowing unprivileged binding of low ports
 * (`net.ipv4.ip_unprivileged_port_start=0`), the proxy environment, Prometheus port 15090, a
 * readiness probe on 15021, and the same credential, token and CA volumes as the sidecar. Resources
 * are left to the gateway Deployment, as upstream does.
 */
export const GATEWAY_TEMPLATE: string = [
  `{{- $ann := .ObjectMeta.Annotations }}
{{- $proxy := .Values.sidecarInjection.proxy }}
`,
  AGENT_LOG_LEVEL_VAR, // $agentLog
  TRUST_DOMAIN_VAR, // $trustDomain
  POD_CONTAINER_VARS, // $appContainers, $podPorts
  `metadata:
  labels:
    service.istio.io/canonical-name: {{ index .ObjectMeta.Labels "service.istio.io/canonical-name" | default (index .ObjectMeta.Labels "app.kubernetes.io/name") | default (index .ObjectMeta.Labels "app") | default .DeploymentMeta.Name | quote }}
    service.istio.io/canonical-revision: {{ index .ObjectMeta.Labels "service.istio.io/canonical-revision" | default (index .ObjectMeta.Labels "app.kubernetes.io/version") | default (index .ObjectMeta.Labels "version") | default "latest" | quote }}
  annotations:
`,
  REVISION_AND_DEFAULT_CONTAINER_ANNOTATIONS, // istio.io/rev, kubectl.kubernetes.io/default-logs-container and default-container
  `spec:
  securityContext:
    sysctls:
    - name: net.ipv4.ip_unprivileged_port_start
      value: "0"
  containers:
  - name: istio-proxy
`,
  CUSTOM_IMAGE_VAR, // $customImage
  proxyImageField(OVERLAY_CONTAINER), // image: $customImage or .ProxyImage
  `    ports:
    - name: http-envoy-prom
      containerPort: 15090
      protocol: TCP
`,
  proxyCommandArgs(OVERLAY_CONTAINER, 'router'), // args: proxy router --domain $(POD_NAMESPACE).svc.cluster.local
  proxyLogArgs(OVERLAY_CONTAINER), // args --proxyLogLevel, --proxyComponentLogLevel, --log_output_level[, --log_as_json]
  `    securityContext:
      runAsUser: {{ .ProxyUID | default 1337 }}
      runAsGroup: {{ .ProxyGID | default 1337 }}
    env:
`,
  proxyPodEnv(OVERLAY_CONTAINER), // env PILOT_CERT_PROVIDER, CA_ADDR, POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT, HOST_IP, ISTIO_CPU_LIMIT, PROXY_CONFIG
  `    - name: ISTIO_META_POD_PORTS
      value: {{ structToJSON $podPorts | quote }}
`,
  proxyGoEnv(OVERLAY_CONTAINER), // env GOMEMLIMIT, GOMAXPROCS
  COMPLIANCE_POLICY_ENV, // env COMPLIANCE_POLICY
  `    - name: ISTIO_META_APP_CONTAINERS
      value: {{ join "," $appContainers | quote }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault .Values.global.clusterId "Kubernetes" | quote }}
`,
  nodeNameEnv(OVERLAY_CONTAINER), // env ISTIO_META_NODE_NAME
  `    - name: ISTIO_META_INTERCEPTION_MODE
      value: {{ .ProxyConfig.InterceptionMode.String | quote }}
{{- with .Values.global.network }}
    - name: ISTIO_META_NETWORK
      value: {{ quote . }}
{{- end }}
{{- with .DeploymentMeta.Name }}
    - name: ISTIO_META_WORKLOAD_NAME
      value: {{ quote . }}
{{- end }}
`,
  POD_OWNER_ENV, // env ISTIO_META_OWNER
  CUSTOM_BOOTSTRAP_ENV, // env ISTIO_BOOTSTRAP_OVERRIDE
  meshIdentityEnv(OVERLAY_CONTAINER), // env ISTIO_META_MESH_ID, TRUST_DOMAIN
  proxyMetadataEnv(OVERLAY_CONTAINER), // env: one entry per .ProxyConfig.ProxyMetadata key
  imagePullPolicyField(OVERLAY_CONTAINER), // imagePullPolicy
  `    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      initialDelaySeconds: 0
      periodSeconds: 15
      timeoutSeconds: 3
      failureThreshold: 4
    volumeMounts:
`,
  workloadCredentialMounts(OVERLAY_CONTAINER), // mounts workload-socket, credential-socket, workload-certs
  `    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    - name: istio-data
      mountPath: /var/lib/istio/data
`,
  CUSTOM_BOOTSTRAP_MOUNT, // mount custom-bootstrap-volume, when annotated
  proxyRuntimeMounts(OVERLAY_CONTAINER), // mounts istio-envoy, istio-token, istio-podinfo
  `  volumes:
`,
  workloadCredentialVolumes(OVERLAY_POD), // volumes workload-socket, credential-socket, workload-certs
  CUSTOM_BOOTSTRAP_VOLUME, // volume custom-bootstrap-volume, when annotated
  proxyVolumes(OVERLAY_POD), // volumes istio-envoy, istio-data, istio-podinfo, istio-token, istiod-ca-cert
  imagePullSecretsField(OVERLAY_POD), // imagePullSecrets
].join('');

// ---------------------------------------------------------------------------------------------
// Templates of istiod's Gateway API deployment controller.
//
// istiod renders these itself (pilot/pkg/config/kube/gatewaycommon, deploymentcontroller.go) for
// every Gateway of a class it manages, with the same parsed templates and function map as the
// injection webhook but with different data (istiod's `derivedInput`): the Gateway itself
// embedded (`.Name`, `.Namespace`, `.UID`, `.ObjectMeta`, `.Spec`), `.GatewayClass`,
// `.DeploymentName`, `.ServiceAccount`, `.Ports` (Service ports: the status port 15021, then one
// per distinct listener port, appProtocol = lower-cased listener protocol), `.ServiceType`,
// `.ClusterID`, `.KubeVersion` (e.g. 130), `.Revision`, `.ProxyUID`/`.ProxyGID`,
// `.InfrastructureLabels`/`.InfrastructureAnnotations` (spec.infrastructure, else the Gateway's
// own labels/annotations), `.GatewayNameLabel`, `.ControllerLabel`, `.ProxyImage`,
// `.ProxyConfig`, `.MeshConfig` and `.Values` (the `values` key, i.e. the istio-pack model).
//
// The output is a multi-document YAML stream. istiod splits it on `---`, server-side applies the
// ServiceAccount, Deployment and Service (each must live in the Gateway's namespace and be named
// `.DeploymentName`/`.ServiceAccount`), and drops the HorizontalPodAutoscaler and
// PodDisruptionBudget unless a GatewayClass-defaults or parametersRef ConfigMap overlays them.
// ---------------------------------------------------------------------------------------------

/**
 * Annotations of the Gateway that istiod's own templates never copy onto the generated objects:
 * kubectl's last-applied state, the name/service-account overrides and istiod's ownership marker.
 */
const GATEWAY_PREAMBLE_SKIPPED_ANNOTATIONS: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'gateway.istio.io/name-override',
  'gateway.istio.io/service-account',
  'gateway.istio.io/controller-version',
];

/**
 * Variables and helper shared by the deployment-controller templates.
 * `managedLabelExpr` is the template expression giving the `gateway.istio.io/managed` label value.
 */
function gatewayPreamble(managedLabelExpr: string): string {
  const skipped = GATEWAY_PREAMBLE_SKIPPED_ANNOTATIONS.map((a) => `"${a}"`).join(' ');
  return [
    `{{- define "istio-pack.gateway-owner" }}
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    name: {{ quote .Name }}
    uid: {{ quote .UID }}
{{- end }}
{{- $infraAnnotations := omit .InfrastructureAnnotations ${skipped} }}
{{- $objectLabels := mergeMaps .InfrastructureLabels (strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass) }}
{{- $managedLabels := mergeMaps $objectLabels (strdict "gateway.istio.io/managed" ${managedLabelExpr}) }}
{{- $podAnnotations := mergeMaps $infraAnnotations (strdict "istio.io/rev" (.Revision | default "default") "prometheus.io/path" "/stats/prometheus" "prometheus.io/port" "15020" "prometheus.io/scrape" "true") }}
{{- $proxy := .Values.sidecarInjection.proxy }}
`,
    AGENT_LOG_LEVEL_VAR, // $agentLog
    TRUST_DOMAIN_VAR, // $trustDomain
    `{{- $network := valueOrDefault (index .InfrastructureLabels "topology.istio.io/network") .Values.global.network }}
`,
    CUSTOM_IMAGE_VAR, // $customImage
  ].join('');
}

/** The ServiceAccount document (owned by the Gateway on Kubernetes 1.28+, as upstream). */
const GATEWAY_SERVICE_ACCOUNT_DOCUMENT = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ quote .ServiceAccount }}
  namespace: {{ quote .Namespace }}
  annotations: {{ toJsonMap $infraAnnotations }}
  labels: {{ toJsonMap $objectLabels }}
{{- if ge .KubeVersion 128 }}
{{- template "istio-pack.gateway-owner" . }}
{{- end }}
`;

/**
 * The `metadata` of a generated object named `.DeploymentName`, in the Gateway's namespace and owned
 * by it. `annotationsExpr` and `labelsExpr` are the template expressions of its annotation and label
 * maps.
 */
function gatewayOwnedMetadata(annotationsExpr: string, labelsExpr: string): string {
  return `metadata:
  name: {{ quote .DeploymentName }}
  namespace: {{ quote .Namespace }}
  annotations: {{ toJsonMap ${annotationsExpr} }}
  labels: {{ toJsonMap ${labelsExpr} }}
{{- template "istio-pack.gateway-owner" . }}
`;
}

/** The start of a `spec` whose `selector` matches the Gateway's pods (`.GatewayNameLabel: .Name`). */
const GATEWAY_POD_SELECTOR_SPEC = `spec:
  selector:
    matchLabels:
      {{ quote .GatewayNameLabel }}: {{ quote .Name }}
`;

/** Metadata of the Deployment document, labelled as managed by `$managedLabels`. */
const GATEWAY_DEPLOYMENT_METADATA = [
  `---
apiVersion: apps/v1
kind: Deployment
`,
  gatewayOwnedMetadata('$infraAnnotations', '$managedLabels'), // metadata: name, namespace, annotations, labels, ownerReferences
  GATEWAY_POD_SELECTOR_SPEC, // spec.selector.matchLabels: the Gateway's name label
].join('');

/** The first lines of the `istio-proxy` container: name, image, pull policy and ports. */
const GATEWAY_PROXY_CONTAINER_HEAD = [
  `      - name: istio-proxy
`,
  proxyImageField(DEPLOYMENT_CONTAINER), // image: $customImage or .ProxyImage
  imagePullPolicyField(DEPLOYMENT_CONTAINER), // imagePullPolicy
  `        ports:
        - name: metrics
          containerPort: 15020
          protocol: TCP
        - name: status-port
          containerPort: 15021
          protocol: TCP
        - name: http-envoy-prom
          containerPort: 15090
          protocol: TCP
`,
].join('');

/** Env entries ISTIO_META_WORKLOAD_NAME and ISTIO_META_OWNER: the generated Deployment. */
const GATEWAY_PROXY_WORKLOAD_ENV = `        - name: ISTIO_META_WORKLOAD_NAME
          value: {{ quote .DeploymentName }}
        - name: ISTIO_META_OWNER
          value: {{ printf "kubernetes://apis/apps/v1/namespaces/%s/deployments/%s" .Namespace .DeploymentName | quote }}
`;

/** Startup and readiness probes on pilot-agent's readiness endpoint. */
const GATEWAY_PROXY_PROBES = `        startupProbe:
          httpGet:
            path: /healthz/ready
            port: 15021
            scheme: HTTP
          initialDelaySeconds: 1
          periodSeconds: 1
          timeoutSeconds: 1
          successThreshold: 1
          failureThreshold: 30
        readinessProbe:
          httpGet:
            path: /healthz/ready
            port: 15021
            scheme: HTTP
          initialDelaySeconds: 0
          periodSeconds: 15
          timeoutSeconds: 1
          successThreshold: 1
          failureThreshold: 4
`;

/** The hardened container securityContext of both proxies; `extra` adds lines at the end. */
function gatewayProxySecurityContext(extra: string): string {
  return `        securityContext:
          allowPrivilegeEscalation: false
          privileged: false
          capabilities:
            drop:
            - ALL
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          runAsUser: {{ .ProxyUID | default 1337 }}
          runAsGroup: {{ .ProxyGID | default 1337 }}
${extra}`;
}

/**
 * The Service, HorizontalPodAutoscaler and PodDisruptionBudget documents.
 * `annotationsExpr` is the template expression of the Service's annotation map.
 */
function gatewayServiceAndScalingDocuments(annotationsExpr: string): string {
  return [
    `---
apiVersion: v1
kind: Service
`,
    gatewayOwnedMetadata(annotationsExpr, '$objectLabels'), // metadata: name, namespace, annotations, labels, ownerReferences
    `spec:
  type: {{ quote .ServiceType }}
  ipFamilyPolicy: PreferDualStack
  selector:
    {{ quote .GatewayNameLabel }}: {{ quote .Name }}
  ports:
{{- range .Ports }}
  - name: {{ quote .Name }}
    port: {{ .Port }}
    protocol: TCP
{{- with .AppProtocol }}
    appProtocol: "{{ . }}"
{{- end }}
{{- end }}
{{- if and .Spec.Addresses (eq .ServiceType "LoadBalancer") }}
  loadBalancerIP: {{ (index .Spec.Addresses 0).Value | quote }}
{{- end }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
`,
    gatewayOwnedMetadata('$infraAnnotations', '$objectLabels'), // metadata: name, namespace, annotations, labels, ownerReferences
    `spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ quote .DeploymentName }}
  maxReplicas: 1
---
apiVersion: policy/v1
kind: PodDisruptionBudget
`,
    gatewayOwnedMetadata('$infraAnnotations', '$objectLabels'), // metadata: name, namespace, annotations, labels, ownerReferences
    GATEWAY_POD_SELECTOR_SPEC, // spec.selector.matchLabels: the Gateway's name label
  ].join('');
}

/**
 * Deployment-controller template named `kube-gateway`, used by istiod for Gateway API `Gateway`s of
 * its default class `istio` (controller `istio.io/gateway-controller`; the class and controller names
 * are istiod's defaults). Without it, istiod logs `no "kube-gateway" template defined` and deploys
 * nothing for such a Gateway.
 *
 * Renders, in the Gateway's namespace and owned by it:
 * - ServiceAccount `.ServiceAccount` (`<gateway>-istio` unless annotated
 *   `gateway.istio.io/service-account`);
 * - Deployment `.DeploymentName` (`<gateway>-istio` unless annotated `gateway.istio.io/name-override`)
 *   selecting `gateway.networking.k8s.io/gateway-name: <gateway>`; its pod runs one `istio-proxy`
 *   container in router mode (`proxy router`) with the proxy image, the injection values' proxy
 *   resources and log levels, ports 15020/15021/15090, startup and readiness probes on 15021 and
 *   the hardened securityContext (uid/gid `.ProxyUID`/`.ProxyGID`, 1337 by default, non-root,
 *   read-only root filesystem, all capabilities dropped); the pod may bind low ports
 *   (`net.ipv4.ip_unprivileged_port_start=0`) and uses the RuntimeDefault seccomp profile (upstream's
 *   opt-in `gateways.seccompProfile`, on here as part of the istio-pack baseline);
 * - Service `.DeploymentName` of type `.ServiceType` (LoadBalancer unless annotated
 *   `networking.istio.io/service-type`) with `.Ports`, and `loadBalancerIP` from the Gateway's first
 *   address when it is a LoadBalancer;
 * - a HorizontalPodAutoscaler and a PodDisruptionBudget, which istiod applies only when a ConfigMap
 *   overlays them, as upstream.
 *
 * The Gateway's infrastructure labels and annotations are copied onto every object; pod annotations
 * add `istio.io/rev` and the Prometheus scrape hints for port 15020.
 */
export const KUBE_GATEWAY_TEMPLATE: string = [
  gatewayPreamble('"istio.io-gateway-controller"'), // owner-reference helper and $infraAnnotations, $objectLabels, $managedLabels, $podAnnotations, $proxy, $agentLog, $trustDomain, $network, $customImage
  GATEWAY_SERVICE_ACCOUNT_DOCUMENT, // ServiceAccount
  GATEWAY_DEPLOYMENT_METADATA, // Deployment metadata and selector
  `  template:
    metadata:
      annotations: {{ toJsonMap $podAnnotations }}
      labels: {{ toJsonMap (mergeMaps (strdict "sidecar.istio.io/inject" "false" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") $managedLabels) }}
    spec:
      serviceAccountName: {{ quote .ServiceAccount }}
      securityContext:
        sysctls:
        - name: net.ipv4.ip_unprivileged_port_start
          value: "0"
        seccompProfile:
          type: RuntimeDefault
      containers:
`,
  GATEWAY_PROXY_CONTAINER_HEAD, // - name: istio-proxy, image, imagePullPolicy, ports 15020/15021/15090
  proxyCommandArgs(DEPLOYMENT_CONTAINER, 'router'), // args: proxy router --domain $(POD_NAMESPACE).svc.cluster.local
  proxyLogArgs(DEPLOYMENT_CONTAINER), // args --proxyLogLevel, --proxyComponentLogLevel, --log_output_level[, --log_as_json]
  `        env:
`,
  proxyPodEnv(DEPLOYMENT_CONTAINER), // env PILOT_CERT_PROVIDER, CA_ADDR, POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT, HOST_IP, ISTIO_CPU_LIMIT, PROXY_CONFIG
  `        - name: ISTIO_META_POD_PORTS
          value: "[]"
        - name: ISTIO_META_APP_CONTAINERS
          value: ""
`,
  proxyGoEnv(DEPLOYMENT_CONTAINER), // env GOMEMLIMIT, GOMAXPROCS
  `        - name: ISTIO_META_CLUSTER_ID
          value: {{ valueOrDefault .Values.global.clusterId .ClusterID | quote }}
`,
  nodeNameEnv(DEPLOYMENT_CONTAINER), // env ISTIO_META_NODE_NAME
  `        - name: ISTIO_META_INTERCEPTION_MODE
          value: {{ .ProxyConfig.InterceptionMode.String | quote }}
{{- with $network }}
        - name: ISTIO_META_NETWORK
          value: {{ quote . }}
{{- end }}
`,
  GATEWAY_PROXY_WORKLOAD_ENV, // env ISTIO_META_WORKLOAD_NAME, ISTIO_META_OWNER
  meshIdentityEnv(DEPLOYMENT_CONTAINER), // env ISTIO_META_MESH_ID, TRUST_DOMAIN
  proxyMetadataEnv(DEPLOYMENT_CONTAINER), // env: one entry per .ProxyConfig.ProxyMetadata key
  `{{- with index .InfrastructureLabels "topology.istio.io/network" }}
        - name: ISTIO_META_REQUESTED_NETWORK_VIEW
          value: {{ quote . }}
{{- end }}
{{- $r := $proxy.resources }}
{{- if or $r.requests.cpu $r.requests.memory $r.limits.cpu $r.limits.memory }}
        resources:
`,
  proxyResourcesFromValues(DEPLOYMENT_CONTAINER), // requests/limits cpu and memory from $r
  `{{- end }}
`,
  gatewayProxySecurityContext(''), // hardened securityContext
  GATEWAY_PROXY_PROBES, // startupProbe, readinessProbe on 15021
  `        volumeMounts:
`,
  workloadCredentialMounts(DEPLOYMENT_CONTAINER), // mounts workload-socket, credential-socket, workload-certs
  `        - name: istiod-ca-cert
          mountPath: /var/run/secrets/istio
        - name: istio-data
          mountPath: /var/lib/istio/data
`,
  proxyRuntimeMounts(DEPLOYMENT_CONTAINER), // mounts istio-envoy, istio-token, istio-podinfo
  `      volumes:
`,
  workloadCredentialVolumes(DEPLOYMENT_POD), // volumes workload-socket, credential-socket, workload-certs
  proxyVolumes(DEPLOYMENT_POD), // volumes istio-envoy, istio-data, istio-podinfo, istio-token, istiod-ca-cert
  imagePullSecretsField(DEPLOYMENT_POD), // imagePullSecrets
  gatewayServiceAndScalingDocuments('$infraAnnotations'), // Service, HorizontalPodAutoscaler, PodDisruptionBudget
].join('');

/**
 * Deployment-controller template named `waypoint`, used by istiod for ambient waypoints (class
 * `istio-waypoint`, controller `istio.io/mesh-controller`) and, with ambient multi-network, for
 * east-west gateways (class `istio-east-west`). istiod registers those classes only when it runs
 * with `PILOT_ENABLE_AMBIENT=true`; the template is carried regardless, as upstream does.
 *
 * Renders, named after the Gateway (no class suffix) and owned by it: a ServiceAccount; a Deployment
 * whose pod (labelled `istio.io/dataplane-mode: none`, so ztunnel does not capture the waypoint
 * itself) runs `istio-proxy` in waypoint mode (`proxy waypoint --serviceCluster
 * <service account>.<namespace>`) with upstream's default waypoint resources (requests 100m/128Mi,
 * limits 2 CPUs/1Gi; istio-pack does not model them), probes on 15021 and the hardened
 * securityContext with the RuntimeDefault seccomp profile; a ClusterIP Service (unless annotated
 * `networking.istio.io/service-type`) with `.Ports` (15021 and the HBONE listener, usually 15008)
 * and `networking.istio.io/traffic-distribution: PreferClose` unless the Gateway sets it; and the
 * overlay-only HorizontalPodAutoscaler and PodDisruptionBudget.
 *
 * `gateway.istio.io/managed` is `.ControllerLabel` (`istio.io-mesh-controller` for waypoints). The
 * proxy's network is the Gateway's `topology.istio.io/network` label (istiod defaults it to
 * `global.network` for waypoints), else `global.network`.
 */
export const WAYPOINT_TEMPLATE: string = [
  gatewayPreamble('.ControllerLabel'), // owner-reference helper and $infraAnnotations, $objectLabels, $managedLabels, $podAnnotations, $proxy, $agentLog, $trustDomain, $network, $customImage
  GATEWAY_SERVICE_ACCOUNT_DOCUMENT, // ServiceAccount
  GATEWAY_DEPLOYMENT_METADATA, // Deployment metadata and selector
  `  template:
    metadata:
      annotations: {{ toJsonMap $podAnnotations }}
      labels: {{ toJsonMap (mergeMaps (strdict "sidecar.istio.io/inject" "false" "istio.io/dataplane-mode" "none" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") $managedLabels) }}
    spec:
      serviceAccountName: {{ quote .ServiceAccount }}
      containers:
`,
  GATEWAY_PROXY_CONTAINER_HEAD, // - name: istio-proxy, image, imagePullPolicy, ports 15020/15021/15090
  proxyCommandArgs(DEPLOYMENT_CONTAINER, 'waypoint'), // args: proxy waypoint --domain $(POD_NAMESPACE).svc.cluster.local
  `        - --serviceCluster
        - {{ printf "%s.$(POD_NAMESPACE)" .ServiceAccount | quote }}
`,
  proxyLogArgs(DEPLOYMENT_CONTAINER), // args --proxyLogLevel, --proxyComponentLogLevel, --log_output_level[, --log_as_json]
  `        env:
        - name: ISTIO_META_SERVICE_ACCOUNT
          valueFrom:
            fieldRef:
              fieldPath: spec.serviceAccountName
`,
  nodeNameEnv(DEPLOYMENT_CONTAINER), // env ISTIO_META_NODE_NAME
  proxyPodEnv(DEPLOYMENT_CONTAINER), // env PILOT_CERT_PROVIDER, CA_ADDR, POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT, HOST_IP, ISTIO_CPU_LIMIT, PROXY_CONFIG
  proxyMetadataEnv(DEPLOYMENT_CONTAINER), // env: one entry per .ProxyConfig.ProxyMetadata key
  proxyGoEnv(DEPLOYMENT_CONTAINER), // env GOMEMLIMIT, GOMAXPROCS
  `        - name: ISTIO_META_CLUSTER_ID
          value: {{ valueOrDefault .Values.global.clusterId "Kubernetes" | quote }}
{{- with $network }}
        - name: ISTIO_META_NETWORK
          value: {{ quote . }}
{{- if eq $.ControllerLabel "istio.io-eastwest-controller" }}
        - name: ISTIO_META_REQUESTED_NETWORK_VIEW
          value: {{ quote . }}
{{- end }}
{{- end }}
        - name: ISTIO_META_INTERCEPTION_MODE
          value: REDIRECT
`,
  GATEWAY_PROXY_WORKLOAD_ENV, // env ISTIO_META_WORKLOAD_NAME, ISTIO_META_OWNER
  meshIdentityEnv(DEPLOYMENT_CONTAINER), // env ISTIO_META_MESH_ID, TRUST_DOMAIN
  `        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: "2"
            memory: 1Gi
`,
  gatewayProxySecurityContext(`          seccompProfile:
            type: RuntimeDefault
`), // hardened securityContext plus the RuntimeDefault seccomp profile
  GATEWAY_PROXY_PROBES, // startupProbe, readinessProbe on 15021
  `        volumeMounts:
        - name: workload-socket
          mountPath: /var/run/secrets/workload-spiffe-uds
        - name: istiod-ca-cert
          mountPath: /var/run/secrets/istio
        - name: istio-data
          mountPath: /var/lib/istio/data
`,
  proxyRuntimeMounts(DEPLOYMENT_CONTAINER), // mounts istio-envoy, istio-token, istio-podinfo
  `      volumes:
      - name: workload-socket
        emptyDir: {}
`,
  proxyVolumes(DEPLOYMENT_POD), // volumes istio-envoy, istio-data, istio-podinfo, istio-token, istiod-ca-cert
  imagePullSecretsField(DEPLOYMENT_POD), // imagePullSecrets
  gatewayServiceAndScalingDocuments('(mergeMaps (strdict "networking.istio.io/traffic-distribution" "PreferClose") $infraAnnotations)'), // Service (PreferClose unless set), HorizontalPodAutoscaler, PodDisruptionBudget
].join('');

/**
 * Builds the YAML text of the `config` key of ConfigMap `istio-sidecar-injector`.
 *
 * `policy` is `enabled` when `sidecarInjection.autoInjection` is true (pods are injected unless they
 * opt out), `disabled` otherwise (only pods labelled `sidecar.istio.io/inject: "true"` are).
 * The selectors and `injectedAnnotations` are empty, as in the upstream chart defaults; the
 * `templates` map carries the injection templates `sidecar` and `gateway` and the deployment-controller
 * templates `kube-gateway` (Gateway API class `istio`) and `waypoint` (ambient waypoints). The
 * `agentgateway` template is not carried: istiod 1.30 only registers its class with
 * `PILOT_ENABLE_AGENTGATEWAY=true`, which istio-pack does not set. The output is deterministic.
 */
export function buildInjectorConfig(b: Binder, v: InjectionValues): string {
  // Everything but the policy is fixed text: written once (templates as readable block scalars) and
  // completed with the policy, so that dist/ and the chart carry the same bytes.
  return INJECTOR_CONFIG_TEXT.replace(POLICY_PLACEHOLDER, b.choose(v.sidecarInjection.autoInjection, 'enabled', 'disabled'));
}

const POLICY_PLACEHOLDER = 'istio-pack-injection-policy';

const INJECTOR_CONFIG_TEXT = toKubernetesYaml({
  defaultTemplates: ['sidecar'],
  policy: POLICY_PLACEHOLDER,
  alwaysInjectSelector: [],
  neverInjectSelector: [],
  injectedAnnotations: {},
  templates: {
    'sidecar': SIDECAR_TEMPLATE,
    'gateway': GATEWAY_TEMPLATE,
    'kube-gateway': KUBE_GATEWAY_TEMPLATE,
    'waypoint': WAYPOINT_TEMPLATE,
  },
}, { sortKeys: true });

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
