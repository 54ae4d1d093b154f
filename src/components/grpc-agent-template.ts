/*
 * Injection template `grpc-agent`: proxyless gRPC with the Istio agent.
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
  proxyConfigEnv,
  proxyIdentityEnv,
  proxyImageField,
  proxyLogArgs,
  proxyMetadataEnv,
  TRUST_DOMAIN_VAR,
} from './injection-fragments';
import {
  CUSTOM_BOOTSTRAP_VOLUME,
  POD_CONTAINER_VARS,
  POD_OWNER_ENV,
  PROXY_RESOURCES_DEFINE,
  REVISION_AND_DEFAULT_CONTAINER_ANNOTATIONS,
} from './pod-overlay-fragments';

/**
 * Injection template named `grpc-agent`, selected by pods annotated
 * `inject.istio.io/templates: grpc-agent` (istio.io's proxyless gRPC setup). Without it istiod
 * refuses such pods ("requested template not found"), and with the webhook's `failurePolicy: Fail`
 * they cannot be created.
 *
 * The gRPC application talks xDS itself; pilot-agent runs beside it without Envoy
 * (`DISABLE_ENVOY=true`, `ISTIO_META_GENERATOR=grpc`, no traffic capture, no init container),
 * serves xDS and certificates over a UDS in the in-memory `istio-xds` volume and writes the gRPC
 * bootstrap there. Renders, as upstream 1.30's template does:
 * - pod labels `service.istio.io/canonical-name`/`canonical-revision` (no `security.istio.io/tlsMode`:
 *   the application opts into mTLS itself), annotations `istio.io/rev`, the kubectl default-container
 *   hints and `sidecar.istio.io/rewriteAppHTTPProbers: "false"`;
 * - the `istio-proxy` container: `proxy sidecar` with the log arguments, port 15020 `mesh-metrics`, a
 *   postStart hook waiting for the agent, the agent environment (certificates written to
 *   /var/lib/istio/data), a readiness probe on 15020 unless `status.sidecar.istio.io/port` is "0",
 *   resources as the sidecar's, and the credential, data, xDS, token and pod-info mounts;
 * - for every other container, `GRPC_XDS_BOOTSTRAP` (/etc/istio/proxy/grpc-bootstrap.json) and
 *   `GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT` plus the data, xDS and certificate mounts;
 * - the pod volumes and `imagePullSecrets`.
 *
 * One deliberate difference: upstream drops the proxy's resources and volume mounts together with
 * the readiness probe when the status port is "0" (its `if` spans all three), which leaves the
 * application without the agent's bootstrap; here only the probe goes.
 */
export const GRPC_AGENT_TEMPLATE: string = [
  PROXY_RESOURCES_DEFINE, // define istio-pack.proxy-resources: the proxy's resources from annotations, else from the values
  `{{- $ann := .ObjectMeta.Annotations }}
{{- $proxy := .Values.sidecarInjection.proxy }}
{{- $statusPort := annotation .ObjectMeta "status.sidecar.istio.io/port" $proxy.statusPort }}
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
  `    sidecar.istio.io/rewriteAppHTTPProbers: "false"
spec:
  containers:
  - name: istio-proxy
`,
  CUSTOM_IMAGE_VAR, // $customImage
  proxyImageField(OVERLAY_CONTAINER), // image: $customImage or .ProxyImage
  `    ports:
    - name: mesh-metrics
      containerPort: 15020
      protocol: TCP
`,
  proxyCommandArgs(OVERLAY_CONTAINER, 'sidecar'), // args: proxy sidecar --domain $(POD_NAMESPACE).svc.cluster.local
  proxyLogArgs(OVERLAY_CONTAINER), // args --proxyLogLevel, --proxyComponentLogLevel, --log_output_level[, --log_as_json]
  `    lifecycle:
      postStart:
        exec:
          command:
          - pilot-agent
          - wait
          - --url=http://localhost:15020/healthz/ready
    env:
    - name: ISTIO_META_GENERATOR
      value: grpc
    - name: OUTPUT_CERTS
      value: /var/lib/istio/data
{{- if eq .InboundTrafficPolicyMode "localhost" }}
    - name: REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION
      value: "true"
{{- end }}
`,
  proxyIdentityEnv(OVERLAY_CONTAINER), // env PILOT_CERT_PROVIDER, CA_ADDR, POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT, HOST_IP
  proxyConfigEnv(OVERLAY_CONTAINER), // env PROXY_CONFIG
  `    - name: ISTIO_META_POD_PORTS
      value: {{ structToJSON $podPorts | quote }}
    - name: ISTIO_META_APP_CONTAINERS
      value: {{ join "," $appContainers | quote }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault .Values.global.clusterId "Kubernetes" | quote }}
`,
  nodeNameEnv(OVERLAY_CONTAINER), // env ISTIO_META_NODE_NAME
  `{{- with .Values.global.network }}
    - name: ISTIO_META_NETWORK
      value: {{ quote . }}
{{- end }}
{{- with .DeploymentMeta.Name }}
    - name: ISTIO_META_WORKLOAD_NAME
      value: {{ quote . }}
{{- end }}
`,
  POD_OWNER_ENV, // env ISTIO_META_OWNER
  meshIdentityEnv(OVERLAY_CONTAINER), // env ISTIO_META_MESH_ID, TRUST_DOMAIN
  proxyMetadataEnv(OVERLAY_CONTAINER), // env: one entry per .ProxyConfig.ProxyMetadata key
  `    - name: ISTIO_META_DNS_CAPTURE
      value: "false"
    - name: DISABLE_ENVOY
      value: "true"
`,
  imagePullPolicyField(OVERLAY_CONTAINER), // imagePullPolicy
  `{{- if ne $statusPort "0" }}
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15020
      initialDelaySeconds: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/initialDelaySeconds" 0 }}
      periodSeconds: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/periodSeconds" 15 }}
      timeoutSeconds: 3
      failureThreshold: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/failureThreshold" 4 }}
{{- end }}
    resources:{{ template "istio-pack.proxy-resources" . }}
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    - name: istio-data
      mountPath: /var/lib/istio/data
    - name: istio-xds
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
{{- range $appContainers }}
  - name: {{ quote . }}
    env:
    - name: GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT
      value: "true"
    - name: GRPC_XDS_BOOTSTRAP
      value: /etc/istio/proxy/grpc-bootstrap.json
    volumeMounts:
    - name: istio-data
      mountPath: /var/lib/istio/data
    - name: istio-xds
      mountPath: /etc/istio/proxy
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
{{- end }}
  volumes:
  - name: workload-socket
    emptyDir: {}
  - name: workload-certs
    emptyDir: {}
`,
  CUSTOM_BOOTSTRAP_VOLUME, // volume custom-bootstrap-volume, when annotated
  `  - name: istio-xds
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
{{- if isset $ann "sidecar.istio.io/userVolume" }}
{{- range $name, $volume := fromJSON (index $ann "sidecar.istio.io/userVolume") }}
  - name: {{ quote $name }}
    {{- toYaml $volume | trim | nindent 4 }}
{{- end }}
{{- end }}
`,
  imagePullSecretsField(OVERLAY_POD), // imagePullSecrets
].join('');
