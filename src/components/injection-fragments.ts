/*
 * Template fragments shared by the injection templates (sidecar, gateway, grpc-agent) and the
 * deployment-controller templates (kube-gateway, waypoint).
 *
 * istiod parses every template on its own, so a Go `{{ define }}` cannot be shared between them:
 * the templates are composed in TypeScript from the text fragments below, joined in order; a
 * comment at each use names what the fragment renders. Each fragment is a run of whole template
 * lines ending with a newline. Where the same lines appear at different depths, the fragment is a
 * function of `indent`: the column, as spaces, of the container's fields (or, for pod volumes and
 * pull secrets, of the pod spec's fields), which is also where their list entries (`- name: ...`)
 * start. The columns in use are the four constants that follow.
 */

/** Column of pod-spec fields (`volumes`, `imagePullSecrets`) in the `sidecar` and `gateway` pod overlays. */
export const OVERLAY_POD = '  ';
/** Column of container fields (`image`, `env`, `volumeMounts`, ...) in those pod overlays. */
export const OVERLAY_CONTAINER = '    ';
/** Column of pod-spec fields in the Deployment pod template of `kube-gateway` and `waypoint`. */
export const DEPLOYMENT_POD = '      ';
/** Column of container fields in that Deployment pod template. */
export const DEPLOYMENT_CONTAINER = '        ';

/** Template variable `$agentLog`: pilot-agent's log levels (`sidecar.istio.io/agentLogLevel`, else `default:info`). */
export const AGENT_LOG_LEVEL_VAR = `{{- $agentLog := annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" "default:info" }}
`;

/** Template variable `$trustDomain`: the mesh config's trust domain, else the values' `mesh.trustDomain`. */
export const TRUST_DOMAIN_VAR = `{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain .Values.mesh.trustDomain }}
`;

/** Template variable `$customImage`: the image named by the `sidecar.istio.io/proxyImage` annotation, or ''. */
export const CUSTOM_IMAGE_VAR = `{{- $customImage := annotation .ObjectMeta "sidecar.istio.io/proxyImage" "" }}
`;

/** The proxy container's `image`: `$customImage` when it is a full reference (contains `/`), else `.ProxyImage`. */
export function proxyImageField(indent: string): string {
  return `${indent}image: {{ if contains "/" $customImage }}{{ quote $customImage }}{{ else }}{{ quote .ProxyImage }}{{ end }}
`;
}

/** A container's `imagePullPolicy`, from `global.imagePullPolicy` when it is set. */
export function imagePullPolicyField(indent: string): string {
  return `{{- with .Values.global.imagePullPolicy }}
${indent}imagePullPolicy: {{ quote . }}
{{- end }}
`;
}

/** The proxy container's `args:` key and pilot-agent command: `proxy <role> --domain $(POD_NAMESPACE).svc.cluster.local`. */
export function proxyCommandArgs(indent: string, role: 'sidecar' | 'router' | 'waypoint'): string {
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
 * `--log_as_json` with `global.logAsJson`. `form` follows upstream's templates: `joined`
 * (`--flag=value`, the pod-overlay templates) or `separate` (`--flag`, `value`: kube-gateway, waypoint).
 */
export function proxyLogArgs(indent: string, form: 'joined' | 'separate' = 'joined'): string {
  const levels = form === 'joined'
    ? `${indent}- {{ printf "--proxyLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel) | quote }}
${indent}- {{ printf "--proxyComponentLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel) | quote }}
${indent}- {{ printf "--log_output_level=%s" $agentLog | quote }}
`
    : `${indent}- --proxyLogLevel
${indent}- {{ annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel | quote }}
${indent}- --proxyComponentLogLevel
${indent}- {{ annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel | quote }}
${indent}- --log_output_level
${indent}- {{ quote $agentLog }}
`;
  return `${levels}{{- if .Values.global.logAsJson }}
${indent}- --log_as_json
{{- end }}
`;
}

/**
 * Env entries PILOT_CERT_PROVIDER and CA_ADDR (istiod of this revision, port 15012) and the
 * downward-API entries POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT and HOST_IP.
 */
export function proxyIdentityEnv(indent: string): string {
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
`;
}

/** Env entry PROXY_CONFIG: the pod's effective ProxyConfig as JSON, read by pilot-agent. */
export function proxyConfigEnv(indent: string): string {
  return `${indent}- name: PROXY_CONFIG
${indent}  value: {{ protoToJSON .ProxyConfig | quote }}
`;
}

/**
 * Env entries PILOT_CERT_PROVIDER and CA_ADDR (istiod of this revision, port 15012), the downward-API
 * entries POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT, HOST_IP and ISTIO_CPU_LIMIT, and
 * PROXY_CONFIG.
 */
export function proxyPodEnv(indent: string): string {
  return [
    proxyIdentityEnv(indent),
    `${indent}- name: ISTIO_CPU_LIMIT
${indent}  valueFrom:
${indent}    resourceFieldRef:
${indent}      resource: limits.cpu
${indent}      divisor: "1"
`,
    proxyConfigEnv(indent),
  ].join('');
}

/** Env entries GOMEMLIMIT and GOMAXPROCS: Go runtime limits taken from the container's own resource limits. */
export function proxyGoEnv(indent: string): string {
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
export function nodeNameEnv(indent: string): string {
  return `${indent}- name: ISTIO_META_NODE_NAME
${indent}  valueFrom:
${indent}    fieldRef:
${indent}      fieldPath: spec.nodeName
`;
}

/** Env entries ISTIO_META_MESH_ID (`global.meshId`, else `$trustDomain`) and TRUST_DOMAIN, each when non-empty. */
export function meshIdentityEnv(indent: string): string {
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
export function proxyMetadataEnv(indent: string): string {
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
export function proxyResourcesFromValues(indent: string): string {
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
export function workloadCredentialMounts(indent: string): string {
  return `${indent}- name: workload-socket
${indent}  mountPath: /var/run/secrets/workload-spiffe-uds
${indent}- name: credential-socket
${indent}  mountPath: /var/run/secrets/credential-uds
${indent}- name: workload-certs
${indent}  mountPath: /var/run/secrets/workload-spiffe-credentials
`;
}

/** Volume mounts `istio-envoy` (/etc/istio/proxy), `istio-token` (/var/run/secrets/tokens) and `istio-podinfo` (/etc/istio/pod). */
export function proxyRuntimeMounts(indent: string): string {
  return `${indent}- name: istio-envoy
${indent}  mountPath: /etc/istio/proxy
${indent}- name: istio-token
${indent}  mountPath: /var/run/secrets/tokens
${indent}- name: istio-podinfo
${indent}  mountPath: /etc/istio/pod
`;
}

/** Pod volumes `workload-socket`, `credential-socket` and `workload-certs`, all emptyDir. */
export function workloadCredentialVolumes(indent: string): string {
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
export function proxyVolumes(indent: string): string {
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
export function imagePullSecretsField(indent: string): string {
  return `{{- with .Values.global.imagePullSecrets }}
${indent}imagePullSecrets:
{{- range . }}
${indent}- name: {{ quote . }}
{{- end }}
{{- end }}
`;
}
