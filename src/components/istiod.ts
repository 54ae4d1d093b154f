import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Binder, ConcreteBinder, binderOf } from '../values/binder';
import { IP_ADDRESS } from '../values/formats';
import { IstioValues } from '../values/model';
import { InjectionValues, buildInjectorConfig, buildInjectorValues } from './injection-templates';
import { IstiodRbac } from './istiod-rbac';
import { IstiodValidator, SidecarInjectorWebhook } from './istiod-webhooks';
import { KubeConfigMap, KubeDeployment, KubeEndpointSlice, KubeHorizontalPodAutoscalerV2, KubePodDisruptionBudget, KubeService, intOrString, quantity, userSupplied } from './kube-objects';
import { commonLabels, isRevisioned, istioImage, istiodName, pullSecrets, revisionLabel, withRevision } from './labels';
import { meshConfig } from './mesh-config';
import { isOpenShift } from './platform';
import { ztunnelNamespace } from './ztunnel';
import { RevisionTags } from './revision-tags';
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
    const b = binderOf(this);
    const revisioned = isRevisioned(b, values);
    const labels = {
      ...commonLabels(values),
      'app': 'istiod',
      'istio': b.choose(revisioned, 'istiod', 'pilot'),
      'istio.io/rev': revisionLabel(b, values),
      'install.operator.istio.io/owning-resource': 'unknown',
      'operator.istio.io/component': 'Pilot',
      'release': 'istio',
      'app.kubernetes.io/name': 'istiod',
    };
    this.selectorLabels = b.choose<Record<string, string>>(revisioned, { 'app': 'istiod', 'istio.io/rev': values.global.revision }, { istio: 'pilot' });

    new SidecarInjectorWebhook(this, 'injector-webhook', { values, labels });
    new RevisionTags(this, 'revision-tags', { values });
    b.whenBuild(this, values.remote.enabled, () => new RemoteIstiodService(this, 'remote-service', { values, labels }));
    b.whenBuild(this, b.not(values.remote.enabled), () => {
      new IstiodRbac(this, 'rbac', { values, labels });
      new IstiodValidator(this, 'validator', { values, labels });
      this.addConfigMaps(b, values, labels);
      this.addWorkload(b, values, labels);
    });
  }

  private addConfigMaps(b: Binder, values: IstioValues, labels: Record<string, string>): void {
    const namespace = values.global.istioNamespace;
    new KubeConfigMap(this, 'mesh-config', {
      metadata: { name: withRevision(b, values, 'istio'), namespace, labels },
      data: {
        mesh: b.yaml(meshConfig(b, values)),
        meshNetworks: b.yaml({ networks: {} }),
      },
    });
    const injection = injectionValues(values, b);
    new KubeConfigMap(this, 'injector-config', {
      metadata: { name: withRevision(b, values, 'istio-sidecar-injector'), namespace, labels },
      data: {
        config: buildInjectorConfig(b, injection),
        values: buildInjectorValues(b, injection),
      },
    });
  }

  private addWorkload(b: Binder, values: IstioValues, labels: Record<string, string>): void {
    const namespace = values.global.istioNamespace;
    const name = istiodName(b, values);
    const { istiod } = values;
    const podLabels = {
      ...commonLabels(values),
      'app': 'istiod',
      'istio.io/rev': revisionLabel(b, values),
      'sidecar.istio.io/inject': 'false',
      'istio': b.choose(isRevisioned(b, values), 'istiod', 'pilot'),
      'istio.io/dataplane-mode': 'none',
      'operator.istio.io/component': 'Pilot',
      'install.operator.istio.io/owning-resource': 'unknown',
    };

    new KubeDeployment(this, 'deployment', {
      metadata: { name, namespace, labels },
      spec: {
        replicas: b.optional(b.not(istiod.autoscale.enabled), istiod.replicaCount),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString('100%'), maxUnavailable: intOrString('25%') } },
        selector: { matchLabels: this.selectorLabels },
        template: {
          metadata: {
            labels: podLabels,
            annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            serviceAccountName: name,
            // No fixed UID/GID/fsGroup, as upstream: the image's user (1337) applies, and platforms that
            // assign UID ranges (OpenShift restricted-v2) can admit the pod.
            securityContext: restrictedPodSecurity(),
            tolerations: b.flat<k8s.Toleration>({ key: 'cni.istio.io/not-ready', operator: 'Exists' }, b.each(istiod.tolerations, (toleration) => userSupplied<k8s.Toleration>(toleration))),
            nodeSelector: b.optional(b.isSet(istiod.nodeSelector), istiod.nodeSelector),
            affinity: b.optional(b.isSet(istiod.affinity), istiod.affinity),
            imagePullSecrets: pullSecrets(b, values),
            containers: [{
              name: 'discovery',
              image: istioImage(b, values, 'pilot'),
              imagePullPolicy: values.global.imagePullPolicy,
              args: b.flat(
                'discovery',
                '--monitoringAddr=:15014',
                `--log_output_level=${values.global.logLevel}`,
                b.optional(values.global.logAsJson, '--log_as_json'),
                '--domain',
                'cluster.local',
                '--keepaliveMaxServerConnectionAge',
                '30m',
              ),
              ports: [
                { containerPort: 8080, name: 'http-debug', protocol: 'TCP' },
                { containerPort: 15010, name: 'grpc-xds', protocol: 'TCP' },
                { containerPort: 15012, name: 'tls-xds', protocol: 'TCP' },
                { containerPort: 15017, name: 'https-webhooks', protocol: 'TCP' },
                { containerPort: 15014, name: 'http-monitoring', protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: intOrString(8080) }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
              env: istiodEnv(b, values),
              resources: resourceRequirements(b, istiod.resources),
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

    new KubeService(this, 'service', {
      metadata: { name, namespace, labels },
      spec: {
        ports: [
          { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
          { name: 'https-dns', port: 15012, protocol: 'TCP' },
          { name: 'https-webhook', port: 443, targetPort: intOrString(15017), protocol: 'TCP' },
          { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
        ],
        selector: b.choose<Record<string, string>>(isRevisioned(b, values), { 'app': 'istiod', 'istio.io/rev': values.global.revision }, { 'app': 'istiod', 'istio': 'pilot' }),
      },
    });

    b.whenBuild(this, istiod.autoscale.enabled, () => {
      new KubeHorizontalPodAutoscalerV2(this, 'autoscaler', {
        metadata: { name, namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: istiod.autoscale.min,
          maxReplicas: istiod.autoscale.max,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: istiod.autoscale.targetCPUUtilizationPercentage } } }],
        },
      });
    });

    const minimumReplicas = b.choose(istiod.autoscale.enabled, istiod.autoscale.min, istiod.replicaCount);
    b.whenBuild(this, b.and(istiod.pdb.enabled, b.gt(minimumReplicas, 1)), () => {
      new KubePodDisruptionBudget(this, 'disruption-budget', {
        metadata: { name, namespace, labels },
        spec: { minAvailable: intOrString(1), selector: { matchLabels: this.selectorLabels } },
      });
    });
  }
}

/**
 * Environment of the discovery container, in upstream's order. No GOMEMLIMIT: as upstream, istiod's
 * automemlimit sets it to 90% of the container's cgroup memory limit.
 */
function istiodEnv(b: Binder, values: IstioValues): k8s.EnvVar[] {
  const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const limitRef = (resource: string) => ({ valueFrom: { resourceFieldRef: { containerName: 'discovery', divisor: quantity('1'), resource } } });
  return b.flat<k8s.EnvVar>(
    { name: 'REVISION', value: revisionLabel(b, values) },
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'POD_NAME', ...fieldRef('metadata.name') },
    { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
    { name: 'SERVICE_ACCOUNT', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.serviceAccountName' } } },
    { name: 'KUBECONFIG', value: '/var/run/secrets/remote/config' },
    { name: 'CA_TRUSTED_NODE_ACCOUNTS', value: `${ztunnelNamespace(b, values)}/ztunnel` },
    b.optional(values.ambient.enabled, { name: 'PILOT_ENABLE_AMBIENT', value: 'true' }),
    b.entries(values.istiod.env, (name, value) => ({ name, value })),
    { name: 'PILOT_TRACE_SAMPLING', value: b.text(values.tracing.sampling) },
    { name: 'PILOT_ENABLE_ANALYSIS', value: 'false' },
    { name: 'CLUSTER_ID', value: values.global.clusterId },
    { name: 'GOMAXPROCS', ...limitRef('limits.cpu') },
    // istiod reads it: on openshift the injector takes the proxy's UID/GID from the namespace's
    // assigned range (openshift.io/sa.scc.uid-range) instead of 1337.
    { name: 'PLATFORM', value: values.global.platform },
  );
}

/** The CNI provider of upstream's `pilot.cni.provider`: multus on OpenShift, else default. */
function cniProvider(b: Binder, values: IstioValues): string {
  return b.choose(isOpenShift(b, values), 'multus', 'default');
}

/** The subset of values the sidecar injector's templates read. */
export function injectionValues(values: IstioValues, b: Binder = new ConcreteBinder()): InjectionValues {
  const proxy = values.sidecarInjection.proxy;
  return {
    global: values.global,
    mesh: { trustDomain: values.mesh.trustDomain },
    sidecarInjection: {
      autoInjection: values.sidecarInjection.enabled,
      allNamespaces: values.sidecarInjection.allNamespaces,
      proxy: {
        resources: proxy.resources,
        logLevel: proxy.logLevel,
        componentLogLevel: proxy.componentLogLevel,
        holdApplicationUntilProxyStarts: proxy.holdApplicationUntilProxyStarts,
        statusPort: 15020,
      },
    },
    trafficCapture: values.trafficCapture,
    cni: { enabled: values.cni.enabled, provider: cniProvider(b, values) },
    istiod: { env: values.istiod.env },
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
    const b = binderOf(this);
    const address = values.remote.pilotAddress;
    b.whenBuild(this, b.isSet(address), () => this.addService(b, values, labels));
  }

  private addService(b: Binder, values: IstioValues, labels: Record<string, string>): void {
    const address = values.remote.pilotAddress;
    const name = istiodName(b, values);
    const namespace = values.global.istioNamespace;
    const ports = [
      { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
      { name: 'tcp-webhook', port: 443, targetPort: intOrString(15017), protocol: 'TCP' },
    ];
    // The model's own definition of an IP address (an RE2 expression, so the chart decides alike).
    const isIpAddress = b.matches(address, `^(?:${IP_ADDRESS.source})$`);
    new KubeService(this, 'service', {
      metadata: { name, namespace, labels },
      spec: {
        type: b.optional(b.not(isIpAddress), 'ExternalName'),
        externalName: b.optional(b.not(isIpAddress), address),
        ports,
      },
    });
    b.whenBuild(this, isIpAddress, () => new KubeEndpointSlice(this, 'endpoints', {
      metadata: { name: `${name}-remote`, namespace, labels: { ...labels, 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'istio-pack' } },
      addressType: b.choose(b.contains(address, ':'), 'IPv6', 'IPv4'),
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports: [{ name: 'tcp-istiod', port: 15012, protocol: 'TCP' }, { name: 'tcp-webhook', port: 15017, protocol: 'TCP' }],
    }));
  }
}
