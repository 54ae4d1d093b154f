import { renderProfile } from '../src/outputs/render-profile';
import { BUILTIN_PROFILES, builtinProfile } from '../src/profiles/builtin-profiles';
import {
  CrdFact,
  ENV_DEVIATIONS,
  ISTIO_PACK_EQUIVALENT,
  PolicyRuleFact,
  RBAC_DEVIATIONS,
  RBAC_INSTALLS,
  RbacInstall,
  SELECTOR_PORTS_DEVIATIONS,
  UPSTREAM_SELECTORS_AND_PORTS,
  UPSTREAM_CRDS,
  UPSTREAM_INSTALLS,
  UPSTREAM_CONTAINER_ENV,
  UPSTREAM_RBAC,
  UPSTREAM_WEBHOOKS,
  WEBHOOK_DEVIATIONS,
  WORKLOADS_BEYOND_UPSTREAM_CHARTS,
  WebhookFact,
} from './fixtures/istio-1.30.3-upstream';
import { objectsOfFiles } from './support/objects';

/**
 * istio-pack against upstream Istio 1.30.3 (fixture istio-1.30.3-upstream.ts), compared whole: every Istio
 * container's env list, every RBAC rule, every webhook field, every CRD's names and versions. A difference fails unless
 * the fixture's deviation table lists it, and a table row that no longer differs fails too.
 */

type K8sObject = Record<string, any>;

const rendered = new Map<RbacInstall, K8sObject[]>();

/** istio-pack's objects for the install upstream renders as `install`. */
function oursFor(install: RbacInstall): K8sObject[] {
  const cached = rendered.get(install);
  if (cached) return cached;
  const { profile, values } = ISTIO_PACK_EQUIVALENT[install];
  const builtin = builtinProfile(profile);
  if (!builtin) throw new Error(`no built-in profile ${profile}`);
  const objects = objectsOfFiles(renderProfile(builtin, { userValues: [{ source: 'test values', values }] }).files);
  rendered.set(install, objects);
  return objects;
}

function keyOf(o: K8sObject): string {
  return o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
}

/** Deterministic JSON with sorted keys, for equality of plain data. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sort(value)) ?? 'undefined';
}

// ------------------------------------------------------------------------------------------------------
// Container env
// ------------------------------------------------------------------------------------------------------

/**
 * An env entry without its name, as the API server stores it: a fieldRef without apiVersion gets v1, a
 * resourceFieldRef without containerName refers to its own container.
 */
function effectiveEnvEntry(entry: Record<string, any>, container: string): Record<string, unknown> {
  const { name: _name, ...rest } = entry;
  const fieldRef = rest.valueFrom?.fieldRef;
  if (fieldRef) return { ...rest, valueFrom: { ...rest.valueFrom, fieldRef: { apiVersion: 'v1', ...fieldRef } } };
  const resourceRef = rest.valueFrom?.resourceFieldRef;
  if (resourceRef) return { ...rest, valueFrom: { ...rest.valueFrom, resourceFieldRef: { containerName: container, ...resourceRef } } };
  return rest;
}

interface EnvDifference { readonly container: string; readonly name: string; readonly ours: unknown; readonly upstream: unknown }

/** Differences between two containers' env lists, entry by entry (a missing entry is undefined). */
function envDifferences(container: string, ours: ReadonlyArray<Record<string, any>>, upstream: ReadonlyArray<Record<string, any>>): EnvDifference[] {
  const containerName = container.split('/')[2];
  const byName = (list: ReadonlyArray<Record<string, any>>) => new Map(list.map((e) => [e.name as string, effectiveEnvEntry(e, containerName)]));
  const oursByName = byName(ours);
  const upstreamByName = byName(upstream);
  const names = [...new Set([...upstreamByName.keys(), ...oursByName.keys()])];
  return names
    .filter((name) => canonical(oursByName.get(name)) !== canonical(upstreamByName.get(name)))
    .map((name) => ({ container, name, ours: oursByName.get(name), upstream: upstreamByName.get(name) }));
}

/** `Kind/workload/container` → env of every container of the Istio workloads (addons left out). */
function containerEnvs(objects: readonly K8sObject[]): Record<string, Array<Record<string, any>>> {
  const result: Record<string, Array<Record<string, any>>> = {};
  for (const workload of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')) {
    if (WORKLOADS_BEYOND_UPSTREAM_CHARTS.includes(`${workload.kind}/${workload.metadata.name}`)) continue;
    for (const container of workload.spec.template.spec.containers) result[`${workload.kind}/${workload.metadata.name}/${container.name}`] = container.env ?? [];
  }
  return result;
}

