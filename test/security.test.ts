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

describe('security baseline of every workload', () => {
  test('there are workloads to check', () => {
    expect(workloads.filter(([profile]) => profile === 'demo').map(([, name]) => name).sort())
      .toEqual(['Deployment/istio-egressgateway', 'Deployment/istio-ingressgateway', 'Deployment/istiod']);
  });

  test.each(workloads)('%s %s', (_profile, _name, workload) => {
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
