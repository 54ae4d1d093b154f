import type { CrossFieldRule } from './rules';

/**
 * A small typed schema language for the istio-pack values model.
 *
 * One schema gives: the TypeScript type of resolved values (`Infer<S>`), the defaults, the validation
 * with errors that name the value's path, and (in the chart/forms layer) values.yaml, values.schema.json
 * and form fields. Nothing else in the project restates a setting's type, default or constraint.
 */

/**
 * How a setting shows up in generated forms (values.schema.json titles, Rancher questions.yaml, the
 * console page). Where a setting sits in a form is not here: src/values/form-sections.ts lists the
 * sections and the paths they hold.
 */
export interface FormHints {
  /** Human label in English, e.g. "Gateway name" (not the key). Every setting of the model has one. */
  readonly title: string;
  /**
   * Label in Simplified Chinese, given for the fields of the ACK console's "Deploy Istio" form
   * (its sections are in form-sections.ts).
   * @default - none: the English title is shown
   */
  readonly titleZh?: string;
  /**
   * Labels of enum members that the member itself does not explain, e.g. `{ '': 'Default image' }`.
   * @default - each member is its own label
   */
  readonly choiceTitles?: Readonly<Record<string, string>>;
  /**
   * Title of each item of a free-form list (lists of typed items take their item setting's title).
   * @default - the list's title
   */
  readonly itemTitle?: string;
  /**
   * Show the field only while another setting (absolute model path, outside lists) has a value, e.g.
   * Kiali's login only while Kiali is on: `{ path: 'addons.kiali.enabled', equals: true }`.
   * @default - always shown
   */
  readonly showIf?: { readonly path: string; readonly equals: string | boolean };
  /** Keep the field out of generated forms (still in values.yaml and the schema). @default false */
  readonly hidden?: boolean;
}

/** Documentation shared by every setting. */
export interface SettingDocs {
  /** One-line description, used as the values.yaml comment and the schema description. */
  readonly description: string;
  /** Form metadata: the title at least. */
  readonly form: FormHints;
}

/** One problem found while validating values. */
export interface ValueIssue {
  /** Path of the offending value, e.g. `gateways.ingress[0].ports[1].nodePort`. */
  readonly path: string;
  /** What was expected, and what was found. */
  readonly message: string;
  /**
   * `field` for a value that is wrong on its own (type, range, pattern: what values.schema.json
   * checks), `rule` for a conflict between values (what the chart's validation template checks).
   * @default 'field'
   */
  readonly kind?: 'field' | 'rule';
}

/** Base of every setting in the model. `T` is the resolved (fully defaulted) TypeScript type. */
export abstract class Setting<T> {
  /** Phantom field carrying the resolved type; never set at run time. */
  declare readonly _type: T;
  public abstract readonly kind: string;

  protected constructor(public readonly docs: SettingDocs) {}

  /** The default of this setting, or undefined when it has none (optional settings). */
  public abstract defaultValue(): T | undefined;

  /**
   * Checks `value` and returns it with defaults filled in. Problems are appended to `issues` and the
   * returned value is then unspecified.
   */
  public abstract resolve(value: unknown, path: string, issues: ValueIssue[]): T;
}

/** Renders a value for an error message: short JSON, strings quoted. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

/** Joins a parent path and a key the way users write value paths. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** Options of a string setting. */
export interface StringOptions extends SettingDocs {
  /** @default '' */
  readonly default?: string;
  /** Regular expression the whole value must match (anchored here). Empty string is allowed when `allowEmpty`. */
  readonly pattern?: RegExp;
  /** Human wording of the pattern for error messages, e.g. 'a DNS-1123 label'. */
  readonly patternName?: string;
  /** Accept '' even when a pattern is set. @default true */
  readonly allowEmpty?: boolean;
  /** Longest accepted value, in characters. @default - no limit */
  readonly maxLength?: number;
  /** Values refused although they match the pattern, and why (e.g. names taken by other objects). */
  readonly forbidden?: { readonly values: readonly string[]; readonly reason: string };
  /** The value is a secret (or may be one by mistake): error messages never repeat it. @default false */
  readonly secret?: boolean;
}

/** A string setting. */
export class StringSetting extends Setting<string> {
  public readonly kind = 'string';
  public readonly default: string;
  public readonly allowEmpty: boolean;

  constructor(public readonly options: StringOptions) {
    super(options);
    this.default = options.default ?? '';
    this.allowEmpty = options.allowEmpty ?? true;
  }

