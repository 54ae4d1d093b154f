/*
 * Injection template `grpc-simple`: proxyless gRPC without the Istio agent.
 */

/**
 * The gRPC xDS bootstrap the `grpc-bootstrap-init` container writes: plaintext xDS to istiod on
 * 15010 (the default revision's Service), node ID `sidecar~<ip>~<pod>.<namespace>~cluster.local`,
 * generator `grpc`. Shell text run by `sh -c`, with the pod's environment.
 */
const BOOTSTRAP_SCRIPT = `NODE_ID="sidecar~\${INSTANCE_IP}~\${POD_NAME}.\${POD_NAMESPACE}~cluster.local"
SERVER_URI="dns:///istiod.\${ISTIO_NAMESPACE}.svc:15010"
echo '
{
  "xds_servers": [
    {
      "server_uri": "'\${SERVER_URI}'",
      "channel_creds": [{"type": "insecure"}],
      "server_features" : ["xds_v3"]
    }
  ],
  "node": {
    "id": "'\${NODE_ID}'",
    "metadata": {
      "GENERATOR": "grpc"
    }
  }
}' > /var/lib/grpc/data/bootstrap.json`;

/** `text` as the lines of a YAML literal block at `indent`. */
function literalLines(text: string, indent: string): string {
  return text.split('\n').map((line) => (line === '' ? '\n' : `${indent}${line}\n`)).join('');
}

/**
 * Injection template named `grpc-simple`, selected by pods annotated
 * `inject.istio.io/templates: grpc-simple`: the minimal proxyless gRPC setup of upstream 1.30,
 * without pilot-agent, so without certificates (insecure xDS on istiod's plaintext port 15010).
 *
 * Renders the pod annotation `sidecar.istio.io/rewriteAppHTTPProbers: "false"`; an init container
 * `grpc-bootstrap-init` (image `busybox:1.28`, as upstream) that writes the gRPC bootstrap to the
 * `grpc-io-proxyless-bootstrap` emptyDir; and, for every container of the pod, `GRPC_XDS_BOOTSTRAP`,
 * gRPC-Go's log verbosity/severity variables and the bootstrap mount.
 *
 * One deliberate difference: upstream writes `ISTIO_NAMESPACE` as a YAML literal block, so the
 * variable ends in a newline that lands inside the bootstrap's `server_uri`; here it is the bare
 * namespace.
 */
export const GRPC_SIMPLE_TEMPLATE: string = `metadata:
  annotations:
    sidecar.istio.io/rewriteAppHTTPProbers: "false"
spec:
  initContainers:
  - name: grpc-bootstrap-init
    image: busybox:1.28
    volumeMounts:
    - name: grpc-io-proxyless-bootstrap
      mountPath: /var/lib/grpc/data/
    env:
    - name: INSTANCE_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    - name: ISTIO_NAMESPACE
      value: {{ quote .Values.global.istioNamespace }}
    command:
    - sh
    - -c
    - |-
${literalLines(BOOTSTRAP_SCRIPT, '      ')}  containers:
{{- range .Spec.Containers }}
  - name: {{ quote .Name }}
    env:
    - name: GRPC_XDS_BOOTSTRAP
      value: /var/lib/grpc/data/bootstrap.json
    - name: GRPC_GO_LOG_VERBOSITY_LEVEL
      value: "99"
    - name: GRPC_GO_LOG_SEVERITY_LEVEL
      value: info
    volumeMounts:
    - name: grpc-io-proxyless-bootstrap
      mountPath: /var/lib/grpc/data/
{{- end }}
  volumes:
  - name: grpc-io-proxyless-bootstrap
    emptyDir: {}
`;
