import { ApiObject } from 'cdk8s';
// The L1 classes only: the package index also loads every L2 construct (slower start, larger console bundle).
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import * as networking from '../imports/networking.istio.io';
import * as security from '../imports/security.istio.io';

/*
 * The typed Kubernetes objects of istio-pack: cdk8s-plus-28's L1 classes (`k8s.KubeDeployment`, ...)
 * and the classes `cdk8s import` generated from the Istio CRDs (src/imports/), so that a misspelt or
 * unknown field is a compile error.
 *
 * Why not the L1 classes as they are: they construct with typed props (what we want) but serialise
 * through generated `toJson_*` functions, which
 * - silently drop every key their schema lacks: a field newer than Kubernetes 1.28 (the schema of
 *   cdk8s-plus-28) and any key of a user-supplied structure (affinity, tolerations, extra mesh config)
 *   that the 1.28 schema does not know would vanish from the manifests;
 * - rebuild every structured field from its typed shape, so the chart's symbolic values (markers for
 *   `{{ if }}`, `{{ range }}` and value references, src/values/template-binder.ts) that stand in for
 *   a container, a list item or a whole map would turn into `{}`;
 * - write keys in schema order: alphabetical for the Kubernetes kinds, but the declared order of the
 *   CRD for imported Istio kinds, where every other object istio-pack writes is alphabetical.
 * (Measured: with the L1 serialisation the CRDs of dist/ lose their schemas, which are data in the
 * API's spelling, and the chart cannot be generated at all.)
 * So each class below is the L1 class (same constructor props, same GVK, `instanceof` holds) whose
 * objects serialise as a plain ApiObject: keys sorted, nothing dropped, values passed through as given.
 * When the object is created, the typed wrappers `IntOrString` and `Quantity` are unwrapped to their
 * value, and the few fields whose TypeScript name differs from the API's (the generator camel-cases
 * initialisms: `downwardApi` is `downwardAPI`) get the API's name back at the paths each class declares
 * (test/typed-objects.test.ts fails when an output carries a TypeScript-only name).
 */

/** A generated L1 class: `new (scope, id, props)` of some ApiObject. */
type ApiObjectClass = new (scope: Construct, id: string, props: any) => ApiObject;

/** Is `value` one of the number-or-string union classes of the generated code (replaced by their value)? */
function isUnion(value: object): value is { readonly value: unknown } {
  return value instanceof k8s.IntOrString || value instanceof k8s.Quantity;
}

/**
 * The value of an IntOrString or Quantity, anything else as it is. The chart writer uses it on what the
 * template binder kept in its nodes (a Quantity inside an `optional`, an IntOrString in an `each` body),
 * which the constructor does not see.
 */
export function plainUnion(value: unknown): unknown {
  return value !== null && typeof value === 'object' && isUnion(value) ? plainUnion(value.value) : value;
}

/**
 * `props` with every IntOrString/Quantity replaced by its value. Walks plain objects and arrays only:
 * anything else (the chart's symbolic value references are functions, cdk8s `Lazy` values) is kept.
 */
export function withPlainUnions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withPlainUnions);
  if (value === null || typeof value !== 'object') return value;
  if (isUnion(value)) return withPlainUnions(value.value);
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, withPlainUnions(entry)]));
}

/**
 * `value` with the key at `path` (dot-separated keys, `[]` for every list item; the last key is the
 * TypeScript name) renamed to `apiName`. Stops at anything that is not a plain object or list.
 */
function renamed(value: unknown, path: readonly string[], apiName: string): unknown {
  const [head, ...rest] = path;
  if (head === '[]') return Array.isArray(value) ? value.map((item) => renamed(item, rest, apiName)) : value;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype || !(head in value)) return value;
  const object = value as Record<string, unknown>;
  if (rest.length === 0) {
    return Object.fromEntries(Object.entries(object).map(([key, entry]) => [key === head ? apiName : key, entry]));
  }
  return { ...object, [head]: renamed(object[head], rest, apiName) };
}

/**
 * The L1 class `l1` with ApiObject's own serialisation: typed construction, the output of a plain
 * `ApiObject` with the same data. `apiNames` maps the path of a field whose TypeScript name differs
 * from the API's (`spec.loadBalancerIp`) to the API's name (`loadBalancerIP`).
 */