  public defaultValue(): string {
    return this.default;
  }

  public resolve(value: unknown, path: string, issues: ValueIssue[]): string {
    if (value === undefined || value === null) return this.default;
    const shown = this.options.secret ? '(a value not shown: it may be a secret)' : describeValue(value);
    if (typeof value !== 'string') {
      issues.push({ path, message: `must be a string, got ${typeName(value)} ${this.options.secret ? '' : shown}`.trimEnd() });
      return this.default;
    }
    if (value === '' && this.allowEmpty) return value;
    const { pattern, maxLength, forbidden } = this.options;
    if (value === '') {
      issues.push({ path, message: `must not be empty, got ""` });
    } else if (maxLength !== undefined && value.length > maxLength) {
      issues.push({ path, message: `must be at most ${maxLength} characters, got ${value.length}` });
    } else if (pattern && !new RegExp(`^(?:${pattern.source})$`).test(value)) {
      // A secret's pattern is checked by the chart's validation template, not its schema (Helm 4's
      // schema errors quote the value): a rule, as far as the order of checks goes.
      const kind = this.options.secret ? 'rule' : 'field';
      issues.push({ path, message: `must be ${this.options.patternName ?? `a string matching ${pattern.source}`}, got ${shown}`, kind });
    } else if (forbidden?.values.includes(value)) {
      issues.push({ path, message: `must not be ${forbidden.values.map((v) => JSON.stringify(v)).join(' or ')} (${forbidden.reason}), got ${shown}` });
    }
    return value;
  }
}

/** Options of an enumeration setting. */
export interface EnumOptions<E extends string> extends SettingDocs {
  /** The default member. */
  readonly default: E;
}

/** A string that must be one of a fixed set. */
export class EnumSetting<E extends string> extends Setting<E> {
  public readonly kind = 'enum';
  public readonly default: E;

  constructor(public readonly members: readonly E[], options: EnumOptions<E>) {
    super(options);
    this.default = options.default;
  }

  public defaultValue(): E {
    return this.default;
  }

  public resolve(value: unknown, path: string, issues: ValueIssue[]): E {
    if (value === undefined || value === null) return this.default;
    if (typeof value !== 'string' || !(this.members as readonly string[]).includes(value)) {
      const choices = this.members.map((m) => (m === '' ? '""' : m)).join(' | ');
      issues.push({ path, message: `must be one of ${choices}, got ${describeValue(value)}` });
      return this.default;
    }
    return value as E;
  }
}

/** Options of a numeric setting. */
export interface NumberOptions extends SettingDocs {
  /** The default; omit for an optional number. */
  readonly default?: number;
  /** Inclusive lower bound. */
  readonly minimum?: number;
  /** Inclusive upper bound. */
  readonly maximum?: number;
  /** Accept 0 in addition to [minimum, maximum] (e.g. "0 = same as port"). @default false */
  readonly allowZero?: boolean;
}

/** A number (`integer: true` for whole numbers). */
export class NumberSetting<T extends number | undefined> extends Setting<T> {
  public readonly kind: 'integer' | 'number';

  constructor(public readonly integer: boolean, public readonly options: NumberOptions) {
    super(options);
    this.kind = integer ? 'integer' : 'number';
  }

  public defaultValue(): T {
    return this.options.default as T;
  }

  public resolve(value: unknown, path: string, issues: ValueIssue[]): T {
    // An optional number is unset by leaving it out: null is refused, as values.schema.json refuses it
    // (a single type there keeps form renderers' number inputs and their bounds).
    if (value === null && this.options.default === undefined) {
      issues.push({ path, message: `must be ${this.integer ? 'an integer' : 'a number'} or left out, got null` });
      return this.defaultValue();
    }
    if (value === undefined || value === null) return this.defaultValue();
    if (typeof value !== 'number') {
      issues.push({ path, message: `must be ${this.integer ? 'an integer' : 'a number'}, got ${typeName(value)} ${describeValue(value)}` });
      return this.defaultValue();
    }
    if (!Number.isFinite(value)) {
      issues.push({ path, message: `must be a finite number, got ${describeValue(value)}` });
      return this.defaultValue();
    }
    if (this.integer && !Number.isInteger(value)) {
      issues.push({ path, message: `must be an integer, got ${value}` });
      return value as T;
    }
    if (value === 0 && this.options.allowZero) return value as T;
    const { minimum, maximum } = this.options;
    const tooLow = minimum !== undefined && value < minimum;
    const tooHigh = maximum !== undefined && value > maximum;
    if (tooLow || tooHigh) issues.push({ path, message: `must be ${this.rangeText()}, got ${value}` });
    return value as T;
  }

