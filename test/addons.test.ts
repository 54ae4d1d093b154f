import * as yaml from 'js-yaml';
import { Jaeger } from '../src/components/jaeger';
import { Prometheus, prometheusScrapeConfig } from '../src/components/prometheus';
import { renderProfile } from '../src/outputs/render-profile';
import { AmbientProfile, DemoProfile } from '../src/profiles/builtin-profiles';
import { Labels, RelabelRule, metaName, relabel } from './support/relabel';
import { only, synthComponent, valuesWith } from './support/values';

const objectsOf = (files: ReadonlyMap<string, string>) =>
  [...files.entries()].filter(([name]) => name !== 'kustomization.yaml').flatMap(([, content]) => (yaml.loadAll(content) as any[]).filter((doc) => doc));

/** Pod-discovery meta labels Prometheus gives the pod of a workload template. */
function podTargetLabels(workload: Record<string, any>, podIp: string): Labels {
  const metadata = workload.spec.template.metadata;
  const labels: Labels = {
    __address__: `${podIp}:1`,
    __metrics_path__: '/metrics',
    __scheme__: 'http',
    __meta_kubernetes_pod_ip: podIp,
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_namespace: workload.metadata.namespace,
    __meta_kubernetes_pod_name: `${workload.metadata.name}-0`,
  };
  for (const [key, value] of Object.entries<string>(metadata.annotations ?? {})) labels[`__meta_kubernetes_pod_annotation_${metaName(key)}`] = value;
  for (const [key, value] of Object.entries<string>(metadata.labels ?? {})) labels[`__meta_kubernetes_pod_label_${metaName(key)}`] = value;
  return labels;
}

describe('Prometheus', () => {
  test('renders upstream names and port, data on an emptyDir by default', () => {
    // WHEN
    const objects = synthComponent((scope) => new Prometheus(scope, 'prometheus', { values: valuesWith({ addons: { prometheus: { enabled: true } } }) }));

    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/prometheus', 'ClusterRole/prometheus', 'ClusterRoleBinding/prometheus', 'ConfigMap/prometheus', 'Service/prometheus', 'Deployment/prometheus',
    ]);
    expect(only(objects, 'Service').spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'http', port: 9090, targetPort: 9090, protocol: 'TCP' }] });
    const container = only(objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.image).toBe('docker.io/prom/prometheus:v3.10.0');
    expect(container.args).toContain('--storage.tsdb.retention.time=15d');
    expect(only(objects, 'Deployment').spec.template.spec.volumes).toContainEqual({ name: 'storage-volume', emptyDir: {} });
  });

  test('retention, persistence and service type come from values', () => {
    // WHEN
    const objects = synthComponent((scope) => new Prometheus(scope, 'prometheus', {
      values: valuesWith({ addons: { prometheus: { enabled: true, retention: '30d', serviceType: 'NodePort', persistence: { enabled: true, size: '50Gi', storageClassName: 'fast' } } } }),
    }));

    // THEN
    expect(only(objects, 'PersistentVolumeClaim', 'prometheus').spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'fast' });
    expect(only(objects, 'Deployment').spec.template.spec.volumes).toContainEqual({ name: 'storage-volume', persistentVolumeClaim: { claimName: 'prometheus' } });
    expect(only(objects, 'Deployment').spec.template.spec.containers[0].args).toContain('--storage.tsdb.retention.time=30d');
    expect(only(objects, 'Service').spec.type).toBe('NodePort');
  });
});

describe('Jaeger', () => {
  test('renders the tracing, zipkin and jaeger-collector Services of upstream', () => {
    // WHEN
    const objects = synthComponent((scope) => new Jaeger(scope, 'jaeger', { values: valuesWith({ addons: { jaeger: { enabled: true } } }) }));

    // THEN
    const ports = (name: string) => only(objects, 'Service', name).spec.ports.map((p: any) => `${p.name}:${p.port}->${p.targetPort}`);
    expect(ports('tracing')).toEqual(['http-query:80->16686', 'grpc-query:16685->16685']);
    expect(ports('zipkin')).toEqual(['http-query:9411->9411']);
    expect(ports('jaeger-collector')).toEqual(['jaeger-collector-http:14268->14268', 'jaeger-collector-grpc:14250->14250', 'http-zipkin:9411->9411', 'grpc-otel:4317->4317', 'http-otel:4318->4318']);
    const config = yaml.load(only(objects, 'ConfigMap', 'jaeger').data['config.yaml']) as any;
    expect(config.receivers.zipkin.endpoint).toBe('0.0.0.0:9411');
    expect(config.extensions.jaeger_query.base_path).toBe('/jaeger');
  });
});

