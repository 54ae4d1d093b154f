import { Construct, IConstruct } from 'constructs';
import { goPrettyJson } from './go-json';
import { mergeValues } from './resolve';

/**
 * How components turn values into manifests. Every decision that depends on a value goes through a
 * binder, so that the same component code yields either concrete objects (dist/) or a Helm template
 * whose control flow and leaves are bound to `.Values` (charts/).
 *
 * In concrete mode values are plain data and every method computes its result at once. In template
 * mode values are symbolic references and the methods return nodes that the chart writer turns into
 * `{{ if }}`, `{{ range }}` and `{{ toJson .Values.x }}`. Component code must therefore never branch
 * on, compare or iterate over a value itself: `if (values.x)` or `list.map()` would be evaluated once,
 * at generation time, and silently freeze the chart. The chart parity test catches such slips.
 */
export interface Binder {
  /** 'concrete' for dist/, 'template' for the Helm chart. */
  readonly mode: 'concrete' | 'template';

  // -- structure: objects ---------------------------------------------------------------------
  /** Runs `build` (which creates ApiObjects under `scope`) only when `cond` holds. */
  whenBuild(scope: IConstruct, cond: boolean, build: () => void): void;
  /** Runs `build` once per item of `list` (items get their model defaults); `id` names the item's construct. */
  eachBuild<T>(scope: IConstruct, list: readonly T[], build: (item: T, id: string) => void, options?: EachOptions<T>): void;

  // -- structure: values ----------------------------------------------------------------------
  /** `value` when `cond` holds, otherwise the field is left out. */
  optional<T>(cond: boolean, value: T): T | undefined;
  /** `whenTrue` or `whenFalse`. */
  choose<T>(cond: boolean, whenTrue: T, whenFalse: T): T;
  /** One list element per item of `list` (for use inside a list, with {@link flat}). */
  each<T, R>(list: readonly T[], build: (item: T) => R, options?: EachOptions<T>): R[];
  /** One list element per entry of `map`, in key order. */
  entries<T, R>(map: Readonly<Record<string, T>>, build: (key: string, value: T) => R): R[];
  /** A list made of single elements, optional elements and `each` results. */
  flat<T>(...parts: ReadonlyArray<T | T[] | undefined>): T[];
  /**
   * The entries of a value map, to spread into an object literal: `{ a: 1, ...b.spread(map) }`.
   * Use it where the object itself cannot be a value (cdk8s metadata labels and annotations).
   */
  spread<T>(map: Readonly<Record<string, T>>): Record<string, T>;
  /** Deep merge with Helm's layering semantics (maps merge, lists replace, null removes). */
  deepMerge(base: Record<string, unknown>, overlay: Readonly<Record<string, unknown>>): Record<string, unknown>;

  // -- conditions -----------------------------------------------------------------------------
  /** The value is not empty ("", 0, false, [], {} are empty). */
  isSet(value: unknown): boolean;
  not(cond: boolean): boolean;
  and(...conds: boolean[]): boolean;
  or(...conds: boolean[]): boolean;
  eq(a: unknown, b: unknown): boolean;
  gt(a: number, b: number): boolean;
  /** The string matches the regular expression (RE2 syntax, so the chart can evaluate it too). */
  matches(value: string, pattern: string): boolean;
  /** The string contains `part`. */
  contains(value: string, part: string): boolean;

  // -- leaves ---------------------------------------------------------------------------------
  /** `value`, or `fallback` when `value` is empty (sprig's `default`). */
  fallback<T>(value: T, fallback: T): T;
  /** `value` with every match of the RE2 `pattern` replaced. */
  replaceRegex(value: string, pattern: string, replacement: string): string;
  /** A decimal number written as text, as a number. */
  toNumber(text: string): number;
  /** List items joined with `separator`. */
  join(list: readonly unknown[], separator: string): string;
  /** A value rendered as text (numbers and booleans as JSON writes them). */
  text(value: unknown): string;
  /**
   * A structure serialised as the text of a YAML configuration payload (a ConfigMap entry). It is
   * written as JSON, a subset of YAML, in the layout of Go's json.MarshalIndent (src/values/go-json.ts):
   * the one format both modes can write byte for byte (the chart uses sprig's toPrettyJson).
   */
  yaml(value: unknown): string;
  /** A structure serialised as JSON text: the same text as {@link yaml}, for payloads read as JSON. */
  json(value: unknown): string;
}

