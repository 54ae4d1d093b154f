import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Binder, binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { commonLabels, istioImage, pullSecrets, revisionLabel } from './labels';
import { clusterRoleWithBinding, policyRule, policyRules } from './rbac';
import { isOpenShift, needsNodeCriticalQuota, nodeAgentNamespace, nodeAgentSeLinux, nodeCriticalQuotaSpec, platformCniPath } from './platform';
import { ISTIO_CNI_AMBIENT_RULES, ISTIO_CNI_OPENSHIFT_RULES, ISTIO_CNI_REPAIR_RULES, ISTIO_CNI_RULES } from './rbac-rules';
import { resourceRequirements } from './security';
import { KubeConfigMap, KubeDaemonSet, KubeResourceQuota, KubeServiceAccount, intOrString, quantity } from './kube-objects';

/** Props of {@link IstioCni}. */
export interface IstioCniProps {
  /** Resolved values. */
  readonly values: IstioValues;
}

/** Namespace of the istio-cni objects: `cni.namespace`, or kube-system on OpenShift, or the control-plane namespace. */
export function cniNamespace(b: Binder, values: IstioValues): string {
  return b.fallback(values.cni.namespace, nodeAgentNamespace(b, values));
}

/** Tolerations of node agents: they must run on every node, tainted or not. */
export const NODE_AGENT_TOLERATIONS = [
  { effect: 'NoSchedule', operator: 'Exists' },
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
  { effect: 'NoExecute', operator: 'Exists' },
];

/**
 * The Istio CNI node agent (DaemonSet `istio-cni-node`) with its RBAC and ConfigMap `istio-cni-config`,
 * as Istio 1.30's cni chart renders them. It installs the CNI plugin on every node, repairs pods that
 * started before it, and in ambient mode redirects pod traffic to ztunnel.
 *
 * Privileges are upstream's and are the documented exception to the security baseline: it runs as
 * root with NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_ADMIN and DAC_OVERRIDE (to write host CNI config and
 * enter pod network namespaces), AppArmor unconfined, and mounts host paths.
 */