  private rangeText(): string {
    const { minimum, maximum, allowZero } = this.options;
    let range: string;
    if (minimum !== undefined && maximum !== undefined) range = `${minimum}-${maximum}`;
    else if (minimum !== undefined) range = `>= ${minimum}`;
    else range = `<= ${maximum}`;
    return allowZero ? `0 or ${range}` : range;
  }
}

/** A boolean setting. */
export class BooleanSetting extends Setting<boolean> {
  public readonly kind = 'boolean';
  public readonly default: boolean;

  constructor(options: SettingDocs & { readonly default: boolean }) {
    super(options);
    this.default = options.default;
  }

  public defaultValue(): boolean {
    return this.default;
  }

  public resolve(value: unknown, path: string, issues: ValueIssue[]): boolean {
    if (value === undefined || value === null) return this.default;
    if (typeof value !== 'boolean') {
      issues.push({ path, message: `must be true or false, got ${typeName(value)} ${describeValue(value)}` });
      return this.default;
    }
    return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Containers

/** Options of a list setting. */
export interface ListOptions<T> extends SettingDocs {
  /** @default [] */
  readonly default?: readonly T[];
  /** Item fields whose values must be unique across the list, e.g. ['name', 'port']. */
  readonly uniqueBy?: readonly string[];
  /** The items themselves must be unique (lists of scalars). @default false */
  readonly uniqueItems?: boolean;
  /** @default 0 */
  readonly minItems?: number;
}

/** A list. Lists replace (they are not merged) when values are layered, as in Helm. */
export class ListSetting<S extends Setting<any>> extends Setting<ReadonlyArray<S['_type']>> {
  public readonly kind = 'list';

  constructor(public readonly items: S, public readonly options: ListOptions<S['_type']>) {
    super(options);
  }

  public defaultValue(): ReadonlyArray<S['_type']> {
    return this.options.default ?? [];
  }

  public resolve(value: unknown, path: string, issues: ValueIssue[]): ReadonlyArray<S['_type']> {
    const raw = value === undefined || value === null ? this.defaultValue() : value;
    if (!Array.isArray(raw)) {
      issues.push({ path, message: `must be a list, got ${typeName(raw)} ${describeValue(raw)}` });
      return [];
    }
    if (raw.length < (this.options.minItems ?? 0)) {
      issues.push({ path, message: `must have at least ${this.options.minItems} item(s), got ${raw.length}` });
    }
    const resolved = raw.map((item, index) => this.items.resolve(item, childPath(path, index), issues));
    if (this.options.uniqueItems) this.checkUniqueItems(resolved, path, issues);
    for (const field of this.options.uniqueBy ?? []) this.checkUniqueField(resolved, field, path, issues);
    return resolved;
  }

  private checkUniqueItems(items: readonly unknown[], path: string, issues: ValueIssue[]): void {
    const seen = new Set<string>();
    const secret = this.items instanceof StringSetting && this.items.options.secret;
    items.forEach((item, index) => {
      const key = JSON.stringify(item);
      if (seen.has(key)) issues.push({ path: childPath(path, index), message: `must be unique in the list, got ${secret ? 'a value' : describeValue(item)} again` });
      seen.add(key);
    });
  }

  private checkUniqueField(items: readonly any[], field: string, path: string, issues: ValueIssue[]): void {
    const firstIndex = new Map<string, number>();
    items.forEach((item, index) => {
      const fieldValue = item?.[field];
      if (fieldValue === undefined || fieldValue === '') return;
      const key = JSON.stringify(fieldValue);
      const earlier = firstIndex.get(key);
      if (earlier !== undefined) {
        issues.push({
          path: childPath(childPath(path, index), field),
          message: `must be unique, ${describeValue(fieldValue)} is already used by ${childPath(path, earlier)}`,
          kind: 'rule',
        });
      } else {
        firstIndex.set(key, index);
      }
    });
  }
}

/** Options of a map setting (string keys, typed values). */
export interface MapOptions<T> extends SettingDocs {
  /** @default {} */
  readonly default?: Readonly<Record<string, T>>;
  /** Pattern every key must match. */
  readonly keyPattern?: RegExp;
  /** Wording of the key pattern for errors. */
  readonly keyPatternName?: string;
}

/** A map with free keys and typed values (labels, annotations, env). Maps are merged when layered. */
export class MapSetting<S extends Setting<any>> extends Setting<Readonly<Record<string, S['_type']>>> {
  public readonly kind = 'map';

  constructor(public readonly values: S, public readonly options: MapOptions<S['_type']>) {
    super(options);
  }

  public defaultValue(): Readonly<Record<string, S['_type']>> {
    return this.options.default ?? {};
  }

  public resolve(value: unknown, path: string, issues: ValueIssue[]): Readonly<Record<string, S['_type']>> {
    const raw = value === undefined || value === null ? this.defaultValue() : value;
    if (!isPlainMap(raw)) {
      issues.push({ path, message: `must be a map, got ${typeName(raw)} ${describeValue(raw)}` });
      return {};
    }
    const result: Record<string, S['_type']> = {};
    const { keyPattern, keyPatternName } = this.options;
    for (const key of Object.keys(raw).sort()) {
      if (keyPattern && !new RegExp(`^(?:${keyPattern.source})$`).test(key)) {
        issues.push({ path: childPath(path, key), message: `key must be ${keyPatternName ?? keyPattern.source}, got ${describeValue(key)}` });
      }
      result[key] = this.values.resolve(raw[key], childPath(path, key), issues);
    }
    return result;
  }
}

/** Options of a free-form setting. */
export interface FreeFormOptions<T> extends SettingDocs {
  /** The default. */
  readonly default: T;
  /**
   * For a list of maps with a known shape (e.g. Kubernetes tolerations): the fields an item may have.
   * Each field given is checked by its setting, unknown fields are refused; nothing is defaulted, so
   * items pass through exactly as written. Forms use the fields to render typed item editors.
   * @default - items are not checked
   */
  readonly itemFields?: Shape;
}

/** A free-form value passed through as is (Kubernetes affinity, tolerations, extra mesh config). */
export class FreeFormSetting<T> extends Setting<T> {
  public readonly kind = 'free';

  constructor(public readonly shape: 'map' | 'list', public readonly options: FreeFormOptions<T>) {
    super(options);
  }

  public defaultValue(): T {
    return this.options.default;
  }

  public resolve(value: unknown, path: string, issues: ValueIssue[]): T {
    if (value === undefined || value === null) return this.defaultValue();
    const ok = this.shape === 'list' ? Array.isArray(value) : isPlainMap(value);
    if (!ok) {
      issues.push({ path, message: `must be ${this.shape === 'list' ? 'a list' : 'a map'}, got ${typeName(value)} ${describeValue(value)}` });
      return this.defaultValue();
    }
    const fields = this.options.itemFields;
    if (fields && Array.isArray(value)) value.forEach((item, index) => checkItemFields(fields, item, childPath(path, index), issues));
    return value as T;
  }
}

/** Checks one item of a free-form list against its documented fields, without defaulting any. */
function checkItemFields(fields: Shape, item: unknown, path: string, issues: ValueIssue[]): void {
  if (!isPlainMap(item)) {
    issues.push({ path, message: `must be a map, got ${typeName(item)} ${describeValue(item)}` });
    return;
  }
  const known = Object.keys(fields);
  for (const [key, fieldValue] of Object.entries(item)) {
    const fieldPath = childPath(path, key);
    const setting = fields[key];
    if (setting === undefined) {
      const hint = closestKey(key, known);
      issues.push({ path: fieldPath, message: `unknown setting${hint ? ` (did you mean ${hint}?)` : ''}; expected one of ${known.join(', ')}` });
    } else if (fieldValue === null) {
      issues.push({ path: fieldPath, message: 'must be left out rather than null' });
    } else {
      setting.resolve(fieldValue, fieldPath, issues);
    }
  }
}

/** The properties of an object setting. */
export type Shape = Readonly<Record<string, Setting<any>>>;

type OptionalKeys<P extends Shape> = { [K in keyof P]: undefined extends P[K]['_type'] ? K : never }[keyof P];
type RequiredKeys<P extends Shape> = Exclude<keyof P, OptionalKeys<P>>;
type Flatten<T> = { [K in keyof T]: T[K] };

/** The resolved type of an object setting's properties; settings without a default are optional keys. */
export type InferShape<P extends Shape> = Flatten<
  { readonly [K in RequiredKeys<P>]: P[K]['_type'] } & { readonly [K in OptionalKeys<P>]?: Exclude<P[K]['_type'], undefined> }
>;

/** Options of an object setting. */
export interface ObjectOptions<P extends Shape> extends SettingDocs {
  /**
   * Cross-field rules the per-field checks cannot express (e.g. min <= max), checked here and in the
   * Helm chart alike; issue paths are relative to the object (e.g. `minReplicas`).
   */
  readonly rules?: ReadonlyArray<CrossFieldRule<InferShape<P>>>;
  /** Keys accepted and ignored when they hold a map (kept for compatibility with other layouts, e.g. ACK's k8singress). */
  readonly ignoredKeys?: readonly string[];
}

/** An object with a fixed set of keys. Unknown keys are rejected so that typos do not pass silently. */
export class ObjectSetting<P extends Shape> extends Setting<InferShape<P>> {
  public readonly kind = 'object';

  constructor(public readonly properties: P, public readonly options: ObjectOptions<P>) {
    super(options);
  }

  public defaultValue(): InferShape<P> {
    const result: Record<string, unknown> = {};
    for (const [key, setting] of Object.entries(this.properties)) {
      const value = setting.defaultValue();
      if (value !== undefined) result[key] = value;
    }
    return result as InferShape<P>;
  }

  public resolve(value: unknown, path: string, issues: ValueIssue[]): InferShape<P> {
    const raw = value === undefined || value === null ? {} : value;
    if (!isPlainMap(raw)) {
      issues.push({ path, message: `must be a map, got ${typeName(raw)} ${describeValue(raw)}` });
      return this.defaultValue();
    }
    const issuesBefore = issues.length;
    const known = Object.keys(this.properties);
    for (const key of Object.keys(raw)) {
      if (known.includes(key)) continue;
      if (this.options.ignoredKeys?.includes(key)) {
        if (!isPlainMap(raw[key])) issues.push({ path: childPath(path, key), message: `must be a map (it is ignored), got ${typeName(raw[key])} ${describeValue(raw[key])}` });
        continue;
      }
      const hint = closestKey(key, known);
      issues.push({ path: childPath(path, key), message: `unknown setting${hint ? ` (did you mean ${hint}?)` : ''}; expected one of ${known.join(', ')}` });
    }
    const result: Record<string, unknown> = {};
    for (const [key, setting] of Object.entries(this.properties)) {
      const resolved = setting.resolve(raw[key], childPath(path, key), issues);
      if (resolved !== undefined) result[key] = resolved;
    }
    const typed = result as InferShape<P>;
    // Cross-field rules read fields that must be valid first: a bad field is reported once, alone
    // (as in the chart, where values.schema.json refuses it before any template runs).
    if (issues.slice(issuesBefore).some((issue) => issue.kind !== 'rule')) return typed;
    for (const rule of this.options.rules ?? []) {
      for (const issue of rule.check(typed)) issues.push({ path: childPath(path, issue.path), message: issue.message, kind: 'rule' });
    }
    return typed;
  }
}

/** Is `value` a plain (non-array, non-null) object? */
export function isPlainMap(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The known key closest to a mistyped one (edit distance <= 2), for "did you mean" hints. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

// ---------------------------------------------------------------------------------------------
// Builders: the vocabulary the model is written in.

/** The resolved TypeScript type of a setting. */
export type Infer<S extends Setting<any>> = S['_type'];

/** Builders for settings. */
export const s = {
  string: (options: StringOptions) => new StringSetting(options),
  enumOf: <const E extends string>(members: readonly E[], options: EnumOptions<NoInfer<E>>) => new EnumSetting<E>(members, options),
  integer: (options: NumberOptions & { readonly default: number }) => new NumberSetting<number>(true, options),
  optionalInteger: (options: NumberOptions) => new NumberSetting<number | undefined>(true, options),
  number: (options: NumberOptions & { readonly default: number }) => new NumberSetting<number>(false, options),
  boolean: (options: SettingDocs & { readonly default: boolean }) => new BooleanSetting(options),
  list: <S extends Setting<any>>(items: S, options: ListOptions<S['_type']>) => new ListSetting<S>(items, options),
  map: <S extends Setting<any>>(values: S, options: MapOptions<S['_type']>) => new MapSetting<S>(values, options),
  freeMap: <T = Readonly<Record<string, unknown>>>(options: SettingDocs & { readonly default: T }) => new FreeFormSetting<T>('map', options),
  freeList: <T = ReadonlyArray<unknown>>(options: FreeFormOptions<T>) => new FreeFormSetting<T>('list', options),
  object: <P extends Shape>(properties: P, options: ObjectOptions<P>) => new ObjectSetting<P>(properties, options),
};
