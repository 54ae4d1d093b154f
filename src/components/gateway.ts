import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayPortValues, GatewayValues, IstioValues } from '../values/model';
import { ISTIO_UID } from './istiod';
import { commonLabels, istioImage, istiodAddress, revisionLabel, withRevision } from './labels';
import { GATEWAY_SDS_RULES } from './rbac-rules';
import { resourceRequirements, restrictedContainerSecurity, restrictedPodSecurity } from './security';

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
export function effectiveTargetPort(port: GatewayPortValues): number {
  return port.targetPort === 0 ? port.port : port.targetPort;
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
    const namespace = values.global.istioNamespace;
    this.name = `istio-${gateway.gatewayName}`;
    this.selectorLabels = { app: this.name, istio: gateway.gatewayName };
    const component = kind === 'ingress' ? 'IngressGateways' : 'EgressGateways';
    const labels = {
      ...commonLabels(values),
      ...this.selectorLabels,
      'release': 'istio',
      'istio.io/rev': revisionLabel(values),
      'install.operator.istio.io/owning-resource': 'unknown',
      'operator.istio.io/component': component,
      'app.kubernetes.io/name': this.name,
      'istio.io/dataplane-mode': 'none',
    };
    const serviceAccount = `${this.name}-service-account`;

    new ApiObject(this, 'service-account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: serviceAccount, namespace, labels },
      ...(values.global.imagePullSecrets.length > 0 ? { imagePullSecrets: values.global.imagePullSecrets.map((secret) => ({ name: secret })) } : {}),
    });
    new ApiObject(this, 'sds-role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: `${this.name}-sds`, namespace, labels },
      rules: GATEWAY_SDS_RULES,
    });
    new ApiObject(this, 'sds-role-binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${this.name}-sds`, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${this.name}-sds` },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount }],
    });

    this.addDeployment(values, gateway, kind, labels, serviceAccount);
    this.addService(gateway, namespace, labels);
    this.addScaling(gateway, namespace, labels);
  }

  private addDeployment(values: IstioValues, gateway: GatewayValues, kind: GatewayKind, labels: Record<string, string>, serviceAccount: string): void {
    const podLabels = {
      ...commonLabels(values),
      ...this.selectorLabels,
      'service.istio.io/canonical-name': this.name,
      'service.istio.io/canonical-revision': 'latest',
      'sidecar.istio.io/inject': 'false',
      'istio.io/rev': revisionLabel(values),
      'operator.istio.io/component': labels['operator.istio.io/component'],
      'istio.io/dataplane-mode': 'none',
    };
    const prometheus = values.mesh.enablePrometheusMerge
      ? { 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true' }
      : {};
    const containerPorts = uniqueContainerPorts(gateway.ports);

    new ApiObject(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: this.name, namespace: values.global.istioNamespace, labels },
      spec: {
        ...(gateway.autoscaleEnabled ? {} : { replicas: gateway.replicaCount }),
        selector: { matchLabels: this.selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
        template: {
          metadata: {
            labels: podLabels,
            annotations: {
              'istio.io/rev': revisionLabel(values),
              ...prometheus,
              'sidecar.istio.io/inject': 'false',
              ...gateway.podAnnotations,
            },
          },
          spec: {
            serviceAccountName: serviceAccount,
            securityContext: {
              ...restrictedPodSecurity(ISTIO_UID),
              // Lets the non-root proxy bind ports below 1024 when a targetPort asks for it (e.g. 80).
              sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
            },
            ...(Object.keys(gateway.nodeSelector).length > 0 ? { nodeSelector: gateway.nodeSelector } : {}),
            ...(gateway.tolerations.length > 0 ? { tolerations: gateway.tolerations } : {}),
            ...(Object.keys(gateway.affinity).length > 0 ? { affinity: gateway.affinity } : {}),
            containers: [{
              name: 'istio-proxy',
              image: istioImage(values, 'proxyv2'),
              imagePullPolicy: values.global.imagePullPolicy,
              args: [
                'proxy',
                'router',
                '--domain',
                '$(POD_NAMESPACE).svc.cluster.local',
                `--proxyLogLevel=${values.sidecarInjection.proxy.logLevel}`,
                `--proxyComponentLogLevel=${values.sidecarInjection.proxy.componentLogLevel}`,
                `--log_output_level=${values.global.logLevel}`,
                ...(values.global.logAsJson ? ['--log_as_json'] : []),
              ],
              ports: [
                ...containerPorts.map((port) => ({ containerPort: effectiveTargetPort(port), protocol: port.protocol })),
                { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
              ],
              readinessProbe: {
                httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
                initialDelaySeconds: 1,
                periodSeconds: 2,
                timeoutSeconds: 1,
                successThreshold: 1,
                failureThreshold: 30,
              },
              resources: resourceRequirements(gateway.resources),
              securityContext: restrictedContainerSecurity(),
              env: gatewayEnv(values, this.name, gateway),
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
                downwardAPI: {
                  items: [
                    { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
                    { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
                  ],
                },
              },
              { name: 'istio-envoy', emptyDir: {} },
              { name: 'istio-data', emptyDir: {} },
              { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
              { name: 'config-volume', configMap: { name: withRevision('istio', values), optional: true } },
              { name: `${kind}gateway-certs`, secret: { secretName: `istio-${kind}gateway-certs`, optional: true } },
              { name: `${kind}gateway-ca-certs`, secret: { secretName: `istio-${kind}gateway-ca-certs`, optional: true } },
            ],
          },
        },
      },
    });
  }

  private addService(gateway: GatewayValues, namespace: string, labels: Record<string, string>): void {
    const exposed = gateway.serviceType !== 'ClusterIP';
    new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: this.name,
        namespace,
        labels,
        ...(Object.keys(gateway.serviceAnnotations).length > 0 ? { annotations: gateway.serviceAnnotations } : {}),
      },
      spec: {
        type: gateway.serviceType,
        selector: this.selectorLabels,
        ports: gateway.ports.map((port) => ({
          name: port.name,
          port: port.port,
          protocol: port.protocol,
          targetPort: effectiveTargetPort(port),
          ...(exposed && port.nodePort !== undefined ? { nodePort: port.nodePort } : {}),
        })),
        ...(gateway.loadBalancerIP !== '' ? { loadBalancerIP: gateway.loadBalancerIP } : {}),
        ...(gateway.loadBalancerSourceRanges.length > 0 ? { loadBalancerSourceRanges: gateway.loadBalancerSourceRanges } : {}),
        ...(exposed && gateway.externalTrafficPolicy !== '' ? { externalTrafficPolicy: gateway.externalTrafficPolicy } : {}),
      },
    });
  }

  private addScaling(gateway: GatewayValues, namespace: string, labels: Record<string, string>): void {
    if (gateway.autoscaleEnabled) {
      new ApiObject(this, 'autoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: this.name, namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: gateway.minReplicas,
          maxReplicas: gateway.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: gateway.targetCPUUtilizationPercentage } } }],
        },
      });
    }
    const keptReplicas = gateway.autoscaleEnabled ? gateway.minReplicas : gateway.replicaCount;
    if (keptReplicas > 1) {
      new ApiObject(this, 'disruption-budget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: this.name, namespace, labels },
        spec: { minAvailable: 1, selector: { matchLabels: this.selectorLabels } },
      });
    }
  }
}