export class IstioCni extends Construct {
  constructor(scope: Construct, id: string, props: IstioCniProps) {
    super(scope, id);
    const values = props.values;
    const b = binderOf(this);
    const namespace = cniNamespace(b, values);
    const ambient = values.ambient.enabled;
    const labels = {
      ...commonLabels(values),
      'app': 'istio-cni',
      'release': 'istio',
      'istio.io/rev': revisionLabel(b, values),
      'install.operator.istio.io/owning-resource': 'unknown',
      'operator.istio.io/component': 'Cni',
      'app.kubernetes.io/name': 'istio-cni',
    };

    new KubeServiceAccount(this, 'service-account', {
      metadata: { name: 'istio-cni', namespace, labels },
    });
    const serviceAccount = { name: 'istio-cni', namespace };
    // On OpenShift the agent may use the privileged SecurityContextConstraints (as upstream).
    const rules = b.flat<k8s.PolicyRule>(...policyRules(ISTIO_CNI_RULES), ...ISTIO_CNI_OPENSHIFT_RULES.map((rule) => b.optional(isOpenShift(b, values), policyRule(rule))));
    clusterRoleWithBinding(this, 'cni', { name: 'istio-cni', rules, serviceAccount, labels });
    clusterRoleWithBinding(this, 'repair', { name: 'istio-cni-repair-role', bindingName: 'istio-cni-repair-rolebinding', rules: policyRules(ISTIO_CNI_REPAIR_RULES), serviceAccount, labels });
    b.whenBuild(this, ambient, () => clusterRoleWithBinding(this, 'ambient', { name: 'istio-cni-ambient', rules: policyRules(ISTIO_CNI_AMBIENT_RULES), serviceAccount, labels }));

    new KubeConfigMap(this, 'config', {
      metadata: { name: 'istio-cni-config', namespace, labels },
      data: cniAgentConfig(b, values),
    });

    this.addDaemonSet(b, values, namespace, labels);

    // OpenShift's Multus runs the plugin only for pods naming this attachment (the injector adds
    // `default/istio-cni` to their k8s.v1.cni.cncf.io/networks annotation).
    b.whenBuild(this, isOpenShift(b, values), () => new ApiObject(this, 'network-attachment', {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'istio-cni', namespace: 'default', labels: { ...commonLabels(values), 'operator.istio.io/component': 'Cni', 'app.kubernetes.io/name': 'istio-cni' } },
    }));
    b.whenBuild(this, needsNodeCriticalQuota(b, values, namespace), () => new KubeResourceQuota(this, 'resource-quota', {
      metadata: { name: 'istio-cni-resource-quota', namespace, labels: { ...commonLabels(values), 'app.kubernetes.io/name': 'istio-cni' } },
      spec: nodeCriticalQuotaSpec(),
    }));
  }

  private addDaemonSet(b: Binder, values: IstioValues, namespace: string, labels: Record<string, string>): void {
    const ambient = values.ambient.enabled;
    const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
    const limitRef = (resource: string) => ({ valueFrom: { resourceFieldRef: { containerName: 'install-cni', divisor: quantity('1'), resource } } });

    new KubeDaemonSet(this, 'daemonset', {
      metadata: { name: 'istio-cni-node', namespace, labels: { ...labels, 'k8s-app': 'istio-cni-node' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'istio-cni-node' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: intOrString(1) } },
        template: {
          metadata: {
            labels: {
              ...commonLabels(values),
              'k8s-app': 'istio-cni-node',
              'sidecar.istio.io/inject': 'false',
              'istio.io/dataplane-mode': 'none',
              'app.kubernetes.io/name': 'istio-cni',
            },
            annotations: {
              'sidecar.istio.io/inject': 'false',
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': '15014',
              'prometheus.io/path': '/metrics',
              // The agent manipulates other pods' network namespaces, which AppArmor's default profile forbids.
              'container.apparmor.security.beta.kubernetes.io/install-cni': 'unconfined',
            },
          },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: NODE_AGENT_TOLERATIONS,
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'istio-cni',
            terminationGracePeriodSeconds: 30,
            imagePullSecrets: pullSecrets(b, values),
            containers: [{
              name: 'install-cni',
              image: istioImage(b, values, 'install-cni'),
              imagePullPolicy: values.global.imagePullPolicy,
              command: ['install-cni'],
              args: b.flat(`--log_output_level=${values.cni.logLevel}`, b.optional(values.global.logAsJson, '--log_as_json')),
              ports: [{ containerPort: 15014, name: 'metrics', protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/readyz', port: intOrString(8000) } },
              securityContext: {
                privileged: false,
                runAsGroup: 0,
                runAsUser: 0,
                runAsNonRoot: false,
                capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'] },
                seLinuxOptions: nodeAgentSeLinux(b, values),
              },
              envFrom: [{ configMapRef: { name: 'istio-cni-config' } }],
              env: [
                { name: 'REPAIR_NODE_NAME', ...fieldRef('spec.nodeName') },
                { name: 'REPAIR_RUN_AS_DAEMON', value: 'true' },
                { name: 'REPAIR_SIDECAR_ANNOTATION', value: 'sidecar.istio.io/status' },
                { name: 'ALLOW_SWITCH_TO_HOST_NS', value: 'true' },
                { name: 'NODE_NAME', ...fieldRef('spec.nodeName') },
                { name: 'GOMEMLIMIT', ...limitRef('limits.memory') },
                { name: 'GOMAXPROCS', ...limitRef('limits.cpu') },
                { name: 'POD_NAME', ...fieldRef('metadata.name') },
                { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
              ],
              volumeMounts: b.flat<k8s.VolumeMount>(
                { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
                { mountPath: '/host/proc', name: 'cni-host-procfs', readOnly: true },
                { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' },
                { mountPath: '/var/run/istio-cni', name: 'cni-socket-dir' },
                b.optional(ambient, { mountPath: '/host/var/run/netns', mountPropagation: 'HostToContainer', name: 'cni-netns-dir' }),
                b.optional(ambient, { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' }),
              ),
              resources: resourceRequirements(b, values.cni.resources),
            }],
            volumes: b.flat<k8s.Volume>(
              { name: 'cni-bin-dir', hostPath: { path: b.fallback(values.cni.binDir, platformCniPath(b, values, 'binDir')) } },
              { name: 'cni-host-procfs', hostPath: { path: '/proc', type: 'Directory' } },
              b.optional(ambient, { name: 'cni-ztunnel-sock-dir', hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' } }),
              { name: 'cni-net-dir', hostPath: { path: b.fallback(values.cni.confDir, platformCniPath(b, values, 'confDir')) } },
              { name: 'cni-socket-dir', hostPath: { path: '/var/run/istio-cni' } },
              { name: 'cni-netns-dir', hostPath: { path: platformCniPath(b, values, 'netnsDir'), type: 'DirectoryOrCreate' } },
            ),
          },
        },
      },
    });
  }
}

/** Which pods ambient mode captures: labelled pods, or pods of labelled namespaces that did not opt out. */
const AMBIENT_ENABLEMENT_SELECTORS = [
  { podSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } } },
  {
    podSelector: { matchExpressions: [{ key: 'istio.io/dataplane-mode', operator: 'NotIn', values: ['none'] }] },
    namespaceSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } },
  },
];

/** The agent's settings (ConfigMap istio-cni-config, read with envFrom), upstream defaults made explicit. */
function cniAgentConfig(b: Binder, values: IstioValues): Record<string, string> {
  return {
    CURRENT_AGENT_VERSION: values.global.tag,
    AMBIENT_ENABLED: b.text(values.ambient.enabled),
    AMBIENT_ENABLEMENT_SELECTOR: JSON.stringify(AMBIENT_ENABLEMENT_SELECTORS),
    AMBIENT_DNS_CAPTURE: 'true',
    AMBIENT_IPV6: 'true',
    AMBIENT_RECONCILE_POD_RULES_ON_STARTUP: 'true',
    ENABLE_AMBIENT_DETECTION_RETRY: 'false',
    ISTIO_OWNED_CNI_CONFIG: 'false',
    // Multus (OpenShift) has no plugin chains: the plugin gets a file of its own there.
    CHAINED_CNI_PLUGIN: b.text(b.and(values.cni.chained, b.not(isOpenShift(b, values)))),
    CNI_CONF_NAME: b.optional(isOpenShift(b, values), 'istio-cni.conf') as string,
    EXCLUDE_NAMESPACES: b.join(values.cni.excludeNamespaces, ','),
    REPAIR_ENABLED: 'true',
    REPAIR_LABEL_PODS: 'false',
    REPAIR_DELETE_PODS: 'false',
    REPAIR_REPAIR_PODS: 'true',
    REPAIR_INIT_CONTAINER_NAME: 'istio-validation',
    REPAIR_BROKEN_POD_LABEL_KEY: 'cni.istio.io/uninitialized',
    REPAIR_BROKEN_POD_LABEL_VALUE: 'true',
    NATIVE_NFTABLES: 'false',
  };
}
