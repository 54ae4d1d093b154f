import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Binder, binderOf } from '../values/binder';
import { GatewayPortValues, GatewayValues, IstioValues } from '../values/model';
import { ISTIO_UID } from './istiod';
import { commonLabels, istioImage, istiodAddress, pullSecrets, revisionLabel, withRevision } from './labels';
import { GATEWAY_SDS_RULES } from './rbac-rules';
import { policyRules } from './rbac';
import { resourceRequirements, restrictedContainerSecurity, restrictedPodSecurity } from './security';
import { platformIdentity } from './platform';
import { KubeDeployment, KubeHorizontalPodAutoscalerV2, KubePodDisruptionBudget, KubeRole, KubeRoleBinding, KubeService, KubeServiceAccount, intOrString, quantity, userSupplied, valuesList } from './kube-objects';

/** Which way a gateway faces. */
export type GatewayKind = 'ingress' | 'egress';

/** Props of {@link IstioGateway}. */
export interface IstioGatewayProps {
  /** Resolved values (global settings). */
  readonly values: IstioValues;
  /** This gateway's item of `gateways.ingress[]` or `gateways.egress[]`. */
  readonly gateway: GatewayValues;
  /** Ingress or egress. */
  readonly kind: GatewayKind;
}

/** The container port a Service port targets: `targetPort`, or the port itself when 0 ("same as port"). */
export function effectiveTargetPort(b: Binder, port: GatewayPortValues): number {
  return b.fallback(port.targetPort, port.port);
}

/**
 * One Istio gateway (Envoy in router mode) as Istio 1.30's istio-ingress/istio-egress charts render
 * it: ServiceAccount `istio-<name>-service-account`, SDS Role/RoleBinding `istio-<name>-sds`,
 * Deployment and Service `istio-<name>`, an HPA while autoscaling, a PDB when at least two replicas
 * are kept. Selectors are `app: istio-<name>`, `istio: <name>` — fixed by the gateway's name only.
 */