/** Service ports reduced to distinct container ports (two Service ports may share a targetPort). */
function uniqueContainerPorts(ports: readonly GatewayPortValues[]): GatewayPortValues[] {
  const seen = new Set<string>();
  return ports.filter((port) => {
    const key = `${effectiveTargetPort(port)}/${port.protocol}`;
    if (seen.has(key) || effectiveTargetPort(port) === 15090) return false;
    seen.add(key);
    return true;
  });
}

/** Environment of the gateway proxy, as upstream's legacy gateway charts set it. */
function gatewayEnv(values: IstioValues, name: string, gateway: GatewayValues): Array<Record<string, unknown>> {
  const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const meshId = values.global.meshId === '' ? values.mesh.trustDomain : values.global.meshId;
  const env: Array<Record<string, unknown>> = [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: istiodAddress(values) },
    { name: 'NODE_NAME', ...fieldRef('spec.nodeName') },
    { name: 'POD_NAME', ...fieldRef('metadata.name') },
    { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
    { name: 'INSTANCE_IP', ...fieldRef('status.podIP') },
    { name: 'HOST_IP', ...fieldRef('status.hostIP') },
    { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { divisor: '1', resource: 'limits.cpu' } } },
    { name: 'SERVICE_ACCOUNT', ...fieldRef('spec.serviceAccountName') },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: name },
    { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${values.global.istioNamespace}/deployments/${name}` },
    { name: 'ISTIO_META_MESH_ID', value: meshId },
    { name: 'TRUST_DOMAIN', value: values.mesh.trustDomain },
    { name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' },
    { name: 'ISTIO_META_CLUSTER_ID', value: values.global.clusterId },
    { name: 'ISTIO_META_NODE_NAME', ...fieldRef('spec.nodeName') },
  ];
  if (values.global.network !== '') env.push({ name: 'ISTIO_META_NETWORK', value: values.global.network });
  for (const [envName, value] of Object.entries(gateway.env)) env.push({ name: envName, value });
  return env;
}
