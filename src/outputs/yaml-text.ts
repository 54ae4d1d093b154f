import { fromKubernetesYamlStream } from '../values/kubernetes-yaml';

/**
 * Limits on every YAML file istio-pack reads (values files, profile files, --crds files). Real inputs
 * stay far below them; they exist so that a hostile or broken file fails fast instead of exhausting
 * memory, as Helm refuses such files with "excessive aliasing".
 */
export const INPUT_LIMITS = {
  /** Largest values or profile file, in bytes (real ones are a few KiB). */
  valuesFileBytes: 1024 * 1024,
  /** Largest --crds file, in bytes (Istio's crd-all.gen.yaml is well under 2 MiB). */
  crdFileBytes: 16 * 1024 * 1024,
  /**
   * Most YAML nodes (maps, lists and scalars) the loaded documents may hold when every alias is
   * followed as a copy. A 16 MiB file without aliases has far fewer; a "billion laughs" file has 10^9.
   */
  expandedNodes: 2_000_000,
} as const;

/** What a YAML input is, for its limits and messages. */
export type InputKind = 'values' | 'profile' | 'crds';

/**
 * Parses YAML text read from `source` (a file, or what a user pasted into the console): all documents,
 * refusing alias bombs. Errors name the source. Returns the non-empty documents. No file access, so the
 * console runs the same code in the browser.
 */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  let documents: unknown[];
  try {
    documents = fromKubernetesYamlStream(text);
  } catch (error) {
    throw new Error(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  const nodes = countExpandedNodes(documents, INPUT_LIMITS.expandedNodes);
  if (nodes > INPUT_LIMITS.expandedNodes) {
    throw new Error(`${source}: excessive aliasing: its YAML aliases expand to more than ${INPUT_LIMITS.expandedNodes} nodes`);
  }
  return documents.filter((document) => document !== null && document !== undefined);
}

/**
 * Counts the nodes of `value` as a reader that copies every alias would see them. js-yaml returns the
 * same object for each alias of an anchor, so a node reached twice is counted twice. Sizes are
 * remembered per object, which keeps the cost at the number of distinct nodes (a bomb's handful of
 * anchors), and a node stops adding children once it passes `budget`. A cycle counts as endless.
 */
export function countExpandedNodes(value: unknown, budget: number): number {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  const size = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) return Infinity;
    open.add(node);
    let total = 1;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      total += size(child);
      if (total > budget) break;
    }
    open.delete(node);
    sizes.set(node, total);
    return total;
  };
  return size(value);
}

