import { renderProfile, GENERATED_HEADER } from '../../src/outputs/render-profile';
import { BUILTIN_PROFILES } from '../../src/profiles/builtin-profiles';
import { goDecode } from './go-yaml';
import { objectKey } from './objects';

/** A manifest object as Go's decoder reads it. */
export type KubernetesObject = Record<string, any>;

/** dist/ objects for a profile and values, read as kubectl reads them; the Namespace is Helm's (--create-namespace). */
export function synthObjects(profileName: string, values?: Record<string, unknown>): KubernetesObject[] {
  const profile = BUILTIN_PROFILES.find((candidate) => candidate.name === profileName)!;
  const rendered = renderProfile(profile, { userValues: values ? [{ source: 'values', values }] : [] });
  const text = [...rendered.files.entries()]
    .filter(([name]) => name !== 'kustomization.yaml' && name !== 'namespace.yaml')
    .map(([, content]) => content.replace(GENERATED_HEADER, ''))
    .join('---\n');
  return goDecode(text).filter((document) => document !== null) as KubernetesObject[];
}

/** Objects of `helm template` output, read by Go's decoder. */
export function helmObjects(text: string): KubernetesObject[] {
  return goDecode(text).filter((document) => document !== null) as KubernetesObject[];
}

/** The differences between two object sets: missing/extra objects, then the first differing field of each. */
export function objectDifferences(chart: readonly KubernetesObject[], synth: readonly KubernetesObject[]): string[] {
  const chartByKey = new Map(chart.map((object) => [objectKey(object), object]));
  const synthByKey = new Map(synth.map((object) => [objectKey(object), object]));
  const differences: string[] = [];
  for (const key of chartByKey.keys()) if (!synthByKey.has(key)) differences.push(`${key} only in the chart`);
  for (const [key, object] of synthByKey) {
    if (!chartByKey.has(key)) differences.push(`${key} only in synth`);
    else {
      const difference = firstStrictDifference(object, chartByKey.get(key), '');
      if (difference !== undefined) differences.push(`${key} ${difference}`);
    }
  }
  return differences;
}

/** The first path where `a` and `b` differ (types, keys or values; strings to the character), or undefined. */
function firstStrictDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const key of keys) {
      const found = firstStrictDifference((a as any)[key], (b as any)[key], `${at}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : `${at}: ${JSON.stringify(a)?.slice(0, 200)} != ${JSON.stringify(b)?.slice(0, 200)}`;
}
