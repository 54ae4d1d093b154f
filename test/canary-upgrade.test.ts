import { loadAll } from 'js-yaml';
import { renderProfile } from '../src/outputs/render-profile';
import { builtinProfile } from '../src/profiles/builtin-profiles';
import { Profile } from '../src/profiles/profile';
import { UserProfile } from '../src/profiles/user-profile';
import { ValuesOverlay } from '../src/values/resolve';

/**
 * The canary upgrade README describes ("Canary upgrades with revision tags"): two control planes side
 * by side in dist/, namespaces moved between them with revision tags, then the old one removed. At
 * each stage the outputs applied together must not fight over an object, and the injector webhooks
 * must route every namespace/pod label combination to at most one istiod — checked as istioctl 1.30.3's
 * webhook analyzer checks it (pkg/config/analysis/analyzers/webhook/webhook.go: namespace labels
 * {}, istio-injection=enabled|disabled, pod labels {}, sidecar.istio.io/inject=true|false, each also
 * with istio.io/rev=<every revision or tag named>; more than one match is "Webhook overlaps with
 * others ... injection to occur twice").
 */

type K8sObject = Record<string, any>;
type Labels = Record<string, string>;

function builtin(name: string): Profile {
  const profile = builtinProfile(name);
  if (!profile) throw new Error(`no built-in profile ${name}`);
  return profile;
}

/** A user profile as `profiles/<name>.yaml` would give it. */
const userProfile = (name: string, parent: string, overlay: ValuesOverlay) => new UserProfile(name, `profiles/${name}.yaml`, builtin(parent), overlay);

/** Every object `kubectl apply -k dist/<profile>` applies. */
function applied(profile: Profile): K8sObject[] {
  const { files } = renderProfile(profile);
  const kustomization = loadAll(files.get('kustomization.yaml') ?? '')[0] as K8sObject;
  return (kustomization.resources as string[]).flatMap((file) => (loadAll(files.get(file) ?? '') as K8sObject[]).filter((doc) => doc));
}

const keyOf = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

// The README's profiles, stage by stage.
const STABLE = userProfile('stable', 'default', { revisionTags: ['prod-stable'] });
const CANARY = userProfile('canary', 'minimal', {
  global: { revision: 'canary', createNamespace: false },
  base: { enabled: false },
  revisionTags: ['prod-canary'],
});
const STABLE_PROMOTED = userProfile('stable', 'default', { revisionTags: [] });
const CANARY_PROMOTED = userProfile('canary', 'minimal', {
  global: { revision: 'canary', createNamespace: false },
  base: { enabled: false },
  revisionTags: ['prod-stable', 'prod-canary'],
});
const STABLE_RETIRED = userProfile('stable', 'default', { global: { revision: 'canary' }, istiod: { enabled: false } });
const CANARY_DEFAULT = userProfile('canary', 'minimal', {
  global: { revision: 'canary', createNamespace: false },
  base: { enabled: false },
  revisionTags: ['default', 'prod-stable', 'prod-canary'],
});

