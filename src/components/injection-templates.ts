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
 * `gateway` templates for the settings istio-pack models; upstream knobs that istio-pack does not
 * model are rendered with the upstream chart defaults.
 *
 * The template text is data for istiod: nothing here is evaluated by TypeScript.
 */
import * as yaml from 'js-yaml';

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
export const SIDECAR_TEMPLATE: string = `{{- define "istio-pack.proxy-resources" }}
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
{{- if or $r.requests.cpu $r.requests.memory }}
      requests:
{{- with $r.requests.cpu }}
        cpu: {{ quote . }}
{{- end }}
{{- with $r.requests.memory }}
        memory: {{ quote . }}
{{- end }}
{{- end }}
{{- if or $r.limits.cpu $r.limits.memory }}
      limits:
{{- with $r.limits.cpu }}
        cpu: {{ quote . }}
{{- end }}
{{- with $r.limits.memory }}
        memory: {{ quote . }}
{{- end }}
{{- end }}
{{- else }} {}
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
{{- $agentLog := annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" "default:info" }}
{{- $includeIPs := annotation .ObjectMeta "traffic.sidecar.istio.io/includeOutboundIPRanges" (join "," $capture.includeIPRanges) }}
{{- $excludeIPs := annotation .ObjectMeta "traffic.sidecar.istio.io/excludeOutboundIPRanges" (join "," $capture.excludeIPRanges) }}
{{- $includeIn := annotation .ObjectMeta "traffic.sidecar.istio.io/includeInboundPorts" (join "," $capture.includeInboundPorts) }}
{{- $excludeIn := excludeInboundPort $statusPort (annotation .ObjectMeta "traffic.sidecar.istio.io/excludeInboundPorts" (join "," $capture.excludeInboundPorts)) }}
{{- $hasIncludeOut := or (isset $ann "traffic.sidecar.istio.io/includeOutboundPorts") (gt (len $capture.includeOutboundPorts) 0) }}
{{- $includeOut := annotation .ObjectMeta "traffic.sidecar.istio.io/includeOutboundPorts" (join "," $capture.includeOutboundPorts) }}
{{- $hasExcludeOut := or (isset $ann "traffic.sidecar.istio.io/excludeOutboundPorts") (gt (len $capture.excludeOutboundPorts) 0) }}
{{- $excludeOut := annotation .ObjectMeta "traffic.sidecar.istio.io/excludeOutboundPorts" (join "," $capture.excludeOutboundPorts) }}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain .Values.mesh.trustDomain }}
{{- $appContainers := list }}
{{- range .Spec.Containers }}{{ if ne .Name "istio-proxy" }}{{ $appContainers = append $appContainers .Name }}{{ end }}{{ end }}
{{- $podPorts := list }}
{{- range .Spec.Containers }}{{ range .Ports }}{{ $podPorts = append $podPorts . }}{{ end }}{{ end }}
metadata:
  labels:
    security.istio.io/tlsMode: {{ index .ObjectMeta.Labels "security.istio.io/tlsMode" | default "istio" | quote }}
{{- if eq (index .ProxyConfig.ProxyMetadata "ISTIO_META_ENABLE_HBONE") "true" }}
    networking.istio.io/tunnel: {{ index .ObjectMeta.Labels "networking.istio.io/tunnel" | default "http" | quote }}
{{- end }}
    service.istio.io/canonical-name: {{ index .ObjectMeta.Labels "service.istio.io/canonical-name" | default (index .ObjectMeta.Labels "app.kubernetes.io/name") | default (index .ObjectMeta.Labels "app") | default .DeploymentMeta.Name | trunc 63 | trimSuffix "-" | quote }}
    service.istio.io/canonical-revision: {{ index .ObjectMeta.Labels "service.istio.io/canonical-revision" | default (index .ObjectMeta.Labels "app.kubernetes.io/version") | default (index .ObjectMeta.Labels "version") | default "latest" | quote }}
  annotations:
    istio.io/rev: {{ .Revision | default "default" | quote }}
{{- if $appContainers }}
{{- if not (isset $ann "kubectl.kubernetes.io/default-logs-container") }}
    kubectl.kubernetes.io/default-logs-container: {{ first $appContainers | quote }}
{{- end }}
{{- if not (isset $ann "kubectl.kubernetes.io/default-container") }}
    kubectl.kubernetes.io/default-container: {{ first $appContainers | quote }}
{{- end }}
{{- end }}
{{- if $cni }}
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
{{- $customImage := annotation .ObjectMeta "sidecar.istio.io/proxyImage" "" }}
    image: {{ if contains "/" $customImage }}{{ quote $customImage }}{{ else }}{{ quote .ProxyImage }}{{ end }}
    args:
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
{{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ quote . }}
{{- end }}
{{- if .ProxyConfig.ProxyMetadata }}
    env:
{{- range $key, $value := .ProxyConfig.ProxyMetadata }}
    - name: {{ quote $key }}
      value: {{ quote $value }}
{{- end }}
{{- end }}
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
{{- $customImage := annotation .ObjectMeta "sidecar.istio.io/proxyImage" "" }}
    image: {{ if contains "/" $customImage }}{{ quote $customImage }}{{ else }}{{ quote .ProxyImage }}{{ end }}
{{- if $native }}
    restartPolicy: Always
{{- end }}
    ports:
    - name: http-envoy-prom
      containerPort: 15090
      protocol: TCP
    args:
    - proxy
    - sidecar
    - --domain
    - $(POD_NAMESPACE).svc.cluster.local
    - {{ printf "--proxyLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel) | quote }}
    - {{ printf "--proxyComponentLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel) | quote }}
    - {{ printf "--log_output_level=%s" $agentLog | quote }}
{{- if .Values.global.logAsJson }}
    - --log_as_json
{{- end }}
{{- if $hold }}
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
    - name: PILOT_CERT_PROVIDER
      value: istiod
    - name: CA_ADDR
      value: {{ printf "istiod%s.%s.svc:15012" (ternary (printf "-%s" .Values.global.revision) "" (ne .Values.global.revision "")) .Values.global.istioNamespace | quote }}
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    - name: INSTANCE_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    - name: SERVICE_ACCOUNT
      valueFrom:
        fieldRef:
          fieldPath: spec.serviceAccountName
    - name: HOST_IP
      valueFrom:
        fieldRef:
          fieldPath: status.hostIP
    - name: ISTIO_CPU_LIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.cpu
          divisor: "1"
    - name: PROXY_CONFIG
      value: {{ protoToJSON .ProxyConfig | quote }}
    - name: ISTIO_META_POD_PORTS
      value: {{ structToJSON $podPorts | quote }}
    - name: ISTIO_META_APP_CONTAINERS
      value: {{ join "," $appContainers | quote }}
    - name: GOMEMLIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.memory
          divisor: "1"
    - name: GOMAXPROCS
      valueFrom:
        resourceFieldRef:
          resource: limits.cpu
          divisor: "1"
{{- with .CompliancePolicy }}
    - name: COMPLIANCE_POLICY
      value: {{ quote . }}
{{- end }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault .Values.global.clusterId "Kubernetes" | quote }}
    - name: ISTIO_META_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: ISTIO_META_INTERCEPTION_MODE
      value: {{ quote $mode }}
{{- with .Values.global.network }}
    - name: ISTIO_META_NETWORK
      value: {{ quote . }}
{{- end }}
{{- with index .ObjectMeta.Labels "service.istio.io/workload-name" | default .DeploymentMeta.Name }}
    - name: ISTIO_META_WORKLOAD_NAME
      value: {{ quote . }}
{{- end }}
{{- if and .TypeMeta.APIVersion .DeploymentMeta.Name }}
    - name: ISTIO_META_OWNER
      value: {{ printf "kubernetes://apis/%s/namespaces/%s/%ss/%s" .TypeMeta.APIVersion (valueOrDefault .DeploymentMeta.Namespace "default") (toLower .TypeMeta.Kind) .DeploymentMeta.Name | quote }}
{{- end }}
{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
    - name: ISTIO_BOOTSTRAP_OVERRIDE
      value: /etc/istio/custom-bootstrap/custom_bootstrap.json
{{- end }}
{{- with .Values.global.meshId | default $trustDomain }}
    - name: ISTIO_META_MESH_ID
      value: {{ quote . }}
{{- end }}
{{- with $trustDomain }}
    - name: TRUST_DOMAIN
      value: {{ quote . }}
{{- end }}
{{- with otelResourceAttributes .MeshConfig $ann .ObjectMeta.Labels .DeploymentMeta.Namespace .Spec.Containers }}
    - name: OTEL_RESOURCE_ATTRIBUTES
      value: {{ quote . }}
{{- end }}
{{- range $key, $value := .ProxyConfig.ProxyMetadata }}
    - name: {{ quote $key }}
      value: {{ quote $value }}
{{- end }}
{{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ quote . }}
{{- end }}
{{- if ne $statusPort "0" }}
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
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
    - name: credential-socket
      mountPath: /var/run/secrets/credential-uds
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    - name: istio-ca-crl
      mountPath: /var/run/secrets/istio/crl
    - name: istio-data
      mountPath: /var/lib/istio/data
{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
    - name: custom-bootstrap-volume
      mountPath: /etc/istio/custom-bootstrap
{{- end }}
    - name: istio-envoy
      mountPath: /etc/istio/proxy
    - name: istio-token
      mountPath: /var/run/secrets/tokens
    - name: istio-podinfo
      mountPath: /etc/istio/pod
{{- if isset $ann "sidecar.istio.io/userVolumeMount" }}
{{- range $name, $mount := fromJSON (index $ann "sidecar.istio.io/userVolumeMount") }}
    - name: {{ quote $name }}
      {{- toYaml $mount | trim | nindent 6 }}
{{- end }}
{{- end }}
  volumes:
  - name: workload-socket
    emptyDir: {}
  - name: credential-socket
    emptyDir: {}
  - name: workload-certs
    emptyDir: {}
{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
  - name: custom-bootstrap-volume
    configMap:
      name: {{ index $ann "sidecar.istio.io/bootstrapOverride" | quote }}
{{- end }}
  - name: istio-envoy
    emptyDir:
      medium: Memory
  - name: istio-data
    emptyDir: {}
  - name: istio-podinfo
    downwardAPI:
      items:
      - path: labels
        fieldRef:
          fieldPath: metadata.labels
      - path: annotations
        fieldRef:
          fieldPath: metadata.annotations
  - name: istio-token
    projected:
      sources:
      - serviceAccountToken:
          audience: istio-ca
          expirationSeconds: 43200
          path: istio-token
  - name: istiod-ca-cert
    configMap:
      name: istio-ca-root-cert
  - name: istio-ca-crl
    configMap:
      name: istio-ca-crl
      optional: true
{{- if isset $ann "sidecar.istio.io/userVolume" }}
{{- range $name, $volume := fromJSON (index $ann "sidecar.istio.io/userVolume") }}
  - name: {{ quote $name }}
    {{- toYaml $volume | trim | nindent 4 }}
{{- end }}
{{- end }}
{{- with .Values.global.imagePullSecrets }}
  imagePullSecrets:
{{- range . }}
  - name: {{ quote . }}
{{- end }}
{{- end }}
`;

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
export const GATEWAY_TEMPLATE: string = `{{- $ann := .ObjectMeta.Annotations }}
{{- $proxy := .Values.sidecarInjection.proxy }}
{{- $agentLog := annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" "default:info" }}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain .Values.mesh.trustDomain }}
{{- $appContainers := list }}
{{- range .Spec.Containers }}{{ if ne .Name "istio-proxy" }}{{ $appContainers = append $appContainers .Name }}{{ end }}{{ end }}
{{- $podPorts := list }}
{{- range .Spec.Containers }}{{ range .Ports }}{{ $podPorts = append $podPorts . }}{{ end }}{{ end }}
metadata:
  labels:
    service.istio.io/canonical-name: {{ index .ObjectMeta.Labels "service.istio.io/canonical-name" | default (index .ObjectMeta.Labels "app.kubernetes.io/name") | default (index .ObjectMeta.Labels "app") | default .DeploymentMeta.Name | quote }}
    service.istio.io/canonical-revision: {{ index .ObjectMeta.Labels "service.istio.io/canonical-revision" | default (index .ObjectMeta.Labels "app.kubernetes.io/version") | default (index .ObjectMeta.Labels "version") | default "latest" | quote }}
  annotations:
    istio.io/rev: {{ .Revision | default "default" | quote }}
{{- if $appContainers }}
{{- if not (isset $ann "kubectl.kubernetes.io/default-logs-container") }}
    kubectl.kubernetes.io/default-logs-container: {{ first $appContainers | quote }}
{{- end }}
{{- if not (isset $ann "kubectl.kubernetes.io/default-container") }}
    kubectl.kubernetes.io/default-container: {{ first $appContainers | quote }}
{{- end }}
{{- end }}
spec:
  securityContext:
    sysctls:
    - name: net.ipv4.ip_unprivileged_port_start
      value: "0"
  containers:
  - name: istio-proxy
{{- $customImage := annotation .ObjectMeta "sidecar.istio.io/proxyImage" "" }}
    image: {{ if contains "/" $customImage }}{{ quote $customImage }}{{ else }}{{ quote .ProxyImage }}{{ end }}
    ports:
    - name: http-envoy-prom
      containerPort: 15090
      protocol: TCP
    args:
    - proxy
    - router
    - --domain
    - $(POD_NAMESPACE).svc.cluster.local
    - {{ printf "--proxyLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel) | quote }}
    - {{ printf "--proxyComponentLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel) | quote }}
    - {{ printf "--log_output_level=%s" $agentLog | quote }}
{{- if .Values.global.logAsJson }}
    - --log_as_json
{{- end }}
    securityContext:
      runAsUser: {{ .ProxyUID | default 1337 }}
      runAsGroup: {{ .ProxyGID | default 1337 }}
    env:
    - name: PILOT_CERT_PROVIDER
      value: istiod
    - name: CA_ADDR
      value: {{ printf "istiod%s.%s.svc:15012" (ternary (printf "-%s" .Values.global.revision) "" (ne .Values.global.revision "")) .Values.global.istioNamespace | quote }}
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    - name: INSTANCE_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    - name: SERVICE_ACCOUNT
      valueFrom:
        fieldRef:
          fieldPath: spec.serviceAccountName
    - name: HOST_IP
      valueFrom:
        fieldRef:
          fieldPath: status.hostIP
    - name: ISTIO_CPU_LIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.cpu
          divisor: "1"
    - name: PROXY_CONFIG
      value: {{ protoToJSON .ProxyConfig | quote }}
    - name: ISTIO_META_POD_PORTS
      value: {{ structToJSON $podPorts | quote }}
    - name: GOMEMLIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.memory
          divisor: "1"
    - name: GOMAXPROCS
      valueFrom:
        resourceFieldRef:
          resource: limits.cpu
          divisor: "1"
{{- with .CompliancePolicy }}
    - name: COMPLIANCE_POLICY
      value: {{ quote . }}
{{- end }}
    - name: ISTIO_META_APP_CONTAINERS
      value: {{ join "," $appContainers | quote }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault .Values.global.clusterId "Kubernetes" | quote }}
    - name: ISTIO_META_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: ISTIO_META_INTERCEPTION_MODE
      value: {{ .ProxyConfig.InterceptionMode.String | quote }}
{{- with .Values.global.network }}
    - name: ISTIO_META_NETWORK
      value: {{ quote . }}
{{- end }}
{{- with .DeploymentMeta.Name }}
    - name: ISTIO_META_WORKLOAD_NAME
      value: {{ quote . }}
{{- end }}
{{- if and .TypeMeta.APIVersion .DeploymentMeta.Name }}
    - name: ISTIO_META_OWNER
      value: {{ printf "kubernetes://apis/%s/namespaces/%s/%ss/%s" .TypeMeta.APIVersion (valueOrDefault .DeploymentMeta.Namespace "default") (toLower .TypeMeta.Kind) .DeploymentMeta.Name | quote }}
{{- end }}
{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
    - name: ISTIO_BOOTSTRAP_OVERRIDE
      value: /etc/istio/custom-bootstrap/custom_bootstrap.json
{{- end }}
{{- with .Values.global.meshId | default $trustDomain }}
    - name: ISTIO_META_MESH_ID
      value: {{ quote . }}
{{- end }}
{{- with $trustDomain }}
    - name: TRUST_DOMAIN
      value: {{ quote . }}
{{- end }}
{{- range $key, $value := .ProxyConfig.ProxyMetadata }}
    - name: {{ quote $key }}
      value: {{ quote $value }}
{{- end }}
{{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ quote . }}
{{- end }}
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      initialDelaySeconds: 0
      periodSeconds: 15
      timeoutSeconds: 3
      failureThreshold: 4
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
    - name: credential-socket
      mountPath: /var/run/secrets/credential-uds
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    - name: istio-data
      mountPath: /var/lib/istio/data
{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
    - name: custom-bootstrap-volume
      mountPath: /etc/istio/custom-bootstrap
{{- end }}
    - name: istio-envoy
      mountPath: /etc/istio/proxy
    - name: istio-token
      mountPath: /var/run/secrets/tokens
    - name: istio-podinfo
      mountPath: /etc/istio/pod
  volumes:
  - name: workload-socket
    emptyDir: {}
  - name: credential-socket
    emptyDir: {}
  - name: workload-certs
    emptyDir: {}
{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
  - name: custom-bootstrap-volume
    configMap:
      name: {{ index $ann "sidecar.istio.io/bootstrapOverride" | quote }}
{{- end }}
  - name: istio-envoy
    emptyDir:
      medium: Memory
  - name: istio-data
    emptyDir: {}
  - name: istio-podinfo
    downwardAPI:
      items:
      - path: labels
        fieldRef:
          fieldPath: metadata.labels
      - path: annotations
        fieldRef:
          fieldPath: metadata.annotations
  - name: istio-token
    projected:
      sources:
      - serviceAccountToken:
          audience: istio-ca
          expirationSeconds: 43200
          path: istio-token
  - name: istiod-ca-cert
    configMap:
      name: istio-ca-root-cert
{{- with .Values.global.imagePullSecrets }}
  imagePullSecrets:
{{- range . }}
  - name: {{ quote . }}
{{- end }}
{{- end }}
`;