export class IstioGateway extends Construct {
  /** Object name: `istio-<gatewayName>`. */
  public readonly name: string;
  /** Selector labels of the gateway pods. */
  public readonly selectorLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: IstioGatewayProps) {
    super(scope, id);
    const { values, gateway, kind } = props;
    const b = binderOf(this);
    const namespace = values.global.istioNamespace;
    this.name = `istio-${gateway.gatewayName}`;
    this.selectorLabels = { app: this.name, istio: gateway.gatewayName };
    const component = kind === 'ingress' ? 'IngressGateways' : 'EgressGateways';
    const labels = {
      ...commonLabels(values),
      ...this.selectorLabels,
      'release': 'istio',
      'istio.io/rev': revisionLabel(b, values),
      'install.operator.istio.io/owning-resource': 'unknown',
      'operator.istio.io/component': component,
      'app.kubernetes.io/name': this.name,
      'istio.io/dataplane-mode': 'none',
      [NETWORK_LABEL]: networkLabel(b, gateway),
    };
    const serviceAccount = `${this.name}-service-account`;

    new KubeServiceAccount(this, 'service-account', {
      metadata: { name: serviceAccount, namespace, labels },
      imagePullSecrets: pullSecrets(b, values),
    });
    new KubeRole(this, 'sds-role', {
      metadata: { name: `${this.name}-sds`, namespace, labels },
      rules: policyRules(GATEWAY_SDS_RULES),
    });
    new KubeRoleBinding(this, 'sds-role-binding', {
      metadata: { name: `${this.name}-sds`, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${this.name}-sds` },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount }],
    });

    this.addDeployment(b, values, gateway, kind, labels, serviceAccount);
    this.addService(b, gateway, namespace, labels);
    this.addScaling(b, gateway, namespace, labels);
  }

  private addDeployment(b: Binder, values: IstioValues, gateway: GatewayValues, kind: GatewayKind, labels: Record<string, string>, serviceAccount: string): void {
    const podLabels = {
      ...commonLabels(values),
      ...this.selectorLabels,
      'service.istio.io/canonical-name': this.name,
      'service.istio.io/canonical-revision': 'latest',
      'sidecar.istio.io/inject': 'false',
      'istio.io/rev': revisionLabel(b, values),
      'operator.istio.io/component': labels['operator.istio.io/component'],
      'istio.io/dataplane-mode': 'none',
      [NETWORK_LABEL]: networkLabel(b, gateway),
    };
    const prometheusMerge = values.mesh.enablePrometheusMerge;

    new KubeDeployment(this, 'deployment', {
      metadata: { name: this.name, namespace: values.global.istioNamespace, labels },
      spec: {
        replicas: b.optional(b.not(gateway.autoscaleEnabled), gateway.replicaCount),
        selector: { matchLabels: this.selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString('100%'), maxUnavailable: intOrString('25%') } },
        template: {
          metadata: {
            labels: podLabels,
            annotations: b.deepMerge({
              'istio.io/rev': revisionLabel(b, values),
              'prometheus.io/path': b.optional(prometheusMerge, '/stats/prometheus'),
              'prometheus.io/port': b.optional(prometheusMerge, '15020'),
              'prometheus.io/scrape': b.optional(prometheusMerge, 'true'),
              'sidecar.istio.io/inject': 'false',
            }, gateway.podAnnotations) as Record<string, string>,
          },
          spec: {
            serviceAccountName: serviceAccount,
            securityContext: {
              ...restrictedPodSecurity(platformIdentity(b, values, ISTIO_UID)),
              // Lets the non-root proxy bind ports below 1024 when a targetPort asks for it (e.g. 80).
              sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
            },
            nodeSelector: b.optional(b.isSet(gateway.nodeSelector), gateway.nodeSelector),
            tolerations: b.optional(b.isSet(gateway.tolerations), userSupplied<k8s.Toleration[]>(gateway.tolerations)),
            affinity: b.optional(b.isSet(gateway.affinity), gateway.affinity),
            containers: [{
              name: 'istio-proxy',
              image: istioImage(b, values, 'proxyv2'),
              imagePullPolicy: values.global.imagePullPolicy,
              args: b.flat(
                'proxy',
                'router',
                '--domain',
                '$(POD_NAMESPACE).svc.cluster.local',
                `--proxyLogLevel=${values.sidecarInjection.proxy.logLevel}`,
                `--proxyComponentLogLevel=${values.sidecarInjection.proxy.componentLogLevel}`,
                `--log_output_level=${values.global.logLevel}`,
                b.optional(values.global.logAsJson, '--log_as_json'),
              ),
              // One container port per distinct targetPort (two Service ports may share one); 15090 is Envoy's own.
              ports: b.flat<k8s.ContainerPort>(
                b.each(gateway.ports, (port) => ({ containerPort: effectiveTargetPort(b, port), protocol: port.protocol }), {
                  where: (port) => b.not(b.eq(effectiveTargetPort(b, port), 15090)),
                  uniqueBy: (port) => `${effectiveTargetPort(b, port)}/${port.protocol}`,
                }),
                { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
              ),
              readinessProbe: {
                httpGet: { path: '/healthz/ready', port: intOrString(15021), scheme: 'HTTP' },
                initialDelaySeconds: 1,
                periodSeconds: 2,
                timeoutSeconds: 1,
                successThreshold: 1,
                failureThreshold: 30,
              },
              resources: resourceRequirements(b, gateway.resources),
              securityContext: restrictedContainerSecurity(),
              env: gatewayEnv(b, values, this.name, gateway),
              volumeMounts: [
                { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
                { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
                { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
                { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
                { name: 'config-volume', mountPath: '/etc/istio/config' },
                { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
                { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
                { name: 'istio-data', mountPath: '/var/lib/istio/data' },
                { name: 'podinfo', mountPath: '/etc/istio/pod' },
                { name: `${kind}gateway-certs`, mountPath: `/etc/istio/${kind}gateway-certs`, readOnly: true },
                { name: `${kind}gateway-ca-certs`, mountPath: `/etc/istio/${kind}gateway-ca-certs`, readOnly: true },
              ],
            }],
            volumes: [
              { name: 'workload-socket', emptyDir: {} },
              { name: 'credential-socket', emptyDir: {} },
              { name: 'workload-certs', emptyDir: {} },
              { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
              {
                name: 'podinfo',
                downwardApi: {
                  items: [
                    { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
                    { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
                  ],
                },
              },
              { name: 'istio-envoy', emptyDir: {} },
              { name: 'istio-data', emptyDir: {} },
              { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
              { name: 'config-volume', configMap: { name: withRevision(b, values, 'istio'), optional: true } },
              { name: `${kind}gateway-certs`, secret: { secretName: `istio-${kind}gateway-certs`, optional: true } },
              { name: `${kind}gateway-ca-certs`, secret: { secretName: `istio-${kind}gateway-ca-certs`, optional: true } },
            ],
          },
        },
      },
    });
  }

  private addService(b: Binder, gateway: GatewayValues, namespace: string, labels: Record<string, string>): void {
    const exposed = b.not(b.eq(gateway.serviceType, 'ClusterIP'));
    new KubeService(this, 'service', {
      metadata: {
        name: this.name,
        namespace,
        labels,
        annotations: { ...b.spread(gateway.serviceAnnotations) },
      },
      spec: {
        type: gateway.serviceType,
        selector: this.selectorLabels,
        ports: b.each(gateway.ports, (port) => ({
          name: port.name,
          port: port.port,
          protocol: port.protocol,
          targetPort: intOrString(effectiveTargetPort(b, port)),
          nodePort: b.optional(b.and(exposed, b.isSet(port.nodePort)), port.nodePort),
        })),
        loadBalancerIp: b.optional(b.isSet(gateway.loadBalancerIP), gateway.loadBalancerIP),
        loadBalancerSourceRanges: b.optional(b.isSet(gateway.loadBalancerSourceRanges), valuesList(gateway.loadBalancerSourceRanges)),
        externalTrafficPolicy: b.optional(b.and(exposed, b.isSet(gateway.externalTrafficPolicy)), gateway.externalTrafficPolicy),
      },
    });
  }

  private addScaling(b: Binder, gateway: GatewayValues, namespace: string, labels: Record<string, string>): void {
    b.whenBuild(this, gateway.autoscaleEnabled, () => {
      new KubeHorizontalPodAutoscalerV2(this, 'autoscaler', {
        metadata: { name: this.name, namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: gateway.minReplicas,
          maxReplicas: gateway.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: gateway.targetCPUUtilizationPercentage } } }],
        },
      });
    });
    const keptReplicas = b.choose(gateway.autoscaleEnabled, gateway.minReplicas, gateway.replicaCount);
    b.whenBuild(this, b.gt(keptReplicas, 1), () => {
      new KubePodDisruptionBudget(this, 'disruption-budget', {
        metadata: { name: this.name, namespace, labels },
        spec: { minAvailable: intOrString(1), selector: { matchLabels: this.selectorLabels } },
      });
    });
  }
}

/** Environment of the gateway proxy, as upstream's legacy gateway charts set it. */
function gatewayEnv(b: Binder, values: IstioValues, name: string, gateway: GatewayValues): k8s.EnvVar[] {
  const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const meshId = b.fallback(values.global.meshId, values.mesh.trustDomain);
  return b.flat<k8s.EnvVar>(
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: istiodAddress(b, values) },
    { name: 'NODE_NAME', ...fieldRef('spec.nodeName') },
    { name: 'POD_NAME', ...fieldRef('metadata.name') },
    { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
    { name: 'INSTANCE_IP', ...fieldRef('status.podIP') },
    { name: 'HOST_IP', ...fieldRef('status.hostIP') },
    { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { divisor: quantity('1'), resource: 'limits.cpu' } } },
    { name: 'SERVICE_ACCOUNT', ...fieldRef('spec.serviceAccountName') },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: name },
    { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${values.global.istioNamespace}/deployments/${name}` },
    { name: 'ISTIO_META_MESH_ID', value: meshId },
    { name: 'TRUST_DOMAIN', value: values.mesh.trustDomain },
    { name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' },
    { name: 'ISTIO_META_CLUSTER_ID', value: values.global.clusterId },
    { name: 'ISTIO_META_NODE_NAME', ...fieldRef('spec.nodeName') },
    b.optional(b.isSet(values.global.network), { name: 'ISTIO_META_NETWORK', value: values.global.network }),
    // An east-west gateway routes only to endpoints of its own network (gen-eastwest-gateway.sh).
    b.optional(b.isSet(gateway.network), { name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: gateway.network }),
    b.entries(gateway.env, (envName, value) => ({ name: envName, value })),
  );
}

/** The label istiod reads to find a network's gateway (on its Service) and a namespace's network. */
export const NETWORK_LABEL = 'topology.istio.io/network';

/** `topology.istio.io/network` of an east-west gateway's objects and pods; left out for other gateways. */
function networkLabel(b: Binder, gateway: GatewayValues): string {
  return b.optional(b.isSet(gateway.network), gateway.network) as string;
}
