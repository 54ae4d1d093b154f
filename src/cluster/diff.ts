import { toKubernetesYaml } from '../values/kubernetes-yaml';
import { ApiStatusError, ClusterError, KubeClient, groupVersionPath } from './kube-client';
import { unifiedDiff } from './line-diff';

/** The field manager of istio-pack's server-side applies. */
export const FIELD_MANAGER = 'istio-pack';

/** Metadata the API server maintains: never a difference worth showing. */
const SERVER_MAINTAINED_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'] as const;

/** The outcome for one object. */
export interface ObjectDiff {
  /** e.g. `Deployment istio-system/istiod`. */
  readonly title: string;
  readonly state: 'new' | 'changed' | 'unchanged';
  /** Unified diff of live → dry-run result ('' when unchanged or new). */
  readonly diff: string;
  /** Field managers whose fields the apply takes over (it conflicted without force). */
  readonly conflicts: readonly string[];
  /** Why the object is shown as rendered rather than as the server's dry-run result. */
  readonly note?: string;
}

/** The cluster does not serve an object's API version or kind (yet). */
class NotServedError extends ClusterError {}

interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * Dry-runs a server-side apply of each object, in apply order, and compares the result with the live
 * object. Conflicts with other field managers (kubectl's client-side apply, istioctl) are retried
 * with force, as an apply taking the objects over would, and reported.
 */
export async function diffObjects(client: KubeClient, objects: ReadonlyArray<Record<string, any>>): Promise<ObjectDiff[]> {
  const resources = new Map<string, Map<string, ResourceInfo>>();
  const resourceOf = async (apiVersion: string, kind: string, title: string): Promise<ResourceInfo> => {
    let kinds = resources.get(apiVersion);
    if (!kinds) {
      let list: { resources: Array<{ name: string; kind: string; namespaced: boolean }> };
      try {
        list = await client.get(groupVersionPath(apiVersion));
      } catch (error) {
        if (error instanceof ApiStatusError && error.statusCode === 404) {
          throw new NotServedError(`the cluster does not serve ${apiVersion} (404 on ${groupVersionPath(apiVersion)}), needed for ${title}: install its CRDs or API first`);
        }
        throw error;
      }
      // Subresources (deployments/scale) share the kind: only whole resources count.
      kinds = new Map(list.resources.filter((resource) => !resource.name.includes('/')).map((resource) => [resource.kind, { plural: resource.name, namespaced: resource.namespaced }]));
      resources.set(apiVersion, kinds);
    }
    const info = kinds.get(kind);
    if (!info) throw new NotServedError(`the cluster serves ${apiVersion} but not kind ${kind}, needed for ${title}`);
    return info;
  };

  // Kinds whose CRD is among the objects: before the apply, the cluster may not serve them yet.
  const definedHere = new Set(objects.filter((object) => object.kind === 'CustomResourceDefinition' && object.apiVersion === 'apiextensions.k8s.io/v1')
    .flatMap((crd) => (crd.spec?.versions ?? []).map((version: { name: string }) => `${crd.spec.group}/${version.name}, Kind=${crd.spec.names?.kind}`)));
  const newNamespaces = new Set<string>();
  const results: ObjectDiff[] = [];
  for (const object of objects) {
    const { apiVersion, kind } = object;
    const name: string = object.metadata?.name;
    const namespace: string | undefined = object.metadata?.namespace;
    const title = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
    let info: ResourceInfo;
    try {
      info = await resourceOf(apiVersion, kind, title);
    } catch (error) {
      if (!(error instanceof NotServedError) || !definedHere.has(`${apiVersion}, Kind=${kind}`)) throw error;
      // Its CRD comes with this profile: nothing to compare with and nothing the server can dry-run.
      results.push({ title, state: 'new', diff: '', conflicts: [], note: `the cluster does not serve ${apiVersion} ${kind} until this profile's CRD is applied: shown as rendered` });
      continue;
    }
    const objectPath = `${groupVersionPath(apiVersion)}${info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : ''}/${info.plural}/${encodeURIComponent(name)}`;

    const live = await client.getIfExists(objectPath);
    if (!live && kind === 'Namespace' && apiVersion === 'v1') newNamespaces.add(name);
    let conflicts: string[] = [];
    let planned: any;
    let note: string | undefined;
    try {
      planned = await client.dryRunApply(objectPath, object, FIELD_MANAGER, false);
    } catch (error) {
      if (error instanceof ApiStatusError && error.statusCode === 409 && error.reason === 'Conflict') {
        conflicts = conflictingManagers(error.body);
        planned = await client.dryRunApply(objectPath, object, FIELD_MANAGER, true);
      } else if (error instanceof ApiStatusError && error.statusCode === 404 && !live && namespace !== undefined && newNamespaces.has(namespace)) {
        // A dry run creates nothing, so the namespace this run would create does not exist for it.
        planned = object;
        note = `namespace ${namespace} is new too, so the server cannot dry-run this object: shown as rendered`;
      } else {
        throw error;
      }
    }
    if (!live) {
      results.push({ title, state: 'new', diff: '', conflicts, note });
      continue;
    }
    const before = comparable(live);
    const after = comparable(planned);
    const diff = unifiedDiff(before, after, `live ${title}`, `after apply ${title}`);
    results.push({ title, state: diff === '' ? 'unchanged' : 'changed', diff, conflicts, note });
  }
  return results;
}

/** The object as YAML with sorted keys, without the metadata the server maintains. */
function comparable(object: Record<string, any>): string {
  const copy = JSON.parse(JSON.stringify(object));
  for (const field of SERVER_MAINTAINED_METADATA) delete copy.metadata?.[field];
  return toKubernetesYaml(copy, { sortKeys: true });
}

/** Field managers named by a Conflict Status (`conflict with "kubectl-client-side-apply" using v1: .data.mesh`). */
function conflictingManagers(status: any): string[] {
  const causes: Array<{ message?: string }> = status?.details?.causes ?? [];
  const managers = causes.map((cause) => /conflict with "([^"]+)"/.exec(cause.message ?? '')?.[1]).filter((manager): manager is string => manager !== undefined);
  return [...new Set(managers)].sort();
}

/** The report: each changed object's diff, then a summary line per object and the totals. */
export function diffReport(results: readonly ObjectDiff[]): string {
  const out: string[] = [];
  for (const result of results) if (result.diff !== '') out.push(result.diff);
  const count = (state: ObjectDiff['state']) => results.filter((result) => result.state === state).length;
  out.push(`Summary: ${count('new')} new, ${count('changed')} changed, ${count('unchanged')} unchanged (${results.length} objects)`);
  for (const result of results) {
    const extra = [
      result.conflicts.length > 0 ? `takes over fields of ${result.conflicts.join(', ')}` : '',
      result.note ?? '',
    ].filter((text) => text !== '');
    out.push(`  ${result.state.padEnd(9)} ${result.title}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}`);
  }
  return out.join('\n') + '\n';
}