/** A JSON value, as emitted into the `values` key. */
type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** Returns a copy of `value` whose object keys are sorted at every depth. */
function sortKeysDeep(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map((item: Json) => sortKeysDeep(item));
  }
  if (value !== null && typeof value === 'object') {
    const record = value as { readonly [key: string]: Json };
    const sorted: { [key: string]: Json } = {};
    for (const key of Object.keys(record).sort()) {
      sorted[key] = sortKeysDeep(record[key]);
    }
    return sorted;
  }
  return value;
}

/**
 * Builds the YAML text of the `config` key of ConfigMap `istio-sidecar-injector`.
 *
 * `policy` is `enabled` when `sidecarInjection.autoInjection` is true (pods are injected unless they
 * opt out), `disabled` otherwise (only pods labelled `sidecar.istio.io/inject: "true"` are).
 * The selectors and `injectedAnnotations` are empty, as in the upstream chart defaults; the
 * `templates` map carries `sidecar` and `gateway`. The output is deterministic.
 */
export function buildInjectorConfig(v: InjectionValues): string {
  const config = {
    defaultTemplates: ['sidecar'],
    policy: v.sidecarInjection.autoInjection ? 'enabled' : 'disabled',
    alwaysInjectSelector: [],
    neverInjectSelector: [],
    injectedAnnotations: {},
    templates: {
      sidecar: SIDECAR_TEMPLATE,
      gateway: GATEWAY_TEMPLATE,
    },
  };
  return yaml.dump(config, { lineWidth: -1, noRefs: true, sortKeys: false });
}

