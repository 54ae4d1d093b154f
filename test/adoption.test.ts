import { loadAll } from 'js-yaml';
import { renderProfile } from '../src/outputs/render-profile';
import { builtinProfile } from '../src/profiles/builtin-profiles';
import {
  AdoptionFact,
  AdoptionProfile,
  INJECTOR_WEBHOOKS,
  ISTIOCTL_ADOPTION_FACTS,
  ISTIOCTL_DEFAULT_TAG,
  ISTIOCTL_NEVER_MATCH,
  ServicePortFact,
  SubjectFact,
} from './fixtures/istioctl-1.30.3-adoption';

/**
 * In-place adoption of an `istioctl install`-ed Istio 1.30.3 cluster: for every object such a cluster holds
 * (fixture `istioctl-1.30.3-adoption.ts`), istio-pack's same-named profile must render the same object
 * (API group, kind, namespace, name) with the same immutable selectors, selector-relevant pod labels,
 * Service selectors/type/ports, container ports, webhook names, RBAC roleRefs/subjects and HPA targets.
 */

const PROFILES: readonly AdoptionProfile[] = ['default', 'demo'];

type K8sObject = Record<string, any>;

const rendered = new Map<string, K8sObject[]>();

/** The values file README's adoption section tells istioctl users to synth with. */
const DEFAULT_TAG_VALUES = { revisionTags: ['default'] };

/**
 * Renders a built-in profile once (with the default tag, when asked) and returns every object of the
 * manifest files its kustomization lists.
 */
function objectsOf(profileName: AdoptionProfile, withDefaultTag = false): K8sObject[] {
  const cacheKey = `${profileName}/${withDefaultTag}`;
  const cached = rendered.get(cacheKey);
  if (cached) return cached;
  const profile = builtinProfile(profileName);
  if (!profile) throw new Error(`no built-in profile ${profileName}`);
  const userValues = withDefaultTag ? [{ source: 'adoption values', values: DEFAULT_TAG_VALUES }] : [];
  const { files } = renderProfile(profile, { userValues });
  const kustomization = loadAll(files.get('kustomization.yaml') ?? '')[0] as K8sObject;
  const objects: K8sObject[] = [];
  for (const file of kustomization.resources as string[]) {
    const content = files.get(file);
    if (content === undefined) throw new Error(`kustomization lists ${file}, which was not rendered`);
    for (const doc of loadAll(content)) if (doc) objects.push(doc as K8sObject);
  }
  rendered.set(cacheKey, objects);
  return objects;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

function keyOfObject(o: K8sObject): string {
  return `${groupOf(o.apiVersion)}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;
}

function keyOfFact(f: Pick<AdoptionFact, 'apiGroup' | 'kind' | 'namespace' | 'name'>): string {
  return `${f.apiGroup}|${f.kind}|${f.namespace ?? ''}|${f.name}`;
}

function label(o: { kind: string; name: string; namespace?: string }): string {
  return o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;
}

/** Service ports as the API server stores them: targetPort defaults to port, protocol to TCP. */
function effectiveServicePorts(ports: ReadonlyArray<Record<string, any>> | undefined): ServicePortFact[] {
  return (ports ?? []).map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.targetPort ?? p.port,
    protocol: p.protocol ?? 'TCP',
  }));
}

/** Container ports of all containers as sorted `port/protocol/name` strings (a set comparison). */
function containerPortSet(ports: ReadonlyArray<Record<string, any>>): string[] {
  return ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}/${p.name ?? ''}`).sort();
}

/** Binding subjects with the effective namespace (a RoleBinding subject without one means the binding's). */
function effectiveSubjects(binding: K8sObject): SubjectFact[] {
  return (binding.subjects ?? []).map((s: Record<string, any>) => ({
    kind: s.kind,
    name: s.name,
    namespace: s.namespace ?? binding.metadata?.namespace,
  }));
}

/** The content fields (beyond identity) a fact of each kind records; kinds not listed are identity only. */
const CONTENT_FIELDS: Readonly<Record<string, ReadonlyArray<keyof AdoptionFact>>> = {
  Deployment: ['selector', 'podLabels', 'containerPorts'],
  Service: ['serviceSelector', 'serviceType', 'servicePorts'],
  MutatingWebhookConfiguration: ['webhooks'],
  ValidatingWebhookConfiguration: ['webhooks'],
  RoleBinding: ['roleRef', 'subjects'],
  ClusterRoleBinding: ['roleRef', 'subjects'],
  HorizontalPodAutoscaler: ['scaleTargetRef'],
};
const IDENTITY_FIELDS = ['apiGroup', 'kind', 'name', 'namespace', 'origin', 'source'];

