import * as yaml from 'js-yaml';

/** `Kind/namespace/name` of a manifest object. */
export function objectKey(object: Record<string, any>): string {
  return `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
}

/** Every object of rendered manifest files (kustomization.yaml skipped). */
export function objectsOfFiles(files: ReadonlyMap<string, string>, skip: readonly string[] = ['kustomization.yaml']): Array<Record<string, any>> {
  return [...files.entries()]
    .filter(([name]) => !skip.includes(name))
    .flatMap(([, content]) => (yaml.loadAll(content) as Array<Record<string, any>>).filter((doc) => doc));
}

/**
 * An object in comparable form: keys sorted, and ConfigMap payloads that are YAML or JSON documents
 * parsed (the chart serialises them with Helm's toYaml/toJson, dist/ with js-yaml: same data,
 * different text).
 */
export function comparable(object: Record<string, any>): unknown {
  const copy = JSON.parse(JSON.stringify(object));
  if (copy.kind === 'ConfigMap' && copy.data) {
    for (const [key, value] of Object.entries<string>(copy.data)) {
      try {
        const parsed = yaml.load(value);
        if (parsed !== null && typeof parsed === 'object') copy.data[key] = { parsed };
      } catch {
        // not YAML: compared as text
      }
    }
  }
  return sortKeys(copy);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** First difference between two comparable values, as `path: a != b`, or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const key of keys) {
      const found = firstDifference((a as any)[key], (b as any)[key], `${at}.${key}`);
      if (found) return found;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 200)} != ${JSON.stringify(b)?.slice(0, 200)}`;
}
