/*
 * Deployment-controller template `waypoint` (ambient waypoints, class `istio-waypoint`).
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
  proxyRuntimeMounts,
  proxyVolumes,
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
  proxyLogArgs(DEPLOYMENT_CONTAINER, 'separate'), // args --proxyLogLevel, --proxyComponentLogLevel, --log_output_level, each followed by its value[, --log_as_json]
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
