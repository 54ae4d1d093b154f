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
  return `{{- define "istio-pack.gateway-owner" }}
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
{{- $agentLog := annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" "default:info" }}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain .Values.mesh.trustDomain }}
{{- $network := valueOrDefault (index .InfrastructureLabels "topology.istio.io/network") .Values.global.network }}
{{- $customImage := annotation .ObjectMeta "sidecar.istio.io/proxyImage" "" }}
`;
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

/** Metadata of the Deployment document, labelled as managed by `$managedLabels`. */
const GATEWAY_DEPLOYMENT_METADATA = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ quote .DeploymentName }}
  namespace: {{ quote .Namespace }}
  annotations: {{ toJsonMap $infraAnnotations }}
  labels: {{ toJsonMap $managedLabels }}
{{- template "istio-pack.gateway-owner" . }}
spec:
  selector:
    matchLabels:
      {{ quote .GatewayNameLabel }}: {{ quote .Name }}
`;

/** The first lines of the `istio-proxy` container: name, ports and image. */
const GATEWAY_PROXY_CONTAINER_HEAD = `      - name: istio-proxy
        image: {{ if contains "/" $customImage }}{{ quote $customImage }}{{ else }}{{ quote .ProxyImage }}{{ end }}
{{- with .Values.global.imagePullPolicy }}
        imagePullPolicy: {{ quote . }}
{{- end }}
        ports:
        - name: metrics
          containerPort: 15020
          protocol: TCP
        - name: status-port
          containerPort: 15021
          protocol: TCP
        - name: http-envoy-prom
          containerPort: 15090
          protocol: TCP