describe('the env of every Istio container equals upstream\'s, whole list', () => {
  test.each(UPSTREAM_INSTALLS)('%s', (install) => {
    // GIVEN upstream's env lists and the deviations istio-pack declares for this install
    const upstream = UPSTREAM_CONTAINER_ENV[install];
    const declared = ENV_DEVIATIONS
      .filter((d) => d.installs.includes(install))
      .map((d) => ({ container: d.container, name: d.name, ours: d.ours, upstream: d.upstream }));

    // WHEN istio-pack renders the same install
    const ours = containerEnvs(oursFor(install));

    // THEN the same containers exist
    expect(Object.keys(ours).sort()).toEqual(Object.keys(upstream).sort());
    // AND no name repeats, every difference is a declared deviation, and every declared deviation still differs
    const differences: EnvDifference[] = [];
    const repeated: string[] = [];
    for (const [container, env] of Object.entries(ours)) {
      const names = env.map((e) => e.name as string);
      repeated.push(...names.filter((name, i) => names.indexOf(name) !== i).map((name) => `${container} ${name}`));
      differences.push(...envDifferences(container, env, upstream[container] ?? []));
    }
    expect(repeated).toEqual([]);
    expect(differences).toEqual(declared);

    // AND the names both render come in upstream's order
    const misordered = Object.entries(ours).filter(([container, env]) => {
      const theirs = (upstream[container] ?? []).map((e) => e.name);
      const shared = env.map((e) => e.name as string).filter((name) => theirs.includes(name));
      return canonical(shared) !== canonical(theirs.filter((name) => shared.includes(name)));
    }).map(([container]) => container);
    expect(misordered).toEqual([]);
  });

  test('the comparison notices a removed variable and a changed value', () => {
    // GIVEN upstream's istiod env
    const container = 'Deployment/istiod/discovery';
    const upstream = UPSTREAM_CONTAINER_ENV.default[container];

    // WHEN one entry is dropped and one value changed
    const dropped = upstream.filter((e) => e.name !== 'PILOT_ENABLE_ANALYSIS');
    const flipped = upstream.map((e) => (e.name === 'PILOT_CERT_PROVIDER' ? { ...e, value: 'kubernetes' } : e));

    // THEN both are differences
    expect(envDifferences(container, dropped, upstream).map((d) => d.name)).toEqual(['PILOT_ENABLE_ANALYSIS']);
    expect(envDifferences(container, flipped, upstream)).toEqual([{ container, name: 'PILOT_CERT_PROVIDER', ours: { value: 'kubernetes' }, upstream: { value: 'istiod' } }]);
  });

  test('user env (istiod.env) is added after upstream\'s fixed entries, sorted by name, as the chart ranges over the map', () => {
    // GIVEN env given out of order
    const builtin = builtinProfile('default')!;
    const values = { istiod: { env: { ZETA_FLAG: 'z', ALPHA_FLAG: 'a', PILOT_X: '1' } } };

    // WHEN
    const env = containerEnvs(objectsOfFiles(renderProfile(builtin, { userValues: [{ source: 'test values', values }] }).files))['Deployment/istiod/discovery'];

    // THEN all upstream entries stay, and the user's follow CA_TRUSTED_NODE_ACCOUNTS in key order
    const names = env.map((e) => e.name);
    const at = names.indexOf('CA_TRUSTED_NODE_ACCOUNTS');
    expect(names.slice(at + 1, at + 4)).toEqual(['ALPHA_FLAG', 'PILOT_X', 'ZETA_FLAG']);
    expect(env.find((e) => e.name === 'ZETA_FLAG')).toEqual({ name: 'ZETA_FLAG', value: 'z' });
  });
});

// ------------------------------------------------------------------------------------------------------
// RBAC
// ------------------------------------------------------------------------------------------------------

/** A rule with every list as a sorted set, as one comparable string. */
function normalisedRule(rule: Record<string, any>): string {
  const result: Record<string, string[]> = {};
  for (const field of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs', 'verbs']) {
    if (rule[field] !== undefined && rule[field].length > 0) result[field] = [...new Set<string>(rule[field])].sort();
  }
  return JSON.stringify(result);
}

interface RuleDifference { readonly object: string; readonly onlyOurs: PolicyRuleFact[]; readonly onlyUpstream: PolicyRuleFact[] }

