import { IstioCni } from '../src/components/istio-cni';
import { Ztunnel } from '../src/components/ztunnel';
import { ValuesError } from '../src/values/resolve';
import { only, synthComponent, valuesWith } from './support/values';

describe('IstioCni', () => {
  test('renders the cni chart objects with upstream names and selector', () => {
    // WHEN
    const objects = synthComponent((scope) => new IstioCni(scope, 'cni', { values: valuesWith({ cni: { enabled: true } }) }));

    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/istio-cni',
      'ClusterRole/istio-cni',
      'ClusterRoleBinding/istio-cni',
      'ClusterRole/istio-cni-repair-role',
      'ClusterRoleBinding/istio-cni-repair-rolebinding',
      'ConfigMap/istio-cni-config',
      'DaemonSet/istio-cni-node',
    ]);
    const daemonSet = only(objects, 'DaemonSet');
    expect(daemonSet.metadata.namespace).toBe('istio-system');
    expect(daemonSet.spec.selector.matchLabels).toEqual({ 'k8s-app': 'istio-cni-node' });
    expect(daemonSet.spec.template.spec.containers[0].image).toBe('docker.io/istio/install-cni:1.30.3');
    const volumes = daemonSet.spec.template.spec.volumes.map((v: any) => v.name);
    expect(volumes).not.toContain('cni-ztunnel-sock-dir');
  });

  test('namespace, chaining, host paths and excluded namespaces come from values', () => {
    // WHEN
    const objects = synthComponent((scope) => new IstioCni(scope, 'cni', {
      values: valuesWith({ cni: { enabled: true, namespace: 'kube-system', chained: false, binDir: '/var/lib/cni/bin', confDir: '/etc/cni/multus/net.d', excludeNamespaces: ['kube-system', 'monitoring'] } }),
    }));

    // THEN
    const config = only(objects, 'ConfigMap');
    expect(config.metadata.namespace).toBe('kube-system');
    expect(config.data).toMatchObject({ CHAINED_CNI_PLUGIN: 'false', EXCLUDE_NAMESPACES: 'kube-system,monitoring', AMBIENT_ENABLED: 'false' });
    const volumes = Object.fromEntries(only(objects, 'DaemonSet').spec.template.spec.volumes.map((v: any) => [v.name, v.hostPath?.path]));
    expect(volumes).toMatchObject({ 'cni-bin-dir': '/var/lib/cni/bin', 'cni-net-dir': '/etc/cni/multus/net.d' });
    expect(only(objects, 'ClusterRoleBinding', 'istio-cni').subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-cni', namespace: 'kube-system' }]);
  });

  test('ambient mode adds the ambient role and the ztunnel socket and netns mounts', () => {
    // WHEN
    const objects = synthComponent((scope) => new IstioCni(scope, 'cni', { values: valuesWith({ cni: { enabled: true }, ambient: { enabled: true } }) }));

    // THEN
    only(objects, 'ClusterRole', 'istio-cni-ambient');
    expect(only(objects, 'ConfigMap').data.AMBIENT_ENABLED).toBe('true');
    const mounts = only(objects, 'DaemonSet').spec.template.spec.containers[0].volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/host/var/run/netns', '/var/run/ztunnel']));
  });
});

describe('Ztunnel', () => {
  test('renders the ztunnel DaemonSet pointed at istiod', () => {
    // WHEN
    const objects = synthComponent((scope) => new Ztunnel(scope, 'ztunnel', { values: valuesWith({ cni: { enabled: true }, ambient: { enabled: true }, global: { revision: 'canary' } }) }));

    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/ztunnel', 'DaemonSet/ztunnel']);
    const daemonSet = only(objects, 'DaemonSet');
    expect(daemonSet.spec.selector.matchLabels).toEqual({ app: 'ztunnel' });
    const container = daemonSet.spec.template.spec.containers[0];
    expect(container.image).toBe('docker.io/istio/ztunnel:1.30.3');
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ CA_ADDRESS: 'istiod-canary.istio-system.svc:15012', XDS_ADDRESS: 'istiod-canary.istio-system.svc:15012', INPOD_ENABLED: 'true', RUST_LOG: 'info' });
    expect(daemonSet.spec.template.metadata.annotations['istio.io/rev']).toBe('canary');
  });
});

describe('ambient values', () => {
  test('ambient needs CNI', () => {
    expect(() => valuesWith({ ambient: { enabled: true } })).toThrow(ValuesError);
    expect(() => valuesWith({ ambient: { enabled: true } })).toThrow('ambient.enabled: needs cni.enabled: true (ztunnel gets its traffic from istio-cni), got cni.enabled false');
  });
});