`;

/** The proxy log-level arguments (Gateway annotations win over the values). */
const GATEWAY_PROXY_LOG_ARGS = `        - {{ printf "--proxyLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel) | quote }}
        - {{ printf "--proxyComponentLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel) | quote }}
        - {{ printf "--log_output_level=%s" $agentLog | quote }}
{{- if .Values.global.logAsJson }}
        - --log_as_json
{{- end }}
`;

/** pilot-agent's certificate settings and the downward-API environment of the proxy. */
const GATEWAY_PROXY_POD_ENV = `        - name: PILOT_CERT_PROVIDER
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
`;

/** Go runtime limits taken from the container's own resource limits. */
const GATEWAY_PROXY_GO_ENV = `        - name: GOMEMLIMIT
          valueFrom:
            resourceFieldRef:
              resource: limits.memory
              divisor: "1"
        - name: GOMAXPROCS
          valueFrom:
            resourceFieldRef:
              resource: limits.cpu
              divisor: "1"
`;

/** `.ProxyConfig.ProxyMetadata` as environment variables. */
const GATEWAY_PROXY_METADATA_ENV = `{{- range $key, $value := .ProxyConfig.ProxyMetadata }}
        - name: {{ quote $key }}
          value: {{ quote $value }}
{{- end }}
`;

/** Workload identity: owner, mesh ID (global.meshId, else the trust domain) and trust domain. */
const GATEWAY_PROXY_IDENTITY_ENV = `        - name: ISTIO_META_WORKLOAD_NAME
          value: {{ quote .DeploymentName }}
        - name: ISTIO_META_OWNER
          value: {{ printf "kubernetes://apis/apps/v1/namespaces/%s/deployments/%s" .Namespace .DeploymentName | quote }}
{{- with .Values.global.meshId | default $trustDomain }}
        - name: ISTIO_META_MESH_ID
          value: {{ quote . }}
{{- end }}
{{- with $trustDomain }}
        - name: TRUST_DOMAIN
          value: {{ quote . }}
{{- end }}
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

/** Pod volumes shared by both proxies (after the proxy-specific socket and certificate volumes). */
const GATEWAY_COMMON_VOLUMES = `      - name: istio-envoy
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

/**
 * The Service, HorizontalPodAutoscaler and PodDisruptionBudget documents.
 * `annotationsExpr` is the template expression of the Service's annotation map.
 */
function gatewayServiceAndScalingDocuments(annotationsExpr: string): string {
  return `---
apiVersion: v1
kind: Service
metadata:
  name: {{ quote .DeploymentName }}
  namespace: {{ quote .Namespace }}
  annotations: {{ toJsonMap ${annotationsExpr} }}
  labels: {{ toJsonMap $objectLabels }}
{{- template "istio-pack.gateway-owner" . }}
spec:
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
metadata:
  name: {{ quote .DeploymentName }}
  namespace: {{ quote .Namespace }}
  annotations: {{ toJsonMap $infraAnnotations }}
  labels: {{ toJsonMap $objectLabels }}
{{- template "istio-pack.gateway-owner" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ quote .DeploymentName }}
  maxReplicas: 1
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ quote .DeploymentName }}
  namespace: {{ quote .Namespace }}
  annotations: {{ toJsonMap $infraAnnotations }}
  labels: {{ toJsonMap $objectLabels }}
{{- template "istio-pack.gateway-owner" . }}
spec:
  selector:
    matchLabels:
      {{ quote .GatewayNameLabel }}: {{ quote .Name }}
`;
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
export const KUBE_GATEWAY_TEMPLATE: string = `${gatewayPreamble('"istio.io-gateway-controller"')}${GATEWAY_SERVICE_ACCOUNT_DOCUMENT}${GATEWAY_DEPLOYMENT_METADATA}  template:
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
${GATEWAY_PROXY_CONTAINER_HEAD}        args:
        - proxy
        - router
        - --domain
        - $(POD_NAMESPACE).svc.cluster.local
${GATEWAY_PROXY_LOG_ARGS}        env:
${GATEWAY_PROXY_POD_ENV}        - name: ISTIO_META_POD_PORTS
          value: "[]"
        - name: ISTIO_META_APP_CONTAINERS
          value: ""
${GATEWAY_PROXY_GO_ENV}        - name: ISTIO_META_CLUSTER_ID
          value: {{ valueOrDefault .Values.global.clusterId .ClusterID | quote }}
        - name: ISTIO_META_NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
        - name: ISTIO_META_INTERCEPTION_MODE
          value: {{ .ProxyConfig.InterceptionMode.String | quote }}
{{- with $network }}
        - name: ISTIO_META_NETWORK
          value: {{ quote . }}
{{- end }}
${GATEWAY_PROXY_IDENTITY_ENV}${GATEWAY_PROXY_METADATA_ENV}{{- with index .InfrastructureLabels "topology.istio.io/network" }}
        - name: ISTIO_META_REQUESTED_NETWORK_VIEW
          value: {{ quote . }}
{{- end }}
{{- $r := $proxy.resources }}
{{- if or $r.requests.cpu $r.requests.memory $r.limits.cpu $r.limits.memory }}
        resources:
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
{{- end }}
${gatewayProxySecurityContext('')}${GATEWAY_PROXY_PROBES}        volumeMounts:
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
${GATEWAY_COMMON_VOLUMES}${gatewayServiceAndScalingDocuments('$infraAnnotations')}`;

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
export const WAYPOINT_TEMPLATE: string = `${gatewayPreamble('.ControllerLabel')}${GATEWAY_SERVICE_ACCOUNT_DOCUMENT}${GATEWAY_DEPLOYMENT_METADATA}  template:
    metadata:
      annotations: {{ toJsonMap $podAnnotations }}
      labels: {{ toJsonMap (mergeMaps (strdict "sidecar.istio.io/inject" "false" "istio.io/dataplane-mode" "none" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") $managedLabels) }}
    spec:
      serviceAccountName: {{ quote .ServiceAccount }}
      containers:
${GATEWAY_PROXY_CONTAINER_HEAD}        args:
        - proxy
        - waypoint
        - --domain
        - $(POD_NAMESPACE).svc.cluster.local
        - --serviceCluster
        - {{ printf "%s.$(POD_NAMESPACE)" .ServiceAccount | quote }}
${GATEWAY_PROXY_LOG_ARGS}        env:
        - name: ISTIO_META_SERVICE_ACCOUNT
          valueFrom:
            fieldRef:
              fieldPath: spec.serviceAccountName
        - name: ISTIO_META_NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
${GATEWAY_PROXY_POD_ENV}${GATEWAY_PROXY_METADATA_ENV}${GATEWAY_PROXY_GO_ENV}        - name: ISTIO_META_CLUSTER_ID
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
${GATEWAY_PROXY_IDENTITY_ENV}        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: "2"
            memory: 1Gi
${gatewayProxySecurityContext(`          seccompProfile:
            type: RuntimeDefault
`)}${GATEWAY_PROXY_PROBES}        volumeMounts:
        - name: workload-socket
          mountPath: /var/run/secrets/workload-spiffe-uds
        - name: istiod-ca-cert
          mountPath: /var/run/secrets/istio
        - name: istio-data
          mountPath: /var/lib/istio/data
        - name: istio-envoy
          mountPath: /etc/istio/proxy
        - name: istio-token
          mountPath: /var/run/secrets/tokens
        - name: istio-podinfo
          mountPath: /etc/istio/pod
      volumes:
      - name: workload-socket
        emptyDir: {}
${GATEWAY_COMMON_VOLUMES}${gatewayServiceAndScalingDocuments('(mergeMaps (strdict "networking.istio.io/traffic-distribution" "PreferClose") $infraAnnotations)')}`;

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
 * `templates` map carries the injection templates `sidecar` and `gateway` and the deployment-controller
 * templates `kube-gateway` (Gateway API class `istio`) and `waypoint` (ambient waypoints). The
 * `agentgateway` template is not carried: istiod 1.30 only registers its class with
 * `PILOT_ENABLE_AGENTGATEWAY=true`, which istio-pack does not set. The output is deterministic.
 */
export function buildInjectorConfig(v: InjectionValues): string {
  const config = {
    defaultTemplates: ['sidecar'],
    policy: v.sidecarInjection.autoInjection ? 'enabled' : 'disabled',
    alwaysInjectSelector: [],
    neverInjectSelector: [],
    injectedAnnotations: {},
    templates: {
      'sidecar': SIDECAR_TEMPLATE,
      'gateway': GATEWAY_TEMPLATE,
      'kube-gateway': KUBE_GATEWAY_TEMPLATE,
      'waypoint': WAYPOINT_TEMPLATE,
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
