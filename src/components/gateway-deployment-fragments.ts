/*
 * Templates of istiod's Gateway API deployment controller.
 *
 * istiod renders these itself (pilot/pkg/config/kube/gatewaycommon, deploymentcontroller.go) for
 * every Gateway of a class it manages, with the same parsed templates and function map as the
 * injection webhook but with different data (istiod's `derivedInput`): the Gateway itself
 * embedded (`.Name`, `.Namespace`, `.UID`, `.ObjectMeta`, `.Spec`), `.GatewayClass`,
 * `.DeploymentName`, `.ServiceAccount`, `.Ports` (Service ports: the status port 15021, then one
 * per distinct listener port, appProtocol = lower-cased listener protocol), `.ServiceType`,
 * `.ClusterID`, `.KubeVersion` (e.g. 130), `.Revision`, `.ProxyUID`/`.ProxyGID`,
 * `.InfrastructureLabels`/`.InfrastructureAnnotations` (spec.infrastructure, else the Gateway's
 * own labels/annotations), `.GatewayNameLabel`, `.ControllerLabel`, `.ProxyImage`,
 * `.ProxyConfig`, `.MeshConfig` and `.Values` (the `values` key).
 *
 * The output is a multi-document YAML stream. istiod splits it on `---`, server-side applies the
 * ServiceAccount, Deployment and Service (each must live in the Gateway's namespace and be named
 * `.DeploymentName`/`.ServiceAccount`), and drops the HorizontalPodAutoscaler and
 * PodDisruptionBudget unless a GatewayClass-defaults or parametersRef ConfigMap overlays them.
 */
import {
  AGENT_LOG_LEVEL_VAR,
  CUSTOM_IMAGE_VAR,
  DEPLOYMENT_CONTAINER,
  imagePullPolicyField,
  proxyImageField,
  TRUST_DOMAIN_VAR,
} from './injection-fragments';

/**
 * Annotations of the Gateway that istiod's own templates never copy onto the generated objects:
 * kubectl's last-applied state, the name/service-account overrides and istiod's ownership marker.
 */
export const GATEWAY_PREAMBLE_SKIPPED_ANNOTATIONS: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'gateway.istio.io/name-override',
  'gateway.istio.io/service-account',
  'gateway.istio.io/controller-version',
];

/**
 * Variables and helper shared by the deployment-controller templates.
 * `managedLabelExpr` is the template expression giving the `gateway.istio.io/managed` label value.
 */
export function gatewayPreamble(managedLabelExpr: string): string {
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
export const GATEWAY_SERVICE_ACCOUNT_DOCUMENT = `apiVersion: v1
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
export function gatewayOwnedMetadata(annotationsExpr: string, labelsExpr: string): string {
  return `metadata:
  name: {{ quote .DeploymentName }}
  namespace: {{ quote .Namespace }}
  annotations: {{ toJsonMap ${annotationsExpr} }}
  labels: {{ toJsonMap ${labelsExpr} }}
{{- template "istio-pack.gateway-owner" . }}
`;
}

/** The start of a `spec` whose `selector` matches the Gateway's pods (`.GatewayNameLabel: .Name`). */
export const GATEWAY_POD_SELECTOR_SPEC = `spec:
  selector:
    matchLabels:
      {{ quote .GatewayNameLabel }}: {{ quote .Name }}
`;

/** Metadata of the Deployment document, labelled as managed by `$managedLabels`. */
export const GATEWAY_DEPLOYMENT_METADATA = [
  `---
apiVersion: apps/v1
kind: Deployment
`,
  gatewayOwnedMetadata('$infraAnnotations', '$managedLabels'), // metadata: name, namespace, annotations, labels, ownerReferences
  GATEWAY_POD_SELECTOR_SPEC, // spec.selector.matchLabels: the Gateway's name label
].join('');

/** The first lines of the `istio-proxy` container: name, image, pull policy and ports. */
export const GATEWAY_PROXY_CONTAINER_HEAD = [
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
export const GATEWAY_PROXY_WORKLOAD_ENV = `        - name: ISTIO_META_WORKLOAD_NAME
          value: {{ quote .DeploymentName }}
        - name: ISTIO_META_OWNER
          value: {{ printf "kubernetes://apis/apps/v1/namespaces/%s/deployments/%s" .Namespace .DeploymentName | quote }}
`;

/** Startup and readiness probes on pilot-agent's readiness endpoint. */
export const GATEWAY_PROXY_PROBES = `        startupProbe:
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
export function gatewayProxySecurityContext(extra: string): string {
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
export function gatewayServiceAndScalingDocuments(annotationsExpr: string): string {
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
