import * as yaml from 'js-yaml';
import { Istiod } from '../src/components/istiod';
import { only, synthComponent, valuesWith } from './support/values';

const istiodObjects = (overlay: Record<string, unknown> = {}) =>
  synthComponent((scope) => new Istiod(scope, 'istiod', { values: valuesWith(overlay) }));

const envOf = (deployment: Record<string, any>) =>
  Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('Istiod', () => {
  test('renders the upstream object set for a non-revisioned install', () => {
    // WHEN
    const objects = istiodObjects();

    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/istiod-clusterrole-istio-system',
      'ClusterRole/istiod-gateway-controller-istio-system',
      'ClusterRoleBinding/istiod-clusterrole-istio-system',
      'ClusterRoleBinding/istiod-gateway-controller-istio-system',
      'ConfigMap/istio',
      'ConfigMap/istio-sidecar-injector',
      'Deployment/istiod',
      'HorizontalPodAutoscaler/istiod',
      'MutatingWebhookConfiguration/istio-sidecar-injector',
      'Role/istiod',
      'RoleBinding/istiod',
      'Service/istiod',
      'ServiceAccount/istiod',
      'ValidatingWebhookConfiguration/istio-validator-istio-system',
    ]);
  });

  test('the Deployment keeps upstream selector, ports, probe and image', () => {
    // WHEN
    const deployment = only(istiodObjects(), 'Deployment');

    // THEN
    expect(deployment.spec.selector).toEqual({ matchLabels: { istio: 'pilot' } });
    expect(deployment.spec.replicas).toBeUndefined();
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('docker.io/istio/pilot:1.30.3');
    expect(container.ports.map((p: any) => `${p.name}:${p.containerPort}`)).toEqual(['http-debug:8080', 'grpc-xds:15010', 'tls-xds:15012', 'https-webhooks:15017', 'http-monitoring:15014']);
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 });
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '2048Mi' } });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ 'app': 'istiod', 'istio': 'pilot', 'sidecar.istio.io/inject': 'false' });
  });

  test('tracing sampling, cluster id and extra env reach istiod', () => {
    // WHEN
    const env = envOf(only(istiodObjects({ tracing: { sampling: 12.5 }, global: { clusterId: 'east' }, istiod: { env: { PILOT_ENABLE_ALPHA_GATEWAY_API: 'true' } } }), 'Deployment'));

    // THEN
    expect(env).toMatchObject({ PILOT_TRACE_SAMPLING: '12.5', CLUSTER_ID: 'east', PILOT_ENABLE_ALPHA_GATEWAY_API: 'true', REVISION: 'default', PILOT_CERT_PROVIDER: 'istiod' });
  });

  test('env names are upstream\'s, with no GOMEMLIMIT: istiod\'s automemlimit sets it to 90% of the memory limit', () => {
    // GIVEN upstream facts: istio-discovery 1.30.3 templates/deployment.yaml renders these env entries for
    // the default values (traceSampling 1.0 set, taint/externalIstiod/trustBundleName/crl off), and
    // pilot/cmd/pilot-discovery/main.go imports automemlimit (GOMEMLIMIT = 90% of the cgroup limit
    // unless GOMEMLIMIT is already set)
    const upstream = ['REVISION', 'PILOT_CERT_PROVIDER', 'POD_NAME', 'POD_NAMESPACE', 'SERVICE_ACCOUNT', 'KUBECONFIG', 'CA_TRUSTED_NODE_ACCOUNTS',
      'PILOT_TRACE_SAMPLING', 'PILOT_ENABLE_ANALYSIS', 'CLUSTER_ID', 'GOMAXPROCS', 'PLATFORM'];

    // WHEN
    const container = only(istiodObjects({ istiod: { resources: { limits: { memory: '4Gi' } } } }), 'Deployment').spec.template.spec.containers[0];

    // THEN
    expect(container.env.map((e: any) => e.name)).toEqual(upstream);
  });

  test('security contexts: no fixed UID/GID/fsGroup at pod level (OpenShift restricted-v2 assigns them); upstream\'s container settings', () => {
    // GIVEN upstream facts: istio-discovery 1.30.3 deployment.yaml sets no pod securityContext and, on the
    // discovery container, allowPrivilegeEscalation false, readOnlyRootFilesystem, runAsNonRoot and
    // capabilities drop ALL; the pilot image runs as USER 1337:1337 (pilot/docker/Dockerfile.pilot)

    // WHEN
    const pod = only(istiodObjects(), 'Deployment').spec.template.spec;

    // THEN seccomp RuntimeDefault and privileged false are istio-pack's additions, both accepted by restricted-v2
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
  });

  test('without autoscaling, replicas are fixed and a PDB protects two or more', () => {
    // WHEN
    const objects = istiodObjects({ istiod: { autoscale: { enabled: false }, replicaCount: 3 } });

    // THEN
    expect(only(objects, 'Deployment').spec.replicas).toBe(3);
    expect(objects.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
    expect(only(objects, 'PodDisruptionBudget').spec).toEqual({ minAvailable: 1, selector: { matchLabels: { istio: 'pilot' } } });
  });

  test('a single replica gets no PDB (it would block node drains)', () => {
    expect(istiodObjects().some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test('autoscaling bounds come from values', () => {
    // WHEN
    const hpa = only(istiodObjects({ istiod: { autoscale: { min: 2, max: 7, targetCPUUtilizationPercentage: 60 } } }), 'HorizontalPodAutoscaler');

    // THEN
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod' },
      minReplicas: 2,
      maxReplicas: 7,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
  });

  test('a revision suffixes names and switches selectors as upstream does', () => {
    // WHEN
    const objects = istiodObjects({ global: { revision: 'canary' } });

    // THEN
    expect(only(objects, 'Deployment', 'istiod-canary').spec.selector.matchLabels).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
    expect(only(objects, 'Service', 'istiod-canary').spec.selector).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
    only(objects, 'ConfigMap', 'istio-canary');
    only(objects, 'ConfigMap', 'istio-sidecar-injector-canary');
    only(objects, 'ClusterRole', 'istiod-clusterrole-canary-istio-system');
    only(objects, 'ValidatingWebhookConfiguration', 'istio-validator-canary-istio-system');
    const injector = only(objects, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-canary');
    expect(injector.webhooks.map((w: any) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
  });

  test('the injector webhooks select namespaces and pods as upstream', () => {
    // WHEN
    const injector = only(istiodObjects(), 'MutatingWebhookConfiguration');

    // THEN
    const byName = Object.fromEntries(injector.webhooks.map((w: any) => [w.name, w]));
    expect(Object.keys(byName)).toEqual([
      'rev.namespace.sidecar-injector.istio.io',
      'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io',
      'object.sidecar-injector.istio.io',
    ]);
    expect(byName['namespace.sidecar-injector.istio.io'].namespaceSelector).toEqual({ matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] });
    expect(byName['object.sidecar-injector.istio.io'].objectSelector.matchExpressions).toContainEqual({ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] });
    for (const webhook of injector.webhooks) {
      expect(webhook.clientConfig).toEqual({ service: { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 } });
      expect(webhook.failurePolicy).toBe('Fail');
      expect(webhook.clientConfig.caBundle).toBeUndefined();
    }
  });

  test('allNamespaces adds the auto webhook that skips excluded namespaces', () => {
    // WHEN
    const injector = only(istiodObjects({ sidecarInjection: { allNamespaces: true, excludedNamespaces: ['kube-system', 'monitoring'] } }), 'MutatingWebhookConfiguration');

    // THEN
    const auto = injector.webhooks.find((w: any) => w.name === 'auto.sidecar-injector.istio.io');
    expect(auto.namespaceSelector.matchExpressions).toContainEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'monitoring'] });
  });

  test('turning auto-injection off sets the injector policy to disabled', () => {
    // WHEN
    const config = yaml.load(only(istiodObjects({ sidecarInjection: { enabled: false } }), 'ConfigMap', 'istio-sidecar-injector').data.config) as any;

    // THEN
    expect(config.policy).toBe('disabled');
    expect(Object.keys(config.templates)).toEqual(expect.arrayContaining(['sidecar', 'gateway']));
  });

  test('the injector values carry the egress capture settings', () => {
    // WHEN
    const configMap = only(istiodObjects({ trafficCapture: { includeIPRanges: ['10.0.0.0/8'], excludeIPRanges: ['10.96.0.0/12'] } }), 'ConfigMap', 'istio-sidecar-injector');

    // THEN
    const values = JSON.parse(configMap.data.values);
    expect(values.trafficCapture).toMatchObject({ includeIPRanges: ['10.0.0.0/8'], excludeIPRanges: ['10.96.0.0/12'] });
  });

  test('a remote cluster renders only the injector and the istiod Service routed to the external control plane', () => {
    // WHEN
    const objects = istiodObjects({ remote: { enabled: true, pilotAddress: '203.0.113.10' } });

    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'EndpointSlice/istiod-remote',
      'MutatingWebhookConfiguration/istio-sidecar-injector',
      'Service/istiod',
    ]);
    const injector = only(objects, 'MutatingWebhookConfiguration');
    expect(injector.webhooks[0].clientConfig).toEqual({ url: 'https://203.0.113.10:15017/inject/cluster/Kubernetes' });
    expect(only(objects, 'EndpointSlice').endpoints).toEqual([{ addresses: ['203.0.113.10'], conditions: { ready: true } }]);
  });

  test('a remote control plane given by host name becomes an ExternalName Service', () => {
    // WHEN
    const objects = istiodObjects({ remote: { enabled: true, pilotAddress: 'istiod.primary.example.com' } });

    // THEN
    expect(only(objects, 'Service').spec).toMatchObject({ type: 'ExternalName', externalName: 'istiod.primary.example.com' });
    expect(objects.some((o) => o.kind === 'EndpointSlice')).toBe(false);
  });

  test('CNI and ambient reach istiod and the injector', () => {
    // WHEN
    const objects = istiodObjects({ cni: { enabled: true }, ambient: { enabled: true } });

    // THEN
    expect(envOf(only(objects, 'Deployment'))).toMatchObject({ PILOT_ENABLE_AMBIENT: 'true' });
    expect(JSON.parse(only(objects, 'ConfigMap', 'istio-sidecar-injector').data.values).cni).toEqual({ enabled: true, provider: 'default' });
    const mesh = yaml.load(only(objects, 'ConfigMap', 'istio').data.mesh) as any;
    expect(mesh.defaultConfig.proxyMetadata).toEqual({ ISTIO_META_ENABLE_HBONE: 'true' });
  });
});
