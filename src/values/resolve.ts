import { IstioValues, VALUES_MODEL } from './model';
import { ValueIssue, isPlainMap } from './schema';

/** Partial values as a user, a profile or a values file writes them. */
export type ValuesOverlay = Readonly<Record<string, unknown>>;

/** A layer of values and where it came from (for error messages). */
export interface ValuesLayer {
  /** e.g. 'profile demo', 'profiles/edge.yaml', 'my-values.yaml'. */
  readonly source: string;
  readonly values: ValuesOverlay;
}

/** Thrown when values do not match the model; lists every problem with its value path. */
export class ValuesError extends Error {
  constructor(public readonly issues: readonly ValueIssue[], sources: readonly string[]) {
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.message}`);
    const from = sources.length > 0 ? ` (values from ${sources.join(', ')})` : '';
    super(`invalid values${from}:\n${lines.join('\n')}`);
    this.name = 'ValuesError';
  }
}

/**
 * Layers values the way Helm does: maps are merged key by key, everything else (lists included) is
 * replaced by the later layer. An explicit `null` removes the key (Helm's way to unset a default).
 */
export function mergeValues(base: unknown, overlay: unknown): unknown {
  if (!isPlainMap(base) || !isPlainMap(overlay)) return overlay === undefined ? base : overlay;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = mergeValues(base[key], value);
    }
  }
  return result;
}

/**
 * Resolves layers of values (lowest precedence first) into fully defaulted, validated values.
 * @throws ValuesError naming every offending path when the values do not match the model.
 */
export function resolveValues(layers: readonly ValuesLayer[]): IstioValues {
  let merged: unknown = {};
  for (const layer of layers) {
    if (!isPlainMap(layer.values)) {
      throw new ValuesError([{ path: '(root)', message: `must be a map of settings, got ${JSON.stringify(layer.values)}` }], [layer.source]);
    }
    merged = mergeValues(merged, layer.values);
  }
  const issues: ValueIssue[] = [];
  const values = VALUES_MODEL.resolve(merged, '', issues);
  if (issues.length > 0) throw new ValuesError(issues, layers.map((layer) => layer.source));
  return values;
}
