import { renderProfile } from '../src/outputs/render-profile';
import { BUILTIN_PROFILES, builtinProfile } from '../src/profiles/builtin-profiles';
import { objectsOfFiles } from './support/objects';

/**
 * The objects of every output reach each other the way Kubernetes resolves references: each Service
 * selects exactly one workload's pods and every target port is a port those pods declare; workload
 * selectors match their own pods and no other workload's; autoscalers, disruption budgets, service
 * accounts and role bindings point at objects that exist. A changed label, selector or port on one side
 * shows up here even where no upstream fact covers the object (addons, node agents, revisions).
 */

type K8sObject = Record<string, any>;

const WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet'];

const VARIANTS: ReadonlyArray<readonly [name: string, profile: string, values: Record<string, unknown>]> = [
  ['demo+basic-auth+canary+cni+gateways', 'demo', {
    addons: { kiali: { enabled: true, auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' } } } } },
    global: { revision: 'canary' },
    cni: { enabled: true },
    gateways: {
      ingress: [
        { gatewayName: 'ingressgateway', serviceType: 'NodePort', ports: [{ name: 'http2', port: 80, targetPort: 8080, nodePort: 30080 }, { name: 'https', port: 443, targetPort: 0 }] },
        { gatewayName: 'internal-ingressgateway', serviceType: 'ClusterIP', minReplicas: 2 },
      ],
      egress: [{ gatewayName: 'egressgateway' }, { gatewayName: 'egress-2', ports: [{ name: 'tcp-db', port: 5432, targetPort: 15432 }] }],
    },
    mesh: { ingressService: 'istio-ingressgateway' },
    istiod: { autoscale: { enabled: true, min: 2, max: 4 } },
  }],
  ['ambient+revision', 'ambient', { global: { revision: 'canary' } }],
];

const renderings: Array<readonly [string, K8sObject[]]> = [
  ...BUILTIN_PROFILES.map((profile) => [profile.name, objectsOfFiles(renderProfile(profile).files)] as const),
  ...VARIANTS.map(([name, profile, values]) =>
    [name, objectsOfFiles(renderProfile(builtinProfile(profile)!, { userValues: [{ source: 'test values', values }] }).files)] as const),
];

const name = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);
const workloadsIn = (objects: readonly K8sObject[], namespace: string | undefined) =>
  objects.filter((o) => WORKLOAD_KINDS.includes(o.kind) && o.metadata.namespace === namespace);

describe.each(renderings)('%s', (_rendering, objects) => {
  const workloads = objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));

  test('each workload selects its own pods (matchLabels only) and no other workload\'s', () => {
    const problems: string[] = [];
    for (const workload of workloads) {
      const selector = workload.spec.selector;
      if (Object.keys(selector).join() !== 'matchLabels') problems.push(`${name(workload)}: selector ${JSON.stringify(selector)}`);
      if (!selects(selector.matchLabels, workload.spec.template.metadata.labels)) problems.push(`${name(workload)}: does not select its own pods`);
      const others = workloadsIn(objects, workload.metadata.namespace)
        .filter((other) => other !== workload && selects(selector.matchLabels, other.spec.template.metadata.labels));
      problems.push(...others.map((other) => `${name(workload)}: also selects the pods of ${name(other)}`));
    }
    expect(problems).toEqual([]);
  });

  test('each Service selects exactly one workload, and every target port is a port of its pods', () => {
    const problems: string[] = [];
    for (const service of objects.filter((o) => o.kind === 'Service' && o.spec?.selector)) {
      const selected = workloadsIn(objects, service.metadata.namespace).filter((w) => selects(service.spec.selector, w.spec.template.metadata.labels));
      if (selected.length !== 1) {
        problems.push(`${name(service)}: selects ${selected.map(name).join(', ') || 'nothing'}`);
        continue;
      }
      const pod = selected[0].spec.template.spec;
      const ports = [...(pod.initContainers ?? []), ...pod.containers].flatMap((c: K8sObject) => c.ports ?? []);
      for (const port of service.spec.ports) {
        const target = port.targetPort ?? port.port;
        const found = ports.some((p: K8sObject) => (typeof target === 'number' ? p.containerPort === target : p.name === target)
          && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
        if (!found) problems.push(`${name(service)} port ${port.name}: targetPort ${target}/${port.protocol ?? 'TCP'} is no port of ${name(selected[0])}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('autoscalers, disruption budgets, service accounts and role bindings point at existing objects', () => {
    const has = (kind: string, objectName: string, namespace?: string) =>
      objects.some((o) => o.kind === kind && o.metadata.name === objectName && (namespace === undefined || o.metadata.namespace === namespace));
    const problems: string[] = [];
    for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
      if (!has(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name, hpa.metadata.namespace)) problems.push(`${name(hpa)}: no ${hpa.spec.scaleTargetRef.name}`);
    }
    for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
      const selected = workloadsIn(objects, pdb.metadata.namespace).filter((w) => selects(pdb.spec.selector.matchLabels, w.spec.template.metadata.labels));
      if (selected.length !== 1) problems.push(`${name(pdb)}: selects ${selected.map(name).join(', ') || 'nothing'}`);
    }
    for (const workload of workloads) {
      // No serviceAccountName means the namespace's `default` account, which Kubernetes always creates.
      const account = workload.spec.template.spec.serviceAccountName ?? 'default';
      if (account !== 'default' && !has('ServiceAccount', account, workload.metadata.namespace)) problems.push(`${name(workload)}: service account ${account}`);
    }
    for (const binding of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
      if (!has(binding.roleRef.kind, binding.roleRef.name, binding.roleRef.kind === 'Role' ? binding.metadata.namespace : undefined)) {
        problems.push(`${name(binding)}: roleRef ${binding.roleRef.kind}/${binding.roleRef.name}`);
      }
      for (const subject of binding.subjects ?? []) {
        if (!has(subject.kind, subject.name, subject.namespace ?? binding.metadata.namespace)) problems.push(`${name(binding)}: subject ${subject.kind}/${subject.name}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