function contentFields(fact: AdoptionFact): string[] {
  return Object.keys(fact).filter((key) => !IDENTITY_FIELDS.includes(key)).sort();
}

/** A fact with its container ports in set order (they are compared as a set). */
function comparableFact(fact: AdoptionFact): Record<string, unknown> {
  const { origin: _origin, source: _source, ...rest } = fact;
  return fact.containerPorts ? { ...rest, containerPorts: containerPortSet(fact.containerPorts) } : rest;
}

/**
 * The fact istio-pack's object states, in the fixture's shape: identity plus every content field of the
 * fact's kind, read from the object whether or not it is there (a missing field is then a difference).
 */
function observedFact(obj: K8sObject, fact: AdoptionFact): Record<string, unknown> {
  const observed: Record<string, unknown> = {
    apiGroup: groupOf(obj.apiVersion),
    kind: obj.kind,
    name: obj.metadata?.name,
    ...(obj.metadata?.namespace === undefined ? {} : { namespace: obj.metadata.namespace }),
  };
  const podLabels: Record<string, string> = obj.spec?.template?.metadata?.labels ?? {};
  const containers: Array<Record<string, any>> = obj.spec?.template?.spec?.containers ?? [];
  const readers: Record<string, () => unknown> = {
    // matchLabels alone; a selector with anything else (matchExpressions) is returned whole, so it differs.
    selector: () => (Object.keys(obj.spec?.selector ?? {}).join() === 'matchLabels' ? obj.spec.selector.matchLabels : obj.spec?.selector),
    // Only the labels the fact names (upstream pods carry more, e.g. version labels); missing ones show as undefined.
    podLabels: () => Object.fromEntries(Object.keys(fact.podLabels ?? podLabels).map((key) => [key, podLabels[key]])),
    containerPorts: () => containerPortSet(containers.flatMap((c) => c.ports ?? [])),
    serviceSelector: () => obj.spec?.selector,
    serviceType: () => obj.spec?.type ?? 'ClusterIP',
    servicePorts: () => effectiveServicePorts(obj.spec?.ports),
    webhooks: () => (obj.webhooks ?? []).map((w: Record<string, any>) => w.name),
    roleRef: () => (obj.roleRef?.apiGroup === 'rbac.authorization.k8s.io' ? { kind: obj.roleRef.kind, name: obj.roleRef.name } : obj.roleRef),
    subjects: () => effectiveSubjects(obj),
    scaleTargetRef: () => ({ kind: obj.spec?.scaleTargetRef?.kind, name: obj.spec?.scaleTargetRef?.name }),
  };
  for (const field of CONTENT_FIELDS[fact.kind] ?? []) observed[field] = readers[field]();
  return observed;
}

const rows: Array<[string, AdoptionProfile, AdoptionFact]> = PROFILES.flatMap((profile) =>
  ISTIOCTL_ADOPTION_FACTS[profile].map((fact): [string, AdoptionProfile, AdoptionFact] => [
    `${profile} ${fact.kind}/${fact.name}`,
    profile,
    fact,
  ]));

/** The rendered objects hold `fact`'s object once, with every content field its kind carries equal. */
function expectFact(objects: K8sObject[], fact: AdoptionFact): void {
  const expectedKey = keyOfFact(fact);
  const matches = objects.filter((o) => keyOfObject(o) === expectedKey);

  // THEN the object exists exactly once with the same group, kind, namespace and name
  expect(matches.map(keyOfObject)).toEqual([expectedKey]);

  // AND every field its kind carries is the same: immutable Deployment selector, selector-relevant pod labels,
  // container ports (as a set), Service selector/type/ports, webhook names, binding roleRef/subjects, HPA target
  expect(observedFact(matches[0], fact)).toEqual(comparableFact(fact));
}