function ruleDifferences(ours: Readonly<Record<string, readonly Record<string, any>[]>>, upstream: Readonly<Record<string, readonly Record<string, any>[]>>): RuleDifference[] {
  const objects = [...new Set([...Object.keys(upstream), ...Object.keys(ours)])].sort();
  const differences: RuleDifference[] = [];
  for (const object of objects) {
    const mine = (ours[object] ?? []).map(normalisedRule);
    const theirs = (upstream[object] ?? []).map(normalisedRule);
    const onlyOurs = mine.filter((r) => !theirs.includes(r)).sort();
    const onlyUpstream = theirs.filter((r) => !mine.includes(r)).sort();
    const missing = ours[object] === undefined || upstream[object] === undefined;
    if (missing || onlyOurs.length > 0 || onlyUpstream.length > 0) {
      differences.push({ object, onlyOurs: onlyOurs.map((r) => JSON.parse(r)), onlyUpstream: onlyUpstream.map((r) => JSON.parse(r)) });
    }
  }
  return differences;
}

function rolesOf(objects: readonly K8sObject[]): Record<string, Array<Record<string, any>>> {
  const roles: Record<string, Array<Record<string, any>>> = {};
  for (const o of objects.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole')) {
    roles[keyOf(o)] = o.rules ?? [];
  }
  return roles;
}

describe('RBAC rules equal upstream\'s, every rule of every Role and ClusterRole', () => {
  test.each(RBAC_INSTALLS)('%s', (install) => {
    // GIVEN
    const declared = RBAC_DEVIATIONS
      .filter((d) => d.installs.includes(install))
      .map((d) => ({
        object: d.object,
        onlyOurs: d.onlyOurs.map(normalisedRule).sort().map((r) => JSON.parse(r)),
        onlyUpstream: d.onlyUpstream.map(normalisedRule).sort().map((r) => JSON.parse(r)),
      }));

    // WHEN
    const ours = rolesOf(oursFor(install));

    // THEN the same roles exist with the same rules (each rule's lists compared as sets), or the deviation is declared
    expect(ruleDifferences(ours, UPSTREAM_RBAC[install])).toEqual(declared);
  });

  test('the comparison notices a removed verb, a removed resource and a missing role', () => {
    // GIVEN upstream's istiod ClusterRole
    const upstream = UPSTREAM_RBAC.default;
    const name = 'ClusterRole/istiod-clusterrole-istio-system';
    const rules = upstream[name];

    // WHEN a verb and a resource are removed, and a role dropped
    const lessVerbs = { ...upstream, [name]: rules.map((r, i) => (i === 0 ? { ...r, verbs: r.verbs.slice(1) } : r)) };
    const lessResources = { ...upstream, [name]: rules.map((r, i) => (i === 0 ? { ...r, resources: [] } : r)) };
    const { [name]: _dropped, ...lessRoles } = upstream;

    // THEN each is a difference of that role
    expect(ruleDifferences(lessVerbs, upstream).map((d) => d.object)).toEqual([name]);
    expect(ruleDifferences(lessResources, upstream).map((d) => d.object)).toEqual([name]);
    expect(ruleDifferences(lessRoles, upstream).map((d) => d.object)).toEqual([name]);
  });
});

// ------------------------------------------------------------------------------------------------------
// Webhooks
// ------------------------------------------------------------------------------------------------------

const WEBHOOK_FIELDS: ReadonlyArray<keyof WebhookFact> = [
  'clientConfig', 'rules', 'failurePolicy', 'sideEffects', 'admissionReviewVersions', 'namespaceSelector',
  'objectSelector', 'matchPolicy', 'reinvocationPolicy', 'timeoutSeconds',
];

/** A webhook as the API server stores it (admissionregistration.k8s.io/v1 defaults), caBundle left out. */
function effectiveWebhook(kind: string, webhook: Record<string, any>): Record<string, unknown> {
  const { caBundle: _caBundle, ...clientConfig } = webhook.clientConfig ?? {};
  if (clientConfig.service) clientConfig.service = { port: 443, ...clientConfig.service };
  return {
    ...webhook,
    clientConfig,
    rules: (webhook.rules ?? []).map((rule: Record<string, unknown>) => ({ scope: '*', ...rule })),
    failurePolicy: webhook.failurePolicy ?? 'Fail',
    matchPolicy: webhook.matchPolicy ?? 'Equivalent',
    namespaceSelector: webhook.namespaceSelector ?? {},
    objectSelector: webhook.objectSelector ?? {},
    timeoutSeconds: webhook.timeoutSeconds ?? 10,
    ...(kind === 'MutatingWebhookConfiguration' ? { reinvocationPolicy: webhook.reinvocationPolicy ?? 'Never' } : {}),
  };
}

