/*
 * Injection template `sidecar`, istiod's default template.
 */
import {
  AGENT_LOG_LEVEL_VAR,
  CUSTOM_IMAGE_VAR,
  imagePullPolicyField,
  imagePullSecretsField,
  meshIdentityEnv,
  nodeNameEnv,
  OVERLAY_CONTAINER,
  OVERLAY_POD,
  proxyCommandArgs,
  proxyGoEnv,
  proxyImageField,
  proxyLogArgs,
  proxyMetadataEnv,
  proxyPodEnv,
  proxyRuntimeMounts,
  proxyVolumes,
  TRUST_DOMAIN_VAR,
  workloadCredentialMounts,
  workloadCredentialVolumes,
} from './injection-fragments';
import {
  COMPLIANCE_POLICY_ENV,
  CUSTOM_BOOTSTRAP_ENV,
  CUSTOM_BOOTSTRAP_MOUNT,
  CUSTOM_BOOTSTRAP_VOLUME,
  POD_CONTAINER_VARS,
  POD_OWNER_ENV,
  PROXY_RESOURCES_DEFINE,
  REVISION_AND_DEFAULT_CONTAINER_ANNOTATIONS,
} from './pod-overlay-fragments';

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
  PROXY_RESOURCES_DEFINE, // define istio-pack.proxy-resources: the proxy's resources from annotations, else from the values
  `{{- $ann := .ObjectMeta.Annotations }}
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
{{- if eq .Values.cni.provider "multus" }}
    k8s.v1.cni.cncf.io/networks: {{ appendMultusNetwork (index .ObjectMeta.Annotations "k8s.v1.cni.cncf.io/networks") "default/istio-cni" | quote }}
{{- end }}
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