describe('adoption of an istioctl install (Istio 1.30.3)', () => {
  test('the fact table names every object once per profile', () => {
    // GIVEN
    const duplicates: string[] = [];

    // WHEN
    for (const profile of PROFILES) {
      const keys = ISTIOCTL_ADOPTION_FACTS[profile].map(keyOfFact);
      duplicates.push(...keys.filter((key, i) => keys.indexOf(key) !== i).map((key) => `${profile} ${key}`));
    }

    // THEN
    expect(duplicates).toEqual([]);
    expect(new Set(rows.map(([title]) => title)).size).toBe(rows.length);
  });

  test('every fact records exactly the content fields its kind needs (so every row is compared in full)', () => {
    // WHEN
    const wrong = [...PROFILES.flatMap((profile) => ISTIOCTL_ADOPTION_FACTS[profile]), ...ISTIOCTL_DEFAULT_TAG]
      .map((fact) => ({ fact: `${fact.kind}/${fact.name}`, fields: contentFields(fact), expected: [...(CONTENT_FIELDS[fact.kind] ?? [])].sort() }))
      .filter((row) => JSON.stringify(row.fields) !== JSON.stringify(row.expected));

    // THEN
    expect(wrong).toEqual([]);
  });

  test.each(rows)('%s', (_title, profile, fact) => {
    // GIVEN the object an istioctl-installed cluster holds, WHEN istio-pack renders the same profile
    expectFact(objectsOf(profile), fact);
  });

  test('informational: objects rendered beyond what istioctl creates', () => {
    // GIVEN the objects of an istioctl-installed cluster, and the subset `istioctl manifest generate` prints
    const extras: Record<string, { beyondInstalledCluster: string[]; beyondManifestGenerate: string[] }> = {};

    // WHEN comparing each rendered profile with them
    for (const profile of PROFILES) {
      const facts = ISTIOCTL_ADOPTION_FACTS[profile];
      const installed = new Set(facts.map(keyOfFact));
      const generated = new Set(facts.filter((f) => f.origin === 'manifest-generate').map(keyOfFact));
      const ours = objectsOf(profile).map((o) => ({
        key: keyOfObject(o),
        label: label({ kind: o.kind, name: o.metadata?.name, namespace: o.metadata?.namespace }),
      }));
      extras[profile] = {
        beyondInstalledCluster: ours.filter((o) => !installed.has(o.key)).map((o) => o.label).sort(),
        beyondManifestGenerate: ours.filter((o) => !generated.has(o.key)).map((o) => o.label).sort(),
      };
    }

    // THEN the extras are exactly these (change the expectation deliberately when the set changes)
    const outOfBandOnly = ['Namespace/istio-system', 'ValidatingWebhookConfiguration/istiod-default-validator'];
    // istioctl's demo installs no addons (they are samples/addons); istio-pack's demo does.
    const demoAddons = [
      'ClusterRole/kiali-viewer',
      'ClusterRole/prometheus',
      'ClusterRoleBinding/kiali',
      'ClusterRoleBinding/prometheus',
      'ConfigMap/istio-system/grafana',
      'ConfigMap/istio-system/istio-grafana-dashboards',
      'ConfigMap/istio-system/jaeger',
      'ConfigMap/istio-system/kiali',
      'ConfigMap/istio-system/prometheus',
      'Deployment/istio-system/grafana',
      'Deployment/istio-system/jaeger',
      'Deployment/istio-system/kiali',
      'Deployment/istio-system/prometheus',
      'Service/istio-system/grafana',
      'Service/istio-system/jaeger-collector',
      'Service/istio-system/kiali',
      'Service/istio-system/prometheus',
      'Service/istio-system/tracing',
      'Service/istio-system/zipkin',
      'ServiceAccount/istio-system/grafana',
      'ServiceAccount/istio-system/kiali',
      'ServiceAccount/istio-system/prometheus',
    ];
    expect(extras).toEqual({
      default: { beyondInstalledCluster: [], beyondManifestGenerate: outOfBandOnly },
      demo: { beyondInstalledCluster: demoAddons, beyondManifestGenerate: [...demoAddons, ...outOfBandOnly].sort() },
    });
  });
});

describe('the default revision tag istioctl install creates', () => {
  const tagRows = PROFILES.flatMap((profile) => ISTIOCTL_DEFAULT_TAG.map((fact) => [profile, `${fact.kind}/${fact.name}`, fact] as const));

  test.each(tagRows)('%s with revisionTags: [default] renders %s as istioctl does', (profile, _name, fact) => {
    expectFact(objectsOf(profile, true), fact);
  });

  test.each(PROFILES)('%s with revisionTags: [default] leaves istio-sidecar-injector deactivated, as istioctl install leaves it', (profile) => {
    // WHEN
    const injector = objectsOf(profile, true).find((o) => o.kind === 'MutatingWebhookConfiguration' && o.metadata.name === 'istio-sidecar-injector');

    // THEN the webhooks stay (same names), each with istioctl's never-match selectors
    expect(injector?.webhooks.map((w: K8sObject) => [w.name, w.namespaceSelector, w.objectSelector])).toEqual(
      INJECTOR_WEBHOOKS.map((name) => [name, ISTIOCTL_NEVER_MATCH, ISTIOCTL_NEVER_MATCH]));
  });

  test.each(tagRows)('%s without the setting does not render %s (no tag unless asked, as upstream\'s Helm chart)', (profile, _name, fact) => {
    expect(objectsOf(profile).map(keyOfObject)).not.toContain(keyOfFact(fact));
  });
});