/** A Kubernetes label selector (matchLabels and matchExpressions) applied to labels. */
function selectorMatches(selector: K8sObject | undefined, labels: Labels): boolean {
  if (!selector) return true;
  const byLabel = Object.entries<string>(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every((req: K8sObject) => {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    switch (req.operator) {
      case 'In': return has && req.values.includes(labels[req.key]);
      case 'NotIn': return !has || !req.values.includes(labels[req.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: throw new Error(`unknown operator ${req.operator}`);
    }
  });
  return byLabel && byExpression;
}

/** Istio's injector webhooks among the objects, with the istiod Service each calls. */
function injectorWebhooks(objects: K8sObject[]): Array<{ id: string; webhook: K8sObject }> {
  return objects
    .filter((o) => o.kind === 'MutatingWebhookConfiguration')
    .flatMap((o) => o.webhooks
      .filter((w: K8sObject) => w.name.endsWith('istio.io'))
      .map((webhook: K8sObject) => ({ id: `${o.metadata.name}/${webhook.name}`, webhook })));
}

/** Revisions and tags named by the webhooks (labels and selectors), as the analyzer collects them. */
function revisionsNamed(objects: K8sObject[]): string[] {
  const names = new Set<string>();
  for (const o of objects.filter((x) => x.kind === 'MutatingWebhookConfiguration')) {
    if (o.metadata.labels?.['istio.io/rev']) names.add(o.metadata.labels['istio.io/rev']);
    for (const w of o.webhooks) {
      for (const selector of [w.namespaceSelector, w.objectSelector]) {
        for (const req of selector?.matchExpressions ?? []) if (req.key === 'istio.io/rev') (req.values ?? []).forEach((v: string) => names.add(v));
      }
    }
  }
  return [...names].sort();
}

/** The label combinations istioctl's analyzer tries, each with the webhooks that match it. */
function overlaps(objects: K8sObject[]): string[] {
  const revisions = revisionsNamed(objects);
  const withRevisions = (base: Labels[]) => [...base, ...revisions.flatMap((rev) => base.map((labels) => ({ ...labels, 'istio.io/rev': rev })))];
  const namespaces = withRevisions([{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }]);
  const pods = withRevisions([{}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }]);
  const webhooks = injectorWebhooks(objects);
  const found: string[] = [];
  for (const ns of namespaces) {
    for (const pod of pods) {
      const matches = webhooks.filter(({ webhook }) => selectorMatches(webhook.namespaceSelector, ns) && selectorMatches(webhook.objectSelector, pod));
      if (matches.length > 1) found.push(`namespace ${JSON.stringify(ns)} pod ${JSON.stringify(pod)}: ${matches.map((m) => m.id).join(', ')}`);
    }
  }
  return found;
}

/** The istiod Service that injects a pod with `pod` labels in a namespace with `ns` labels ('none' when no webhook matches). */
function injectorOf(objects: K8sObject[], ns: Labels, pod: Labels = {}): string {
  const matches = injectorWebhooks(objects)
    .filter(({ webhook }) => selectorMatches(webhook.namespaceSelector, ns) && selectorMatches(webhook.objectSelector, pod))
    .map(({ webhook }) => webhook.clientConfig.service.name);
  return matches.length === 0 ? 'none' : [...new Set(matches)].join(' and ');
}

function defaultValidatorTarget(objects: K8sObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'ValidatingWebhookConfiguration' && o.metadata.name === 'istiod-default-validator')
    .map((o) => o.webhooks[0].clientConfig.service.name);
}

describe('canary upgrade with revision tags (README)', () => {
  test('the analyzer check can fail: upstream Helm\'s non-revisioned istiod with an active default tag overlaps', () => {
    // GIVEN istio-sidecar-injector as rendered without tags, next to the default tag
    const untagged = applied(builtin('default')).filter((o) => o.kind === 'MutatingWebhookConfiguration');
    const tag = applied(userProfile('adopt', 'default', { revisionTags: ['default'] }))
      .filter((o) => o.metadata.name === 'istio-revision-tag-default');

    // THEN both answer for istio-injection=enabled namespaces
    expect(overlaps([...untagged, ...tag])).toContain(
      'namespace {"istio-injection":"enabled"} pod {}: istio-sidecar-injector/namespace.sidecar-injector.istio.io, istio-revision-tag-default/namespace.sidecar-injector.istio.io');
  });

  test('adopting istioctl\'s layout (revisionTags: [default]): no overlap, the tag injects for istiod', () => {
    const objects = applied(userProfile('adopt', 'default', { revisionTags: ['default'] }));
    expect(overlaps(objects)).toEqual([]);
    expect(injectorOf(objects, { 'istio-injection': 'enabled' })).toBe('istiod');
    expect(injectorOf(objects, { 'istio.io/rev': 'default' })).toBe('istiod');
    expect(injectorOf(objects, {}, { 'sidecar.istio.io/inject': 'true' })).toBe('istiod');
    expect(injectorOf(objects, {})).toBe('none');
  });

  test('stage 1, two revisions side by side: no object in both folders, no overlap, each tag routes to its revision', () => {
    // GIVEN
    const stable = applied(STABLE);
    const canary = applied(CANARY);

    // THEN kubectl apply -k of both folders never writes one object twice
    const stableKeys = new Set(stable.map(keyOf));
    expect(canary.map(keyOf).filter((key) => stableKeys.has(key))).toEqual([]);
    // AND the canary folder holds only the canary control plane and its tag
    expect(canary.every((o) => o.metadata.labels?.['istio.io/rev'] === 'canary')).toBe(true);

    const both = [...stable, ...canary];
    expect(overlaps(both)).toEqual([]);
    expect(injectorOf(both, { 'istio.io/rev': 'prod-stable' })).toBe('istiod');
    expect(injectorOf(both, { 'istio.io/rev': 'prod-canary' })).toBe('istiod-canary');
    expect(injectorOf(both, { 'istio.io/rev': 'canary' })).toBe('istiod-canary');
    expect(injectorOf(both, { 'istio-injection': 'enabled' })).toBe('istiod');
    expect(defaultValidatorTarget(both)).toEqual(['istiod']);
  });

  test('stage 2, tag prod-stable moved to the canary: its namespaces go to istiod-canary', () => {
    // GIVEN
    const stable = applied(STABLE_PROMOTED);
    const canary = applied(CANARY_PROMOTED);

    // THEN
    const stableKeys = new Set(stable.map(keyOf));
    expect(canary.map(keyOf).filter((key) => stableKeys.has(key))).toEqual([]);
    const both = [...stable, ...canary];
    expect(overlaps(both)).toEqual([]);
    expect(injectorOf(both, { 'istio.io/rev': 'prod-stable' })).toBe('istiod-canary');
    expect(injectorOf(both, { 'istio.io/rev': 'prod-canary' })).toBe('istiod-canary');
    expect(injectorOf(both, { 'istio-injection': 'enabled' })).toBe('istiod');
  });

  test('stage 3, old istiod removed, the canary takes the default tag: every label the old one served goes to istiod-canary', () => {
    // GIVEN the stable folder keeps only what both revisions share (namespace, base, gateways), now for the canary
    const stable = applied(STABLE_RETIRED);
    const canary = applied(CANARY_DEFAULT);

    // THEN
    const stableKeys = new Set(stable.map(keyOf));
    expect(canary.map(keyOf).filter((key) => stableKeys.has(key))).toEqual([]);
    const both = [...stable, ...canary];
    expect(overlaps(both)).toEqual([]);
    expect(injectorOf(both, { 'istio-injection': 'enabled' })).toBe('istiod-canary');
    expect(injectorOf(both, {}, { 'sidecar.istio.io/inject': 'true' })).toBe('istiod-canary');
    expect(injectorOf(both, { 'istio.io/rev': 'default' })).toBe('istiod-canary');
    expect(injectorOf(both, { 'istio.io/rev': 'prod-stable' })).toBe('istiod-canary');
    expect(injectorOf(both, { 'istio-injection': 'disabled' })).toBe('none');
    expect(defaultValidatorTarget(both)).toEqual(['istiod-canary']);
    // AND the gateways now get their certificates and config from the canary
    const gateway = stable.find((o) => o.kind === 'Deployment' && o.metadata.name === 'istio-ingressgateway');
    const env = gateway?.spec.template.spec.containers[0].env.find((e: K8sObject) => e.name === 'CA_ADDR');
    expect(env?.value).toBe('istiod-canary.istio-system.svc:15012');
  });

  test('stage 3: what leaves the stable folder is the old istiod (selected by the README\'s labels) and the old reader role', () => {
    // GIVEN
    const before = applied(STABLE_PROMOTED);
    const afterKeys = new Set(applied(STABLE_RETIRED).map(keyOf));

    // WHEN
    const removed = before.filter((o) => !afterKeys.has(keyOf(o))).map(keyOf).sort();
    const byLabels = before
      .filter((o) => o.metadata.labels?.['operator.istio.io/component'] === 'Pilot' && o.metadata.labels?.['istio.io/rev'] === 'default')
      .map(keyOf).sort();

    // THEN `kubectl delete ... -l operator.istio.io/component=Pilot,istio.io/rev=default` removes the old
    // istiod; base's reader role carries the revision in its name (as upstream's), so the README names it
    const readerRbac = ['ClusterRole//istio-reader-clusterrole-istio-system', 'ClusterRoleBinding//istio-reader-clusterrole-istio-system'];
    expect(removed).toEqual([...byLabels, ...readerRbac].sort());
    expect(new Set(byLabels.map((key) => key.split('/')[0]))).toEqual(new Set([
      'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler',
      'MutatingWebhookConfiguration', 'Role', 'RoleBinding', 'Service', 'ServiceAccount', 'ValidatingWebhookConfiguration',
    ]));
  });
});
