import { renderProfile, GENERATED_HEADER } from '../../src/outputs/render-profile';
import { BUILTIN_PROFILES } from '../../src/profiles/builtin-profiles';
import { goDecode } from './go-yaml';
import { objectKey } from './objects';

/** A manifest object as Go's decoder reads it. */
export type KubernetesObject = Record<string, any>;

/**
 * dist/ objects for a profile and values, read as kubectl reads them. Left out: the Namespace (Helm's
 * --create-namespace makes it) and mesh-namespaces.yaml, dist/ only by a documented deviation (README
 * "Mesh namespaces": Helm cannot label a namespace it did not create; test/mesh-namespaces.test.ts
 * proves the chart renders none).
 */
export function synthObjects(profileName: string, values?: Record<string, unknown>): KubernetesObject[] {
  const profile = BUILTIN_PROFILES.find((candidate) => candidate.name === profileName)!;
  const rendered = renderProfile(profile, { userValues: values ? [{ source: 'values', values }] : [] });
  const text = [...rendered.files.entries()]
    .filter(([name]) => name !== 'kustomization.yaml' && name !== 'namespace.yaml' && name !== 'mesh-namespaces.yaml')
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
      const difference = firstDifference(object, chartByKey.get(key), '');
      if (difference !== undefined) differences.push(`${key} ${difference}`);
    }
  }
  return differences;
}

/** The first path where `a` and `b` differ (types, keys or values; strings to the character), or undefined. */
export function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return undefined;
    let index = 0;
    while (a[index] === b[index]) index++;
    return `${at}: strings differ at character ${index}: ${JSON.stringify(a.slice(Math.max(0, index - 30), index + 40))} != ${JSON.stringify(b.slice(Math.max(0, index - 30), index + 40))}`;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const key of keys) {
      const found = firstDifference((a as any)[key], (b as any)[key], `${at}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : `${at}: ${JSON.stringify(a)?.slice(0, 200)} != ${JSON.stringify(b)?.slice(0, 200)}`;
}
