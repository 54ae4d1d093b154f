import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioValues } from '../values/model';
import { InjectionValues, buildInjectorConfig, buildInjectorValues } from './injection-templates';
import { IstiodRbac } from './istiod-rbac';
import { IstiodValidator, SidecarInjectorWebhook } from './istiod-webhooks';
import { commonLabels, istioImage, istiodName, revisionLabel, withRevision } from './labels';
import { meshConfig, toConfigYaml } from './mesh-config';
import { resourceRequirements, restrictedContainerSecurity, restrictedPodSecurity } from './security';

/** Props of {@link Istiod}. */
export interface IstiodProps {
  /** Resolved values. */
  readonly values: IstioValues;
}

/** UID/GID the Istio images run as. */
export const ISTIO_UID = 1337;

/**
 * The istiod control plane, with the object names, labels, selectors and ports of Istio 1.30's istiod
 * chart. In a remote cluster (`remote.enabled`) only what a remote needs is rendered: the injector
 * webhook pointing at the external istiod and an `istiod` Service routed to it (reader RBAC is in base).
 */
export class Istiod extends Construct {
  /** Selector labels of the istiod pods (never derived from values a user is expected to change). */
  public readonly selectorLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: IstiodProps) {
    super(scope, id);
    const values = props.values;
    const revisioned = values.global.revision !== '';
    const labels = {
      ...commonLabels(values),
      'app': 'istiod',
      'istio': revisioned ? 'istiod' : 'pilot',
      'istio.io/rev': revisionLabel(values),
      'install.operator.istio.io/owning-resource': 'unknown',
      'operator.istio.io/component': 'Pilot',
      'release': 'istio',
      'app.kubernetes.io/name': 'istiod',
    };
    this.selectorLabels = revisioned ? { 'app': 'istiod', 'istio.io/rev': values.global.revision } : { istio: 'pilot' };

    new SidecarInjectorWebhook(this, 'injector-webhook', { values, labels });
    if (values.remote.enabled) {
      new RemoteIstiodService(this, 'remote-service', { values, labels });
      return;
    }
    new IstiodRbac(this, 'rbac', { values, labels });
    new IstiodValidator(this, 'validator', { values, labels });
    this.addConfigMaps(values, labels);
    this.addWorkload(values, labels);
  }

  private addConfigMaps(values: IstioValues, labels: Record<string, string>): void {
    const namespace = values.global.istioNamespace;
    new ApiObject(this, 'mesh-config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: withRevision('istio', values), namespace, labels },
      data: {
        mesh: toConfigYaml(meshConfig(values)),
        meshNetworks: toConfigYaml({ networks: {} }),
      },
    });
    const injection = injectionValues(values);
    new ApiObject(this, 'injector-config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: withRevision('istio-sidecar-injector', values), namespace, labels },
      data: {
        config: buildInjectorConfig(injection),
        values: buildInjectorValues(injection),
      },
    });
  }

  private addWorkload(values: IstioValues, labels: Record<string, string>): void {
    const namespace = values.global.istioNamespace;
    const name = istiodName(values);
    const { istiod } = values;
    const podLabels = {
      ...commonLabels(values),
      'app': 'istiod',
      'istio.io/rev': revisionLabel(values),
      'sidecar.istio.io/inject': 'false',
      'istio': values.global.revision === '' ? 'pilot' : 'istiod',
      'istio.io/dataplane-mode': 'none',
      'operator.istio.io/component': 'Pilot',
      'install.operator.istio.io/owning-resource': 'unknown',
    };

    new ApiObject(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        ...(istiod.autoscale.enabled ? {} : { replicas: istiod.replicaCount }),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
        selector: { matchLabels: this.selectorLabels },
        template: {
          metadata: {
            labels: podLabels,
            annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            serviceAccountName: name,
            securityContext: restrictedPodSecurity(ISTIO_UID),
            tolerations: [{ key: 'cni.istio.io/not-ready', operator: 'Exists' }, ...istiod.tolerations],
            ...(Object.keys(istiod.nodeSelector).length > 0 ? { nodeSelector: istiod.nodeSelector } : {}),
            ...(Object.keys(istiod.affinity).length > 0 ? { affinity: istiod.affinity } : {}),
            ...(values.global.imagePullSecrets.length > 0 ? { imagePullSecrets: values.global.imagePullSecrets.map((secret) => ({ name: secret })) } : {}),
            containers: [{
              name: 'discovery',
              image: istioImage(values, 'pilot'),
              imagePullPolicy: values.global.imagePullPolicy,
              args: [
                'discovery',
                '--monitoringAddr=:15014',
                `--log_output_level=${values.global.logLevel}`,
                ...(values.global.logAsJson ? ['--log_as_json'] : []),
                '--domain',
                'cluster.local',
                '--keepaliveMaxServerConnectionAge',
                '30m',
              ],
              ports: [
                { containerPort: 8080, name: 'http-debug', protocol: 'TCP' },
                { containerPort: 15010, name: 'grpc-xds', protocol: 'TCP' },
                { containerPort: 15012, name: 'tls-xds', protocol: 'TCP' },
                { containerPort: 15017, name: 'https-webhooks', protocol: 'TCP' },
                { containerPort: 15014, name: 'http-monitoring', protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
              env: istiodEnv(values),
              resources: resourceRequirements(istiod.resources),
              securityContext: restrictedContainerSecurity(),
              volumeMounts: [
                { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
                { name: 'local-certs', mountPath: '/var/run/secrets/istio-dns' },
                { name: 'cacerts', mountPath: '/etc/cacerts', readOnly: true },
                { name: 'istio-kubeconfig', mountPath: '/var/run/secrets/remote', readOnly: true },
                { name: 'istio-csr-dns-cert', mountPath: '/var/run/secrets/istiod/tls', readOnly: true },
                { name: 'istio-csr-ca-configmap', mountPath: '/var/run/secrets/istiod/ca', readOnly: true },
              ],
            }],
            volumes: [
              { name: 'local-certs', emptyDir: { medium: 'Memory' } },
              { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
              { name: 'cacerts', secret: { secretName: 'cacerts', optional: true } },
              { name: 'istio-kubeconfig', secret: { secretName: 'istio-kubeconfig', optional: true } },
              { name: 'istio-csr-dns-cert', secret: { secretName: 'istiod-tls', optional: true } },
              { name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', defaultMode: 420, optional: true } },
            ],
          },
        },
      },
    });

    new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: {
        ports: [
          { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
          { name: 'https-dns', port: 15012, protocol: 'TCP' },
          { name: 'https-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
          { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
        ],
        selector: values.global.revision === '' ? { 'app': 'istiod', 'istio': 'pilot' } : { 'app': 'istiod', 'istio.io/rev': values.global.revision },
      },
    });

    if (istiod.autoscale.enabled) {
      new ApiObject(this, 'autoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name, namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: istiod.autoscale.min,
          maxReplicas: istiod.autoscale.max,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: istiod.autoscale.targetCPUUtilizationPercentage } } }],
        },
      });
    }

    const minimumReplicas = istiod.autoscale.enabled ? istiod.autoscale.min : istiod.replicaCount;
    if (istiod.pdb.enabled && minimumReplicas > 1) {
      new ApiObject(this, 'disruption-budget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name, namespace, labels },
        spec: { minAvailable: 1, selector: { matchLabels: this.selectorLabels } },
      });
    }
  }
}

