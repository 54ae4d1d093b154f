import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { commonLabels } from './labels';
import { resourceRequirements, restrictedContainerSecurity, restrictedPodSecurity } from './security';
import { platformIdentity } from './platform';
import { KubeConfigMap, KubeDeployment, KubeService, intOrString } from './kube-objects';

/** Props of {@link Jaeger}. */
export interface JaegerProps {
  /** Resolved values. */
  readonly values: IstioValues;
}

/** UID the Jaeger image runs as. */
const JAEGER_UID = 10001;

/** Collector ports: what proxies and SDKs send spans to. */
export const JAEGER_COLLECTOR_PORTS = [
  { name: 'jaeger-collector-http', port: 14268, protocol: 'TCP', targetPort: intOrString(14268) },
  { name: 'jaeger-collector-grpc', port: 14250, protocol: 'TCP', targetPort: intOrString(14250) },
  { name: 'http-zipkin', port: 9411, protocol: 'TCP', targetPort: intOrString(9411) },
  { name: 'grpc-otel', port: 4317, protocol: 'TCP', targetPort: intOrString(4317) },
  { name: 'http-otel', port: 4318, protocol: 'TCP', targetPort: intOrString(4318) },
];

/** Jaeger v2 (OpenTelemetry collector based) configuration: OTLP, Jaeger and Zipkin in, Badger storage. */
export function jaegerConfig(): Record<string, unknown> {
  const listen = (port: number) => ({ endpoint: `0.0.0.0:${port}` });
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'remote_sampling', 'healthcheckv2'],
      pipelines: { traces: { receivers: ['otlp', 'jaeger', 'zipkin'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: { level: 'detailed', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }] },
        logs: { level: 'info' },
      },
    },
    extensions: {
      jaeger_query: { base_path: '/jaeger', storage: { traces: 'badger_storage' } },
      jaeger_storage: { backends: { badger_storage: { badger: { ephemeral: false, directories: { keys: '/badger/key', values: '/badger/data' } } } } },
      remote_sampling: { file: { default_sampling_probability: 1, reload_interval: '1s' }, http: listen(5778), grpc: listen(5779) },
      healthcheckv2: { use_v2: true, http: listen(13133) },
    },
    receivers: {
      otlp: { protocols: { grpc: listen(4317), http: listen(4318) } },
      jaeger: { protocols: { grpc: listen(14250), thrift_http: listen(14268), thrift_binary: listen(6832), thrift_compact: listen(6831) } },
      zipkin: listen(9411),
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: 'badger_storage' } },
  };
}

/**
 * Jaeger all-in-one, with upstream's Services so the mesh's tracing endpoint works out of the box:
 * `tracing` (UI at :80/jaeger, gRPC query 16685), `zipkin` (9411) and `jaeger-collector`
 * (14268, 14250, 9411, OTLP 4317/4318). Traces are kept in Badger on an emptyDir.
 */
export class Jaeger extends Construct {
  constructor(scope: Construct, id: string, props: JaegerProps) {
    super(scope, id);
    const values = props.values;
    const b = binderOf(this);
    const settings = values.addons.jaeger;
    const namespace = values.global.istioNamespace;
    const labels = { ...commonLabels(values), 'app': 'jaeger', 'app.kubernetes.io/name': 'jaeger' };
    const selector = { app: 'jaeger' };

    new KubeConfigMap(this, 'config', {
      metadata: { name: 'jaeger', namespace, labels },
      data: { 'config.yaml': b.yaml(jaegerConfig()) },
    });

    new KubeDeployment(this, 'deployment', {
      metadata: { name: 'jaeger', namespace, labels },
      spec: {
        replicas: 1,
        // Badger holds a lock on its directory: never two pods at once.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...labels, 'sidecar.istio.io/inject': 'false' },
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8888' },
          },
          spec: {
            securityContext: restrictedPodSecurity(platformIdentity(b, values, JAEGER_UID)),
            containers: [{
              name: 'jaeger',
              image: settings.image,
              imagePullPolicy: values.global.imagePullPolicy,
              args: ['--config', '/jaeger-configuration/config.yaml'],
              ports: [
                { containerPort: 16686, name: 'http-query', protocol: 'TCP' },
                { containerPort: 16685, name: 'grpc-query', protocol: 'TCP' },
                ...JAEGER_COLLECTOR_PORTS.map((port) => ({ containerPort: port.port, protocol: 'TCP' })),
                { containerPort: 8888, name: 'metrics', protocol: 'TCP' },
              ],
              livenessProbe: { httpGet: { path: '/status', port: intOrString(13133) } },
              readinessProbe: { httpGet: { path: '/status', port: intOrString(13133) } },
              resources: resourceRequirements(b, settings.resources),
              securityContext: restrictedContainerSecurity(),
              volumeMounts: [
                { name: 'data', mountPath: '/badger' },
                { name: 'jaeger-configuration', mountPath: '/jaeger-configuration', readOnly: true },
              ],
            }],
            volumes: [
              { name: 'data', emptyDir: {} },
              { name: 'jaeger-configuration', configMap: { name: 'jaeger' } },
            ],
          },
        },
      },
    });

    const service = (serviceId: string, name: string, type: string, ports: k8s.ServicePort[]) =>
      new KubeService(this, serviceId, { metadata: { name, namespace, labels }, spec: { type, selector, ports } });
    service('tracing', 'tracing', settings.serviceType, [
      { name: 'http-query', port: 80, protocol: 'TCP', targetPort: intOrString(16686) },
      { name: 'grpc-query', port: 16685, protocol: 'TCP', targetPort: intOrString(16685) },
    ]);
    service('zipkin', 'zipkin', 'ClusterIP', [{ name: 'http-query', port: 9411, protocol: 'TCP', targetPort: intOrString(9411) }]);
    service('collector', 'jaeger-collector', 'ClusterIP', JAEGER_COLLECTOR_PORTS);
  }
}