interface FieldDifference { readonly object: string; readonly webhook: string; readonly field: string; readonly ours: unknown; readonly upstream: unknown }

function webhookDifferences(
  ours: Readonly<Record<string, readonly Record<string, any>[]>>,
  upstream: Readonly<Record<string, readonly Record<string, any>[]>>,
): Array<FieldDifference | { readonly object: string; readonly webhooks: { ours: string[]; upstream: string[] } }> {
  const differences: Array<FieldDifference | { object: string; webhooks: { ours: string[]; upstream: string[] } }> = [];
  for (const object of [...new Set([...Object.keys(upstream), ...Object.keys(ours)])].sort()) {
    const kind = object.split('/')[0];
    const mine = (ours[object] ?? []).map((w) => effectiveWebhook(kind, w));
    const theirs = (upstream[object] ?? []).map((w) => effectiveWebhook(kind, w));
    const names = { ours: mine.map((w) => w.name as string), upstream: theirs.map((w) => w.name as string) };
    if (canonical(names.ours) !== canonical(names.upstream)) {
      differences.push({ object, webhooks: names });
      continue;
    }
    for (const [i, webhook] of theirs.entries()) {
      const fields = new Set([...WEBHOOK_FIELDS, ...Object.keys(webhook), ...Object.keys(mine[i])]);
      for (const field of [...fields].filter((f) => f !== 'name')) {
        const a = (mine[i] as Record<string, unknown>)[field];
        const b = (webhook as Record<string, unknown>)[field];
        if (canonical(a) !== canonical(b)) differences.push({ object, webhook: webhook.name as string, field, ours: a, upstream: b });
      }
    }
  }
  return differences;
}

function webhooksOf(objects: readonly K8sObject[]): Record<string, Array<Record<string, any>>> {
  const result: Record<string, Array<Record<string, any>>> = {};
  for (const o of objects.filter((x) => x.kind === 'MutatingWebhookConfiguration' || x.kind === 'ValidatingWebhookConfiguration')) {
    result[keyOf(o)] = o.webhooks ?? [];
  }
  return result;
}

describe('webhooks equal upstream\'s, every field of every webhook', () => {
  test.each(UPSTREAM_INSTALLS)('%s', (install) => {
    // GIVEN
    const declared = WEBHOOK_DEVIATIONS
      .filter((d) => d.installs.includes(install))
      .map((d) => ({ object: d.object, webhook: d.webhook, field: d.field, ours: d.ours, upstream: d.upstream }));

    // WHEN
    const ours = webhooksOf(oursFor(install));

    // THEN
    const sortKey = (d: Record<string, any>) => `${d.object}|${d.webhook}|${d.field}`;
    const differences = webhookDifferences(ours, UPSTREAM_WEBHOOKS[install]);
    expect(differences.sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(declared.sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
  });

  test('the comparison notices a changed sideEffects, admissionReviewVersions, selector, port and timeout', () => {
    // GIVEN upstream's injector
    const upstream = UPSTREAM_WEBHOOKS.default;
    const name = 'MutatingWebhookConfiguration/istio-sidecar-injector';
    const change = (patch: Record<string, unknown>) => ({ ...upstream, [name]: upstream[name].map((w, i) => (i === 1 ? { ...w, ...patch } : w)) });

    // WHEN / THEN
    const fieldsOf = (patch: Record<string, unknown>) => webhookDifferences(change(patch), upstream).map((d) => ('field' in d ? d.field : 'webhooks'));
    expect(fieldsOf({ sideEffects: 'Some' })).toEqual(['sideEffects']);
    expect(fieldsOf({ admissionReviewVersions: ['v1', 'v1beta1'] })).toEqual(['admissionReviewVersions']);
    expect(fieldsOf({ objectSelector: {} })).toEqual(['objectSelector']);
    expect(fieldsOf({ clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 15017 } } })).toEqual(['clientConfig']);
    expect(fieldsOf({ timeoutSeconds: 30 })).toEqual(['timeoutSeconds']);
    expect(fieldsOf({ matchPolicy: 'Exact' })).toEqual(['matchPolicy']);
    expect(fieldsOf({ name: 'other.sidecar-injector.istio.io' })).toEqual(['webhooks']);
  });
});

// ------------------------------------------------------------------------------------------------------
// CRDs
// ------------------------------------------------------------------------------------------------------