/** Environment of the discovery container, in upstream's order. */
function istiodEnv(values: IstioValues): Array<Record<string, unknown>> {
  const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const limitRef = (resource: string) => ({ valueFrom: { resourceFieldRef: { containerName: 'discovery', divisor: '1', resource } } });
  const extra = Object.entries(values.istiod.env).map(([name, value]) => ({ name, value }));
  return [
    { name: 'REVISION', value: revisionLabel(values) },
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'POD_NAME', ...fieldRef('metadata.name') },
    { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
    { name: 'SERVICE_ACCOUNT', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.serviceAccountName' } } },
    { name: 'KUBECONFIG', value: '/var/run/secrets/remote/config' },
    { name: 'CA_TRUSTED_NODE_ACCOUNTS', value: `${values.global.istioNamespace}/ztunnel` },
    ...(values.ambient.enabled ? [{ name: 'PILOT_ENABLE_AMBIENT', value: 'true' }] : []),
    ...extra,
    { name: 'PILOT_TRACE_SAMPLING', value: String(values.tracing.sampling) },
    { name: 'PILOT_ENABLE_ANALYSIS', value: 'false' },
    { name: 'CLUSTER_ID', value: values.global.clusterId },
    { name: 'GOMEMLIMIT', ...limitRef('limits.memory') },
    { name: 'GOMAXPROCS', ...limitRef('limits.cpu') },
    { name: 'PLATFORM', value: '' },
  ];
}

/** The subset of values the sidecar injector's templates read. */
export function injectionValues(values: IstioValues): InjectionValues {
  return {
    global: values.global,
    mesh: { trustDomain: values.mesh.trustDomain },
    sidecarInjection: {
      autoInjection: values.sidecarInjection.enabled,
      proxy: { ...values.sidecarInjection.proxy, statusPort: 15020 },
    },
    trafficCapture: values.trafficCapture,
    cni: { enabled: values.cni.enabled },
  };
}

/**
 * In a remote cluster, sidecars reach the external istiod through a local `istiod` Service: an
 * ExternalName for a host name, or a selector-less Service with an EndpointSlice for an IP.
 */
class RemoteIstiodService extends Construct {
  constructor(scope: Construct, id: string, props: { readonly values: IstioValues; readonly labels: Record<string, string> }) {
    super(scope, id);
    const { values, labels } = props;
    const address = values.remote.pilotAddress;
    if (address === '') return;
    const name = istiodName(values);
    const namespace = values.global.istioNamespace;
    const ports = [
      { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
      { name: 'tcp-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
    ];
    const isIpAddress = /^[0-9.]+$/.test(address) || address.includes(':');
    new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: isIpAddress ? { ports } : { type: 'ExternalName', externalName: address, ports },
    });
    if (!isIpAddress) return;
    new ApiObject(this, 'endpoints', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-remote`, namespace, labels: { ...labels, 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'istio-pack' } },
      addressType: address.includes(':') ? 'IPv6' : 'IPv4',
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports: [{ name: 'tcp-istiod', port: 15012, protocol: 'TCP' }, { name: 'tcp-webhook', port: 15017, protocol: 'TCP' }],
    });
  }
}
