import * as yaml from 'js-yaml';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { renderProfile } from '../src/outputs/render-profile';

const WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet'];

/** Every workload of every built-in profile, as [profile, kind/name, object]. */
const workloads = BUILTIN_PROFILES.flatMap((profile) => {
  const rendered = renderProfile(profile);
  return [...rendered.files.values()]
    .flatMap((content) => (yaml.loadAll(content) as any[]).filter((doc) => doc && WORKLOAD_KINDS.includes(doc.kind)))
    .map((object) => [profile.name, `${object.kind}/${object.metadata.name}`, object] as const);
});

/**
 * The only workloads allowed beyond the baseline, with exactly the privileges Istio 1.30 grants them
 * (README, "Security defaults"): node agents that configure pod networking.
 */
const NODE_AGENT_PRIVILEGES: Record<string, Record<string, unknown>> = {
  'DaemonSet/istio-cni-node': {
    privileged: false,
    runAsUser: 0,
    runAsGroup: 0,
    runAsNonRoot: false,
    capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'] },
  },
  'DaemonSet/ztunnel': {
    allowPrivilegeEscalation: true,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsUser: 0,
    runAsGroup: 1337,
    runAsNonRoot: false,
    capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'] },
  },
};

describe('node agents hold exactly the privileges upstream grants them', () => {
  const agents = workloads.filter(([, name]) => name in NODE_AGENT_PRIVILEGES);

  test('the ambient profile has both node agents', () => {
    expect(agents.filter(([profile]) => profile === 'ambient').map(([, name]) => name).sort()).toEqual(['DaemonSet/istio-cni-node', 'DaemonSet/ztunnel']);
  });

  test.each(agents)('%s %s', (_profile, name, workload) => {
    const pod = workload.spec.template.spec;
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0].securityContext).toEqual(NODE_AGENT_PRIVILEGES[name]);
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.containers[0].resources.requests).toBeDefined();
  });
});

describe('security baseline of every workload', () => {
  test('there are workloads to check', () => {
    expect(workloads.filter(([profile]) => profile === 'demo').map(([, name]) => name).sort())
      .toEqual(['Deployment/grafana', 'Deployment/istio-egressgateway', 'Deployment/istio-ingressgateway', 'Deployment/istiod', 'Deployment/jaeger', 'Deployment/kiali', 'Deployment/prometheus']);
  });

  test.each(workloads.filter(([, name]) => !(name in NODE_AGENT_PRIVILEGES)))('%s %s', (_profile, _name, workload) => {
    const pod = workload.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.hostNetwork).toBeUndefined();
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
      expect(container.securityContext.capabilities.add).toBeUndefined();
      expect(container.resources.requests.cpu).toBeDefined();
      expect(container.resources.requests.memory).toBeDefined();
    }
    for (const volume of pod.volumes ?? []) expect(volume.hostPath).toBeUndefined();
  });
});
