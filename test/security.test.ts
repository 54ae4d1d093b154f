import * as yaml from 'js-yaml';
import { BUILTIN_PROFILES, builtinProfile } from '../src/profiles/builtin-profiles';
import { renderProfile } from '../src/outputs/render-profile';

const WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet'];

/**
 * Renderings beyond the built-in profiles that add containers or change workloads: Kiali basic auth (an
 * nginx proxy) with a generated signing key (an init container), a revisioned istiod, istio-cni without
 * ambient, a second ingress gateway.
 */
const VARIANTS: ReadonlyArray<readonly [name: string, profile: string, values: Record<string, unknown>]> = [
  ['demo+basic-auth+canary+cni', 'demo', {
    addons: { kiali: { enabled: true, auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' } } } } },
    global: { revision: 'canary' },
    cni: { enabled: true },
    gateways: { ingress: [{ gatewayName: 'ingressgateway' }, { gatewayName: 'internal-ingressgateway', serviceType: 'ClusterIP' }] },
    mesh: { ingressService: 'istio-ingressgateway' },
  }],
];

function workloadsOf(label: string, files: ReadonlyMap<string, string>) {
  return [...files.values()]
    .flatMap((content) => (yaml.loadAll(content) as any[]).filter((doc) => doc && WORKLOAD_KINDS.includes(doc.kind)))
    .map((object) => [label, `${object.kind}/${object.metadata.name}`, object] as const);
}

/** Every workload of every built-in profile and variant, as [profile, kind/name, object]. */
const workloads = [
  ...BUILTIN_PROFILES.flatMap((profile) => workloadsOf(profile.name, renderProfile(profile).files)),
  ...VARIANTS.flatMap(([name, profile, values]) => workloadsOf(name, renderProfile(builtinProfile(profile)!, { userValues: [{ source: 'test values', values }] }).files)),
];

/** Every container (init containers included) of every workload, as [profile, kind/name, container name, container]. */
const containers = workloads.flatMap(([profile, name, workload]) => {
  const pod = workload.spec.template.spec;
  return [...(pod.initContainers ?? []), ...pod.containers].map((container: any) => [profile, name, container.name as string, container] as const);
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
    // As upstream's charts: no pod-level securityContext (the container's says it all).
    expect(pod.securityContext).toBeUndefined();
  });
});

describe('security baseline of every workload', () => {
  test('there are workloads to check', () => {
    expect(workloads.filter(([profile]) => profile === 'demo').map(([, name]) => name).sort())
      .toEqual(['Deployment/grafana', 'Deployment/istio-egressgateway', 'Deployment/istio-ingressgateway', 'Deployment/istiod', 'Deployment/jaeger', 'Deployment/kiali', 'Deployment/prometheus']);
    expect(containers.filter(([profile]) => profile === VARIANTS[0][0]).map(([, name, container]) => `${name}/${container}`).sort()).toEqual([
      'DaemonSet/istio-cni-node/install-cni',
      'Deployment/grafana/grafana',
      'Deployment/istio-egressgateway/istio-proxy',
      'Deployment/istio-ingressgateway/istio-proxy',
      'Deployment/istio-internal-ingressgateway/istio-proxy',
      'Deployment/istiod-canary/discovery',
      'Deployment/jaeger/jaeger',
      'Deployment/kiali/kiali',
      'Deployment/kiali/kiali-auth-proxy',
      'Deployment/kiali/signing-key',
      'Deployment/prometheus/prometheus-server',
    ]);
  });

  test.each(workloads.filter(([, name]) => !(name in NODE_AGENT_PRIVILEGES)))('pod of %s %s', (_profile, _name, workload) => {
    const pod = workload.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.securityContext.runAsUser).not.toBe(0);
    expect([pod.hostNetwork, pod.hostPID, pod.hostIPC]).toEqual([undefined, undefined, undefined]);
    expect((pod.volumes ?? []).filter((volume: any) => volume.hostPath)).toEqual([]);
  });

  test.each(containers.filter(([, name]) => !(name in NODE_AGENT_PRIVILEGES)))('%s %s container %s', (_profile, _name, _container, container) => {
    // Exactly the baseline; a container may only add its own non-root identity.
    const { runAsUser, runAsGroup, ...rest } = container.securityContext;
    expect(rest).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect([runAsUser, runAsGroup].filter((id) => id !== undefined && !(Number.isInteger(id) && id > 0))).toEqual([]);
  });

  test.each(containers)('%s %s container %s requests cpu and memory', (_profile, _name, _container, container) => {
    expect(container.resources.requests).toEqual({ cpu: expect.stringMatching(/^\d+(\.\d+)?m?$/), memory: expect.stringMatching(/^\d+(\.\d+)?(Mi|Gi|Ki|M|G)?$/) });
  });
});
