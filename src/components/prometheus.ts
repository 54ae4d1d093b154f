import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { commonLabels } from './labels';
import { clusterRoleWithBinding } from './rbac';
import { resourceRequirements, restrictedContainerSecurity, restrictedPodSecurity } from './security';
import { platformIdentity } from './platform';
import { KubeConfigMap, KubeDeployment, KubePersistentVolumeClaim, KubeService, KubeServiceAccount, intOrString, quantity } from './kube-objects';

/** Props of {@link Prometheus}. */
export interface PrometheusProps {
  /** Resolved values. */
  readonly values: IstioValues;
}

/** UID of the `nobody` user the Prometheus image runs as. */
const PROMETHEUS_UID = 65534;

/**
 * The scrape configuration. Istio components are found the way Istio documents it, through pod
 * annotations: `prometheus.io/scrape: "true"` with `prometheus.io/port` and `prometheus.io/path`
 * (istiod 15014; gateways and injected sidecars 15020 /stats/prometheus thanks to metrics merging;
 * istio-cni 15014 /metrics; ztunnel 15020). Pods that are not running are skipped.
 */
export function prometheusScrapeConfig(values: IstioValues): Record<string, unknown> {
  const interval = values.addons.prometheus.scrapeInterval;
  const podAnnotation = (name: string) => `__meta_kubernetes_pod_annotation_prometheus_io_${name}`;
  return {
    global: { scrape_interval: interval, scrape_timeout: '10s', evaluation_interval: '1m' },
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
      {
        job_name: 'kubernetes-pods',
        honor_labels: true,
        kubernetes_sd_configs: [{ role: 'pod' }],
        relabel_configs: [
          { action: 'keep', source_labels: [podAnnotation('scrape')], regex: 'true' },
          { action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed|Completed' },
          { action: 'replace', source_labels: [podAnnotation('scheme')], regex: '(https?)', target_label: '__scheme__' },
          { action: 'replace', source_labels: [podAnnotation('path')], regex: '(.+)', target_label: '__metrics_path__' },
          {
            action: 'replace',
            source_labels: [podAnnotation('port'), '__meta_kubernetes_pod_ip'],
            // IPv4 and IPv6 pod addresses: ip:port, [ip]:port
            regex: '(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})',
            replacement: '[$2]:$1',
            target_label: '__address__',
          },
          {
            action: 'replace',
            source_labels: [podAnnotation('port'), '__meta_kubernetes_pod_ip'],
            regex: '(\\d+);((([0-9]+?)(\\.|$)){4})',
            replacement: '$2:$1',
            target_label: '__address__',
          },
          { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
          { action: 'replace', source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { action: 'replace', source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
        ],
      },
    ],
  };
}

/**
 * Prometheus for the mesh: ServiceAccount, read-only discovery RBAC, ConfigMap `prometheus`, Service
 * `prometheus` (http 9090) and Deployment `prometheus`, with upstream's names and ports. Data lives on
 * an emptyDir, or on PersistentVolumeClaim `prometheus` with `addons.prometheus.persistence.enabled`.
 */
export class Prometheus extends Construct {
  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const values = props.values;
    const b = binderOf(this);
    const settings = values.addons.prometheus;
    const namespace = values.global.istioNamespace;
    const labels = { ...commonLabels(values), 'app': 'prometheus', 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' };
    const selector = { 'app': 'prometheus', 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' };

    new KubeServiceAccount(this, 'service-account', { metadata: { name: 'prometheus', namespace, labels } });
    clusterRoleWithBinding(this, 'cluster', {
      name: 'prometheus',
      rules: [
        // No nodes/proxy: it opens the kubelet API (upstream's samples/addons Prometheus does not get it either).
        { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { nonResourceUrLs: ['/metrics'], verbs: ['get'] },
      ],
      serviceAccount: { name: 'prometheus', namespace },
      labels,
    });
    new KubeConfigMap(this, 'config', {
      metadata: { name: 'prometheus', namespace, labels },
      data: { 'prometheus.yml': b.yaml(prometheusScrapeConfig(values)) },
    });
    new KubeService(this, 'service', {
      metadata: { name: 'prometheus', namespace, labels },
      spec: { type: settings.serviceType, selector, ports: [{ name: 'http', port: 9090, protocol: 'TCP', targetPort: intOrString(9090) }] },
    });
    b.whenBuild(this, settings.persistence.enabled, () => {
      new KubePersistentVolumeClaim(this, 'claim', {
        metadata: { name: 'prometheus', namespace, labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: quantity(settings.persistence.size) } },
          storageClassName: b.optional(b.isSet(settings.persistence.storageClassName), settings.persistence.storageClassName),
        },
      });
    });

    const probe = (path: string, delay: number): k8s.Probe => ({ httpGet: { path, port: intOrString(9090), scheme: 'HTTP' }, initialDelaySeconds: delay, periodSeconds: 5, timeoutSeconds: 4, failureThreshold: 3 });
    new KubeDeployment(this, 'deployment', {
      metadata: { name: 'prometheus', namespace, labels },
      spec: {
        replicas: 1,
        // Two servers must never write the same TSDB.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false' } },
          spec: {
            serviceAccountName: 'prometheus',
            securityContext: restrictedPodSecurity(platformIdentity(b, values, PROMETHEUS_UID)),
            containers: [{
              name: 'prometheus-server',
              image: settings.image,
              imagePullPolicy: values.global.imagePullPolicy,
              args: [
                `--storage.tsdb.retention.time=${settings.retention}`,
                '--config.file=/etc/config/prometheus.yml',
                '--storage.tsdb.path=/data',
                '--web.console.libraries=/etc/prometheus/console_libraries',
                '--web.console.templates=/etc/prometheus/consoles',
              ],
              ports: [{ containerPort: 9090, name: 'http', protocol: 'TCP' }],
              readinessProbe: probe('/-/ready', 0),
              livenessProbe: probe('/-/healthy', 30),
              resources: resourceRequirements(b, settings.resources),
              securityContext: restrictedContainerSecurity(),
              volumeMounts: [
                { name: 'config-volume', mountPath: '/etc/config', readOnly: true },
                { name: 'storage-volume', mountPath: '/data' },
              ],
            }],
            volumes: [
              { name: 'config-volume', configMap: { name: 'prometheus' } },
              b.choose<k8s.Volume>(settings.persistence.enabled,
                { name: 'storage-volume', persistentVolumeClaim: { claimName: 'prometheus' } },
                { name: 'storage-volume', emptyDir: {} }),
            ],
          },
        },
      },
    });
  }
}