describe('the observability stack is wired together', () => {
  test.each([['demo', new DemoProfile()], ['ambient with addons', new AmbientProfile()]] as const)('%s: Prometheus keeps every annotated pod and scrapes its declared port and path', (_name, profile) => {
    // GIVEN
    const rendered = renderProfile(profile, { userValues: [{ source: 'test', values: { addons: { prometheus: { enabled: true } } } }] });
    const objects = objectsOf(rendered.files);
    const job = (prometheusScrapeConfig(rendered.values) as any).scrape_configs.find((j: any) => j.job_name === 'kubernetes-pods');
    const workloads = objects.filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind));

    // WHEN
    const results = workloads.map((workload) => ({ workload, target: relabel(podTargetLabels(workload, '10.1.2.3'), job.relabel_configs as RelabelRule[]) }));

    // THEN every Istio component is scraped where its annotations say
    const scraped = results.filter((r) => r.target).map((r) => `${r.workload.kind}/${r.workload.metadata.name}`).sort();
    const expected = profile.name === 'demo'
      ? ['Deployment/istio-egressgateway', 'Deployment/istio-ingressgateway', 'Deployment/istiod', 'Deployment/jaeger', 'Deployment/kiali']
      : ['DaemonSet/istio-cni-node', 'DaemonSet/ztunnel', 'Deployment/istiod'];
    expect(scraped).toEqual(expected);
    for (const { workload, target } of results.filter((r) => r.target)) {
      const annotations = workload.spec.template.metadata.annotations;
      expect(target?.__address__).toBe(`10.1.2.3:${annotations['prometheus.io/port']}`);
      expect(target?.__metrics_path__).toBe(annotations['prometheus.io/path'] ?? '/metrics');
      expect(target?.namespace).toBe(workload.metadata.namespace);
    }
  });

  test('an IPv6 pod address is scraped as [ip]:port', () => {
    // GIVEN
    const job = (prometheusScrapeConfig(valuesWith()) as any).scrape_configs[1];
    const pod = { metadata: { name: 'istiod', namespace: 'istio-system' }, spec: { template: { metadata: { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '15014' } } } } };

    // WHEN
    const target = relabel(podTargetLabels(pod, 'fd00::12'), job.relabel_configs);

    // THEN
    expect(target?.__address__).toBe('[fd00::12]:15014');
  });

  test('pods that are not running and pods without the scrape annotation are skipped', () => {
    // GIVEN
    const job = (prometheusScrapeConfig(valuesWith()) as any).scrape_configs[1];
    const pod = (annotations: Record<string, string>) => ({ metadata: { name: 'x', namespace: 'y' }, spec: { template: { metadata: { annotations } } } });

    // THEN
    expect(relabel(podTargetLabels(pod({}), '10.0.0.1'), job.relabel_configs)).toBeUndefined();
    expect(relabel({ ...podTargetLabels(pod({ 'prometheus.io/scrape': 'true' }), '10.0.0.1'), __meta_kubernetes_pod_phase: 'Succeeded' }, job.relabel_configs)).toBeUndefined();
  });

  test.each(['zipkin', 'opentelemetry'])('the mesh tracing endpoint (%s) is a port of a Jaeger Service this output creates', (provider) => {
    // GIVEN
    const rendered = renderProfile(new DemoProfile(), { userValues: [{ source: 'test', values: { tracing: { enabled: true, provider } } }] });
    const objects = objectsOf(rendered.files);

    // WHEN
    const mesh = yaml.load(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio').data.mesh) as any;
    const tracingProvider = mesh.extensionProviders.find((p: any) => p.name === mesh.defaultProviders.tracing[0])[provider];
    const [serviceName, namespace] = tracingProvider.service.split('.');

    // THEN
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === serviceName && o.metadata.namespace === namespace);
    expect(service).toBeDefined();
    const port = service.spec.ports.find((p: any) => p.port === tracingProvider.port);
    expect(port).toBeDefined();
    const jaeger = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'jaeger');
    expect(Object.entries(service.spec.selector).every(([k, v]) => jaeger.spec.template.metadata.labels[k] === v)).toBe(true);
    expect(jaeger.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toContain(port.targetPort);
  });
});
