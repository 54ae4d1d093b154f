/*
 * Injection template `gateway`, for gateway Deployments whose proxy image is `auto`.
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
  REVISION_AND_DEFAULT_CONTAINER_ANNOTATIONS,
} from './pod-overlay-fragments';

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
