/*
 * Deployment-controller template `kube-gateway` (Gateway API class `istio`).
 */
import {
  DEPLOYMENT_CONTAINER,
  DEPLOYMENT_POD,
  imagePullSecretsField,
  meshIdentityEnv,
  nodeNameEnv,
  proxyCommandArgs,
  proxyGoEnv,
  proxyLogArgs,
  proxyMetadataEnv,
  proxyPodEnv,
  proxyResourcesFromValues,
  proxyRuntimeMounts,
  proxyVolumes,
  workloadCredentialMounts,
  workloadCredentialVolumes,
} from './injection-fragments';
import {
  GATEWAY_DEPLOYMENT_METADATA,
  GATEWAY_PROXY_CONTAINER_HEAD,
  GATEWAY_PROXY_PROBES,
  GATEWAY_PROXY_WORKLOAD_ENV,
  GATEWAY_SERVICE_ACCOUNT_DOCUMENT,
  gatewayPreamble,
  gatewayProxySecurityContext,
  gatewayServiceAndScalingDocuments,
} from './gateway-deployment-fragments';

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
  proxyLogArgs(DEPLOYMENT_CONTAINER, 'separate'), // args --proxyLogLevel, --proxyComponentLogLevel, --log_output_level, each followed by its value[, --log_as_json]
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