export function stableSerialisation<C extends ApiObjectClass>(l1: C, apiNames: Readonly<Record<string, string>> = {}): C {
  const Base = l1 as ApiObjectClass;
  const renames = Object.entries(apiNames).map(([path, apiName]) => ({ path: path.split('.'), apiName }));
  class Stable extends Base {
    constructor(scope: Construct, id: string, props: unknown) {
      let plain = withPlainUnions(props);
      for (const { path, apiName } of renames) plain = renamed(plain, path, apiName);
      super(scope, id, plain);
    }

    public toJson(): any {
      return ApiObject.prototype.toJson.call(this);
    }
  }
  Object.defineProperty(Stable, 'name', { value: l1.name });
  return Stable as unknown as C;
}

// -- core Kubernetes kinds (Kubernetes 1.28 schema, cdk8s-plus-28) ----------------------------------
export const KubeClusterRole = stableSerialisation(k8s.KubeClusterRole, { 'rules.[].nonResourceUrLs': 'nonResourceURLs' });
export const KubeClusterRoleBinding = stableSerialisation(k8s.KubeClusterRoleBinding);
export const KubeConfigMap = stableSerialisation(k8s.KubeConfigMap);
export const KubeCustomResourceDefinition = stableSerialisation(k8s.KubeCustomResourceDefinition);
export const KubeDaemonSet = stableSerialisation(k8s.KubeDaemonSet);
export const KubeDeployment = stableSerialisation(k8s.KubeDeployment, { 'spec.template.spec.volumes.[].downwardApi': 'downwardAPI' });
export const KubeEndpointSlice = stableSerialisation(k8s.KubeEndpointSlice);
export const KubeHorizontalPodAutoscalerV2 = stableSerialisation(k8s.KubeHorizontalPodAutoscalerV2);
export const KubeMutatingWebhookConfiguration = stableSerialisation(k8s.KubeMutatingWebhookConfiguration);
export const KubeNamespace = stableSerialisation(k8s.KubeNamespace);
export const KubePersistentVolumeClaim = stableSerialisation(k8s.KubePersistentVolumeClaim);
export const KubePodDisruptionBudget = stableSerialisation(k8s.KubePodDisruptionBudget);
export const KubeResourceQuota = stableSerialisation(k8s.KubeResourceQuota);
export const KubeRole = stableSerialisation(k8s.KubeRole);
export const KubeRoleBinding = stableSerialisation(k8s.KubeRoleBinding);
export const KubeSecret = stableSerialisation(k8s.KubeSecret);
export const KubeService = stableSerialisation(k8s.KubeService, { 'spec.loadBalancerIp': 'loadBalancerIP' });
export const KubeServiceAccount = stableSerialisation(k8s.KubeServiceAccount);
export const KubeValidatingWebhookConfiguration = stableSerialisation(k8s.KubeValidatingWebhookConfiguration);

// -- Istio kinds (src/imports/, `npm run import-crds`) ---------------------------------------------
export const PeerAuthentication = stableSerialisation(security.PeerAuthentication);
export const IstioGateway = stableSerialisation(networking.Gateway);
export const VirtualService = stableSerialisation(networking.VirtualService);

/** An IntOrString from a number (a port, a count). */
export function intOrString(value: number | string): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

/** A Quantity from its text or number (`'100m'`, `'1Gi'`, `1`). */
export function quantity(value: number | string): k8s.Quantity {
  return typeof value === 'number' ? k8s.Quantity.fromNumber(value) : k8s.Quantity.fromString(value);
}

/**
 * A structure the user supplies whole (tolerations, affinity, node selectors): checked by the values
 * schema, not by the compiler, and written as given (nothing dropped, see above).
 */
export function userSupplied<T>(value: unknown): T {
  return value as T;
}

/**
 * A list of values where an L1 type wants a mutable array. The same list, not a copy: in the chart it
 * is a symbolic reference to a values list, which must be passed on untouched.
 */
export function valuesList<T>(list: readonly T[]): T[] {
  return list as T[];
}
