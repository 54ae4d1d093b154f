import * as yaml from 'js-yaml';
import { DefaultProfile, DemoProfile } from '../src/profiles/builtin-profiles';
import { renderProfile } from '../src/outputs/render-profile';
import { Profile } from '../src/profiles/profile';
import { ValuesError, resolveValues } from '../src/values/resolve';
import { UPSTREAM_PLATFORMS } from './fixtures/upstream-1.30.3-platforms';

type K8sObject = Record<string, any>;

/** Every object the profile renders with `values`. */
function render(values: Record<string, unknown>, profile: Profile = new DefaultProfile()): K8sObject[] {
  const rendered = renderProfile(profile, { userValues: [{ source: 'test', values }] });
  return [...rendered.files.entries()]
    .filter(([file]) => file !== 'kustomization.yaml')
    .flatMap(([, content]) => (yaml.loadAll(content) as K8sObject[]).filter((doc) => doc));
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

function get(objects: K8sObject[], kind: string, name: string): K8sObject {
  const object = find(objects, kind, name);
  if (!object) throw new Error(`no ${kind}/${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return object;
}

const envOf = (container: K8sObject) => Object.fromEntries(container.env.map((e: K8sObject) => [e.name, e.value]));

/** The gateway pod-level settings istio-pack adds to upstream's (README, "Security defaults"). */
function expectedGatewayPodSecurity(upstream: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    ...upstream,
    // istio-pack also fixes the group of mounted volumes wherever it fixes the UID.
    ...(upstream.runAsUser === undefined ? {} : { fsGroup: 1337 }),
    seccompProfile: { type: 'RuntimeDefault' },
    sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
  };
}

describe.each(Object.entries(UPSTREAM_PLATFORMS))('global.platform "%s" has upstream 1.30.3\'s effects', (platform, facts) => {
  // GIVEN the platform with istio-cni and ambient (so both node agents render) and an ingress gateway
  const objects = render({ global: { platform }, cni: { enabled: true }, ambient: { enabled: true } });
  const namespace = facts.nodeAgentNamespace || 'istio-system';

  test('istio-cni: host paths, container securityContext, config, ClusterRole rules, Multus attachment', () => {
    const daemonSet = get(objects, 'DaemonSet', 'istio-cni-node');
    expect(daemonSet.metadata.namespace).toBe(namespace);
    const pod = daemonSet.spec.template.spec;
    expect(Object.fromEntries(pod.volumes.map((v: K8sObject) => [v.name, v.hostPath.path]))).toEqual(facts.cniHostPaths);
    expect(pod.containers[0].securityContext).toEqual(facts.cniContainerSecurity);
    const config = get(objects, 'ConfigMap', 'istio-cni-config');
    expect(config.metadata.namespace).toBe(namespace);
    expect({ CHAINED_CNI_PLUGIN: config.data.CHAINED_CNI_PLUGIN, CNI_CONF_NAME: config.data.CNI_CONF_NAME }).toEqual({ CNI_CONF_NAME: undefined, ...facts.cniConfig });
    expect(get(objects, 'ClusterRole', 'istio-cni').rules).toEqual(facts.cniClusterRoleRules);
    const attachment = find(objects, 'NetworkAttachmentDefinition', 'istio-cni');
    expect(attachment && [attachment.metadata.name, attachment.metadata.namespace]).toEqual(facts.networkAttachment);
    expect(attachment?.apiVersion).toBe(facts.networkAttachment ? 'k8s.cni.cncf.io/v1' : undefined);
  });

  test('ztunnel: namespace, container securityContext, ClusterRole; ResourceQuotas of both agents', () => {
    const daemonSet = get(objects, 'DaemonSet', 'ztunnel');
    expect(daemonSet.metadata.namespace).toBe(namespace);
    expect(daemonSet.spec.template.spec.containers[0].securityContext).toEqual(facts.ztunnelContainerSecurity);
    expect(find(objects, 'ClusterRole', 'ztunnel')?.rules).toEqual(facts.ztunnelClusterRoleRules);
    const binding = find(objects, 'ClusterRoleBinding', 'ztunnel');
    expect(binding?.subjects).toEqual(facts.ztunnelClusterRoleRules ? [{ kind: 'ServiceAccount', name: 'ztunnel', namespace }] : undefined);
    const quotas = objects.filter((o) => o.kind === 'ResourceQuota');
    expect(Object.fromEntries(quotas.map((q) => [q.metadata.name, q.spec]))).toEqual(facts.resourceQuotas);
    for (const quota of quotas) expect(quota.metadata.namespace).toBe(namespace);
  });

  test('istiod: PLATFORM, trusted ztunnel account and the injector values istiod and templates read', () => {
    const container = get(objects, 'Deployment', 'istiod').spec.template.spec.containers[0];
    const env = envOf(container);
    expect({ PLATFORM: env.PLATFORM, CA_TRUSTED_NODE_ACCOUNTS: env.CA_TRUSTED_NODE_ACCOUNTS }).toEqual(facts.istiodEnv);
    const injectorValues = JSON.parse(get(objects, 'ConfigMap', 'istio-sidecar-injector').data.values);
    expect(injectorValues.global.platform).toEqual(facts.injectorGlobalPlatform);
    // upstream's pilot.cni with cni on (the openshift profile turns it on by itself)
    expect(injectorValues.pilot.cni).toEqual({ ...facts.injectorPilotCni, enabled: true });
  });

  test('gateway: the pod securityContext is upstream\'s plus istio-pack\'s hardening', () => {
    const pod = get(objects, 'Deployment', 'istio-ingressgateway').spec.template.spec;
    expect(pod.securityContext).toEqual(expectedGatewayPodSecurity(facts.gatewayPodSecurity));
  });
});

describe('OpenShift assigns the UIDs', () => {
  test('no pod or container outside the node agents asks for a UID, GID or fsGroup', () => {
    // GIVEN everything istio-pack renders, on OpenShift
    const objects = render({
      global: { platform: 'openshift' },
      cni: { enabled: true },
      ambient: { enabled: true },
      gateways: { egress: [{ gatewayName: 'egressgateway' }] },
      addons: { kiali: { auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' } } } } },
    }, new DemoProfile());
    const workloads = objects.filter((o) => ['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind));

    // THEN the workloads are the whole stack
    expect(workloads.map((w) => `${w.kind}/${w.metadata.name}`).sort()).toEqual([
      'DaemonSet/istio-cni-node', 'DaemonSet/ztunnel',
      'Deployment/grafana', 'Deployment/istio-egressgateway', 'Deployment/istio-ingressgateway', 'Deployment/istiod',
      'Deployment/jaeger', 'Deployment/kiali', 'Deployment/prometheus',
    ]);
    const identities: string[] = [];
    for (const workload of workloads) {
      const pod = workload.spec.template.spec;
      const contexts = [['pod', pod.securityContext], ...[...(pod.initContainers ?? []), ...pod.containers].map((c: K8sObject) => [c.name, c.securityContext])];
      for (const [where, context] of contexts) {
        for (const field of ['runAsUser', 'runAsGroup', 'fsGroup']) {
          if (context?.[field] !== undefined) identities.push(`${workload.metadata.name}/${where}.${field}=${context[field]}`);
        }
      }
    }
    // AND only the node agents, which OpenShift admits through the privileged SCC, keep upstream's root identity
    expect(identities.sort()).toEqual([
      'istio-cni-node/install-cni.runAsGroup=0',
      'istio-cni-node/install-cni.runAsUser=0',
      'ztunnel/istio-proxy.runAsGroup=1337',
      'ztunnel/istio-proxy.runAsUser=0',
    ]);
    // AND every other workload stays non-root
    for (const workload of workloads.filter((w) => w.kind === 'Deployment')) {
      expect([workload.metadata.name, workload.spec.template.spec.securityContext.runAsNonRoot]).toEqual([workload.metadata.name, true]);
    }
  });

  test('without a platform the gateways and addons keep their fixed UIDs', () => {
    const objects = render({ addons: { prometheus: { enabled: true } } });
    expect(get(objects, 'Deployment', 'prometheus').spec.template.spec.securityContext).toEqual({
      runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
  });
});

describe('platform values', () => {
  test('explicit istio-cni settings win over the platform\'s, except chaining on OpenShift', () => {
    // GIVEN OpenShift with every istio-cni setting given
    const objects = render({
      global: { platform: 'openshift' },
      cni: { enabled: true, namespace: 'istio-cni', chained: true, binDir: '/opt/custom/bin', confDir: '/etc/custom/net.d' },
    });

    // THEN namespace and paths are the user's, and the plugin still gets its own file (Multus has no chains)
    const daemonSet = get(objects, 'DaemonSet', 'istio-cni-node');
    expect(daemonSet.metadata.namespace).toBe('istio-cni');
    const paths = Object.fromEntries(daemonSet.spec.template.spec.volumes.map((v: K8sObject) => [v.name, v.hostPath.path]));
    expect([paths['cni-bin-dir'], paths['cni-net-dir']]).toEqual(['/opt/custom/bin', '/etc/custom/net.d']);
    expect(get(objects, 'ConfigMap', 'istio-cni-config').data.CHAINED_CNI_PLUGIN).toBe('false');
  });

  test('GKE with istio-cni in kube-system renders no ResourceQuota, as istioctl', () => {
    const objects = render({ global: { platform: 'gke' }, cni: { enabled: true, namespace: 'kube-system' } });
    expect(objects.filter((o) => o.kind === 'ResourceQuota')).toEqual([]);
  });

  test('OpenShift needs istio-cni; eks is refused as upstream refuses it', () => {
    expect(() => resolveValues([{ source: 'test', values: { global: { platform: 'openshift' } } }])).toThrow(ValuesError);
    expect(() => resolveValues([{ source: 'test', values: { global: { platform: 'eks' } } }]))
      .toThrow('global.platform: must be one of "" | openshift | gke | k3d | k3s | microk8s | minikube, got "eks"');
  });
});