/** The facts of a rendered CRD in the fixture's shape (deprecated: false is the API default). */
function crdFacts(crd: K8sObject): CrdFact {
  const { kind, listKind, plural, singular, shortNames, categories } = crd.spec.names;
  return JSON.parse(JSON.stringify({
    name: crd.metadata.name,
    group: crd.spec.group,
    scope: crd.spec.scope,
    names: { kind, listKind: listKind ?? `${kind}List`, plural, singular: singular ?? kind.toLowerCase(), shortNames, categories },
    versions: crd.spec.versions.map((v: K8sObject) => ({
      name: v.name,
      served: v.served,
      storage: v.storage,
      deprecated: v.deprecated === true ? true : undefined,
      deprecationWarning: v.deprecationWarning,
      subresources: v.subresources ?? {},
    })),
  }));
}

const crdProfiles = BUILTIN_PROFILES.filter((profile) => objectsOfFiles(renderProfile(profile).files).some((o) => o.kind === 'CustomResourceDefinition'));

describe('CRDs: group, names, scope and versions equal upstream\'s crd-all.gen.yaml', () => {
  test('the upstream facts have exactly one storage version per CRD', () => {
    for (const crd of UPSTREAM_CRDS) expect([crd.name, crd.versions.filter((v) => v.storage).length]).toEqual([crd.name, 1]);
  });

  test('profiles with CRDs are the ones that install base', () => {
    expect(crdProfiles.map((p) => p.name).sort()).toEqual(['ambient', 'default', 'demo', 'minimal', 'preview', 'remote']);
  });

  test.each(crdProfiles.map((profile) => [profile.name, profile] as const))('%s', (_name, profile) => {
    // WHEN
    const crds = objectsOfFiles(renderProfile(profile).files).filter((o) => o.kind === 'CustomResourceDefinition');

    // THEN every CRD has exactly one served storage version
    for (const crd of crds) {
      const storage = crd.spec.versions.filter((v: K8sObject) => v.storage === true);
      expect([crd.metadata.name, storage.length, storage[0]?.served]).toEqual([crd.metadata.name, 1, true]);
    }
    // AND the facts equal upstream's, CRD by CRD
    const ours = crds.map(crdFacts).sort((a, b) => a.name.localeCompare(b.name));
    expect(ours.map((c) => c.name)).toEqual(UPSTREAM_CRDS.map((c) => c.name));
    for (const [i, crd] of ours.entries()) expect(crd).toEqual(JSON.parse(JSON.stringify(UPSTREAM_CRDS[i])));
  });
});

// ------------------------------------------------------------------------------------------------------
// Selectors, Service types and ports
// ------------------------------------------------------------------------------------------------------

/** Every workload's selector and every Service's selector, type and effective ports. */
function selectorsAndPorts(objects: readonly K8sObject[]): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = {};
  for (const o of objects) {
    if (['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind)) result[`${o.kind}/${o.metadata.name}`] = { selector: o.spec.selector };
    if (o.kind === 'Service') {
      result[`Service/${o.metadata.name}`] = {
        selector: o.spec.selector,
        type: o.spec.type ?? 'ClusterIP',
        ports: o.spec.ports.map((p: K8sObject) => ({
          name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? 'TCP', ...(p.nodePort === undefined ? {} : { nodePort: p.nodePort }),
        })),
      };
    }
  }
  return result;
}

describe('workload selectors and Service selectors, types and ports equal upstream\'s', () => {
  test.each(UPSTREAM_INSTALLS)('%s', (install) => {
    // GIVEN
    const upstream = UPSTREAM_SELECTORS_AND_PORTS[install];
    const declared = SELECTOR_PORTS_DEVIATIONS
      .filter((d) => d.installs.includes(install))
      .map((d) => ({ object: d.object, field: d.field, ours: d.ours, upstream: d.upstream }));

    // WHEN
    const ours = selectorsAndPorts(oursFor(install));

    // THEN the same workloads and Services exist, and every field is upstream's or a declared deviation
    expect(Object.keys(ours).sort()).toEqual(Object.keys(upstream).sort());
    const differences = Object.keys(upstream).sort().flatMap((object) => (['selector', 'type', 'ports'] as const)
      .filter((field) => canonical(ours[object][field]) !== canonical(upstream[object][field]))
      .map((field) => ({ object, field, ours: ours[object][field], upstream: upstream[object][field] })));
    expect(differences).toEqual(declared);
  });
});