/** Options of {@link Binder.each} and {@link Binder.eachBuild}. */
export interface EachOptions<T> {
  /** Keep only items for which this holds. */
  readonly where?: (item: T) => boolean;
  /** Keep only the first item per key. */
  readonly uniqueBy?: (item: T) => string;
}

const BINDER_CONTEXT = 'istio-pack:binder';

/** Drops object keys whose value is undefined (left by `optional`), at every depth. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)]));
  }
  return value;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function selected<T>(list: readonly T[], options: EachOptions<T> = {}): T[] {
  const seen = new Set<string>();
  return list.filter((item) => {
    if (options.where && !options.where(item)) return false;
    if (!options.uniqueBy) return true;
    const key = options.uniqueBy(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The binder of dist/: values are data, every method computes its result. */
export class ConcreteBinder implements Binder {
  public readonly mode = 'concrete';

  public whenBuild(_scope: IConstruct, cond: boolean, build: () => void): void {
    if (cond) build();
  }

  public eachBuild<T>(_scope: IConstruct, list: readonly T[], build: (item: T, id: string) => void, options?: EachOptions<T>): void {
    selected(list, options).forEach((item, index) => build(item, `item-${index}`));
  }

  public optional<T>(cond: boolean, value: T): T | undefined {
    return cond ? value : undefined;
  }

  public choose<T>(cond: boolean, whenTrue: T, whenFalse: T): T {
    return cond ? whenTrue : whenFalse;
  }

  public each<T, R>(list: readonly T[], build: (item: T) => R, options?: EachOptions<T>): R[] {
    return selected(list, options).map(build);
  }

  public entries<T, R>(map: Readonly<Record<string, T>>, build: (key: string, value: T) => R): R[] {
    return Object.keys(map).sort().map((key) => build(key, map[key]));
  }

  public flat<T>(...parts: ReadonlyArray<T | T[] | undefined>): T[] {
    return parts.flatMap((part) => (part === undefined ? [] : Array.isArray(part) ? part : [part]));
  }

  public spread<T>(map: Readonly<Record<string, T>>): Record<string, T> {
    return { ...map };
  }

  public deepMerge(base: Record<string, unknown>, overlay: Readonly<Record<string, unknown>>): Record<string, unknown> {
    return mergeValues(withoutUndefined(base), overlay) as Record<string, unknown>;
  }

  public isSet(value: unknown): boolean {
    return !isEmpty(value);
  }

  public not(cond: boolean): boolean {
    return !cond;
  }

  public and(...conds: boolean[]): boolean {
    return conds.every((cond) => cond);
  }

  public or(...conds: boolean[]): boolean {
    return conds.some((cond) => cond);
  }

  public eq(a: unknown, b: unknown): boolean {
    return a === b;
  }

  public gt(a: number, b: number): boolean {
    return a > b;
  }

  public matches(value: string, pattern: string): boolean {
    return new RegExp(pattern).test(value);
  }

  public contains(value: string, part: string): boolean {
    return value.includes(part);
  }

  public fallback<T>(value: T, fallback: T): T {
    return isEmpty(value) ? fallback : value;
  }

  public replaceRegex(value: string, pattern: string, replacement: string): string {
    return value.replace(new RegExp(pattern, 'g'), replacement);
  }

  public toNumber(text: string): number {
    return Number(text);
  }

  public join(list: readonly unknown[], separator: string): string {
    return list.join(separator);
  }

  public text(value: unknown): string {
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  public yaml(value: unknown): string {
    return goPrettyJson(withoutUndefined(value));
  }

  public json(value: unknown): string {
    return goPrettyJson(withoutUndefined(value));
  }
}

const CONCRETE = new ConcreteBinder();

/** The binder in force for `scope`: set by whoever builds the tree, concrete by default (tests, dist/). */
export function binderOf(scope: IConstruct): Binder {
  return (scope.node.tryGetContext(BINDER_CONTEXT) as Binder | undefined) ?? CONCRETE;
}

/** Makes `binder` the one every construct below `scope` uses; call before adding children. */
export function useBinder(scope: Construct, binder: Binder): void {
  scope.node.setContext(BINDER_CONTEXT, binder);
}
