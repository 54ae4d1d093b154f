/*
 * Fragments of the pod-overlay injection templates (`sidecar`, `gateway`, `grpc-agent`) only, at
 * their fixed columns.
 */
import { OVERLAY_CONTAINER, proxyResourcesFromValues } from './injection-fragments';

/**
 * Template `istio-pack.proxy-resources`: the body of the proxy container's `resources` key. The
 * `sidecar.istio.io/proxyCPU`, `proxyMemory`, `proxyCPULimit` and `proxyMemoryLimit` annotations
 * win when any is set; otherwise the values' proxy resources; `{}` when neither gives any.
 * Use as `resources:{{ template "istio-pack.proxy-resources" . }}` at the overlay container column.
 */
export const PROXY_RESOURCES_DEFINE: string = [
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
`,
].join('');

/** Template variables `$appContainers` (the pod's containers other than istio-proxy, by name) and `$podPorts` (all their ports). */
export const POD_CONTAINER_VARS = `{{- $appContainers := list }}
{{- range .Spec.Containers }}{{ if ne .Name "istio-proxy" }}{{ $appContainers = append $appContainers .Name }}{{ end }}{{ end }}
{{- $podPorts := list }}
{{- range .Spec.Containers }}{{ range .Ports }}{{ $podPorts = append $podPorts . }}{{ end }}{{ end }}
`;

/**
 * Pod annotations `istio.io/rev` and, naming the first application container unless the pod sets
 * them, `kubectl.kubernetes.io/default-logs-container` and `kubectl.kubernetes.io/default-container`.
 */
export const REVISION_AND_DEFAULT_CONTAINER_ANNOTATIONS = `    istio.io/rev: {{ .Revision | default "default" | quote }}
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
export const COMPLIANCE_POLICY_ENV = `{{- with .CompliancePolicy }}
    - name: COMPLIANCE_POLICY
      value: {{ quote . }}
{{- end }}
`;

/** Env entry ISTIO_META_OWNER, the pod's controller as `kubernetes://apis/<apiVersion>/namespaces/<ns>/<kind>s/<name>`. */
export const POD_OWNER_ENV = `{{- if and .TypeMeta.APIVersion .DeploymentMeta.Name }}
    - name: ISTIO_META_OWNER
      value: {{ printf "kubernetes://apis/%s/namespaces/%s/%ss/%s" .TypeMeta.APIVersion (valueOrDefault .DeploymentMeta.Namespace "default") (toLower .TypeMeta.Kind) .DeploymentMeta.Name | quote }}
{{- end }}
`;

/** Env entry ISTIO_BOOTSTRAP_OVERRIDE, when the pod is annotated `sidecar.istio.io/bootstrapOverride`. */
export const CUSTOM_BOOTSTRAP_ENV = `{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
    - name: ISTIO_BOOTSTRAP_OVERRIDE
      value: /etc/istio/custom-bootstrap/custom_bootstrap.json
{{- end }}
`;

/** Volume mount `custom-bootstrap-volume` (/etc/istio/custom-bootstrap), when annotated `sidecar.istio.io/bootstrapOverride`. */
export const CUSTOM_BOOTSTRAP_MOUNT = `{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
    - name: custom-bootstrap-volume
      mountPath: /etc/istio/custom-bootstrap
{{- end }}
`;

/** Pod volume `custom-bootstrap-volume`: the ConfigMap named by the `sidecar.istio.io/bootstrapOverride` annotation. */
export const CUSTOM_BOOTSTRAP_VOLUME = `{{- if isset $ann "sidecar.istio.io/bootstrapOverride" }}
  - name: custom-bootstrap-volume
    configMap:
      name: {{ index $ann "sidecar.istio.io/bootstrapOverride" | quote }}
{{- end }}
`;
