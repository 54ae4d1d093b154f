import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Binder, binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { NODE_AGENT_TOLERATIONS } from './istio-cni';
import { commonLabels, istioImage, istiodAddress, pullSecrets } from './labels';
import { isOpenShift, needsNodeCriticalQuota, nodeAgentNamespace, nodeAgentSeLinux, nodeCriticalQuotaSpec } from './platform';
import { clusterRoleWithBinding, policyRules } from './rbac';
import { ISTIO_CNI_OPENSHIFT_RULES } from './rbac-rules';
import { resourceRequirements } from './security';
import { KubeDaemonSet, KubeResourceQuota, KubeServiceAccount, intOrString, quantity } from './kube-objects';

/** Props of {@link Ztunnel}. */
export interface ZtunnelProps {
  /** Resolved values. */
  readonly values: IstioValues;
}

/** Namespace of ztunnel: kube-system on OpenShift (upstream's openshift-ambient profile), else the control-plane namespace. */
export function ztunnelNamespace(b: Binder, values: IstioValues): string {
  return nodeAgentNamespace(b, values);
}

/**
 * ztunnel, the per-node proxy of ambient mode (ServiceAccount and DaemonSet `ztunnel`), as Istio
 * 1.30's ztunnel chart renders it. Selector `app: ztunnel`.
 *
 * Privileges are upstream's and are the documented exception to the security baseline: it runs as
 * UID 0 (GID 1337) with NET_ADMIN, SYS_ADMIN and NET_RAW and privilege escalation allowed, to enter
 * pod network namespaces and set up transparent proxying; its root filesystem stays read-only.
 */
export class Ztunnel extends Construct {
  constructor(scope: Construct, id: string, props: ZtunnelProps) {
    super(scope, id);
    const values = props.values;
    const b = binderOf(this);
    const namespace = ztunnelNamespace(b, values);
    const labels = { ...commonLabels(values), 'app.kubernetes.io/name': 'ztunnel' };
    const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });

    new KubeServiceAccount(this, 'service-account', {
      metadata: { name: 'ztunnel', namespace, labels },
      imagePullSecrets: pullSecrets(b, values),
    });

    // On OpenShift ztunnel may use the privileged SecurityContextConstraints: upstream's ztunnel
    // chart grants the same single rule as istio-cni's.
    b.whenBuild(this, isOpenShift(b, values), () => clusterRoleWithBinding(this, 'openshift', {
      name: 'ztunnel',
      rules: policyRules(ISTIO_CNI_OPENSHIFT_RULES),
      serviceAccount: { name: 'ztunnel', namespace },
      labels: { ...labels, 'app': 'ztunnel', 'release': 'ztunnel', 'install.operator.istio.io/owning-resource': 'unknown' },
    }));
    b.whenBuild(this, needsNodeCriticalQuota(b, values, namespace), () => new KubeResourceQuota(this, 'resource-quota', {
      metadata: { name: 'ztunnel', namespace, labels },
      spec: nodeCriticalQuotaSpec(),
    }));

    new KubeDaemonSet(this, 'daemonset', {
      metadata: { name: 'ztunnel', namespace, labels },
      spec: {
        selector: { matchLabels: { app: 'ztunnel' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString(1), maxUnavailable: intOrString(0) } },
        template: {
          metadata: {
            labels: {
              ...commonLabels(values),
              'sidecar.istio.io/inject': 'false',
              'istio.io/dataplane-mode': 'none',
              'app': 'ztunnel',
              'app.kubernetes.io/name': 'ztunnel',
            },
            annotations: {
              'sidecar.istio.io/inject': 'false',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
              'istio.io/rev': b.optional(b.isSet(values.global.revision), values.global.revision) as string,
            },
          },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            serviceAccountName: 'ztunnel',
            tolerations: NODE_AGENT_TOLERATIONS,
            priorityClassName: 'system-node-critical',
            terminationGracePeriodSeconds: 30,
            containers: [{
              name: 'istio-proxy',
              image: istioImage(b, values, 'ztunnel'),
              imagePullPolicy: values.global.imagePullPolicy,
              args: ['proxy', 'ztunnel'],
              ports: [{ containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/healthz/ready', port: intOrString(15021) } },
              resources: resourceRequirements(b, values.ztunnel.resources),
              securityContext: {
                allowPrivilegeEscalation: true,
                privileged: false,
                capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'] },
                readOnlyRootFilesystem: true,
                runAsGroup: 1337,
                runAsNonRoot: false,
                runAsUser: 0,
                seLinuxOptions: nodeAgentSeLinux(b, values),
              },
              env: b.flat<k8s.EnvVar>(
                { name: 'CA_ADDRESS', value: istiodAddress(b, values) },
                { name: 'XDS_ADDRESS', value: istiodAddress(b, values) },
                b.optional(values.global.logAsJson, { name: 'LOG_FORMAT', value: 'json' }),
                b.optional(b.isSet(values.global.network), { name: 'NETWORK', value: values.global.network }),
                { name: 'RUST_LOG', value: values.ztunnel.logLevel },
                { name: 'RUST_BACKTRACE', value: '1' },
                { name: 'ISTIO_META_CLUSTER_ID', value: values.global.clusterId },
                { name: 'INPOD_ENABLED', value: 'true' },
                { name: 'TERMINATION_GRACE_PERIOD_SECONDS', value: '30' },
                { name: 'POD_NAME', ...fieldRef('metadata.name') },
                { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
                { name: 'NODE_NAME', ...fieldRef('spec.nodeName') },
                { name: 'INSTANCE_IP', ...fieldRef('status.podIP') },
                { name: 'SERVICE_ACCOUNT', ...fieldRef('spec.serviceAccountName') },
                { name: 'ISTIO_META_ENABLE_HBONE', value: 'true' },
                { name: 'ZTUNNEL_CPU_LIMIT', valueFrom: { resourceFieldRef: { containerName: 'istio-proxy', divisor: quantity('1'), resource: 'limits.cpu' } } },
              ),
              volumeMounts: [
                { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
                { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
                { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' },
                { mountPath: '/tmp', name: 'tmp' },
              ],
            }],
            volumes: [
              { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }] } },
              { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
              { name: 'cni-ztunnel-sock-dir', hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
  }
}