/**
 * Builds the JSON text of the `values` key of ConfigMap `istio-sidecar-injector`.
 *
 * The document is the istio-pack model (`global`, `mesh`, `sidecarInjection`, `trafficCapture`,
 * `cni`), read by the templates above as `.Values`, plus the upstream-shaped fields that istiod's Go
 * code reads from the typed `Values` message. istiod tolerates the unknown istio-pack fields when it
 * decodes that message. Keys are sorted at every depth; the output is deterministic.
 */
export function buildInjectorValues(v: InjectionValues): string {
  const document: Json = {
    global: {
      // `global.hub`, `global.tag` and `global.variant` already have the upstream names and shapes:
      // istiod's ProxyImage() builds `.ProxyImage` as `<hub>/proxyv2:<tag>[-<variant>]` from them
      // (and from `global.proxy.image`, left unset so the image name stays `proxyv2`).
      // `global.network` is also upstream-shaped: istiod uses it to label injected pods with
      // `topology.istio.io/network` and to set ISTIO_META_NETWORK on the proxy (and on waypoints).
      hub: v.global.hub,
      tag: v.global.tag,
      imagePullPolicy: v.global.imagePullPolicy,
      imagePullSecrets: [...v.global.imagePullSecrets],
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
      includeIPRanges: [...v.trafficCapture.includeIPRanges],
      excludeIPRanges: [...v.trafficCapture.excludeIPRanges],
      includeInboundPorts: [...v.trafficCapture.includeInboundPorts],
      excludeInboundPorts: [...v.trafficCapture.excludeInboundPorts],
      includeOutboundPorts: [...v.trafficCapture.includeOutboundPorts],
      excludeOutboundPorts: [...v.trafficCapture.excludeOutboundPorts],
    },
    // `cni.enabled` matches the shape of upstream's top-level `cni` values; istiod's Go code does not
    // read it during injection, only the sidecar template does.
    cni: {
      enabled: v.cni.enabled,
    },
  };
  return `${JSON.stringify(sortKeysDeep(document), null, 2)}\n`;
}
