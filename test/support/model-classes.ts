/** A model class of the @kubernetes-models packages: its GVK and a schema check. */
export type ModelClass = { apiVersion: string; kind: string; new (data: any): { validate(): void } };

/** Every model class below a module namespace (an ESM package's exports), keyed `apiVersion Kind`. */
export function collectModels(namespace: Record<string, any>, into: Map<string, ModelClass>, seen = new Set<unknown>()): Map<string, ModelClass> {
  if (seen.has(namespace)) return into;
  seen.add(namespace);
  for (const value of Object.values(namespace)) {
    if (typeof value === 'function' && typeof value.apiVersion === 'string' && typeof value.kind === 'string' && typeof value.prototype?.validate === 'function') {
      into.set(`${value.apiVersion} ${value.kind}`, value as ModelClass);
    } else if (value !== null && typeof value === 'object') {
      collectModels(value, into, seen);
    }
  }
  return into;
}
