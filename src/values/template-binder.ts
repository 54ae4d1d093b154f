import { IConstruct } from 'constructs';
import { Binder, EachOptions } from './binder';
import { ListSetting, ObjectSetting, Setting } from './schema';

/**
 * The binder of the Helm chart. Values are symbolic: reading `values.a.b` gives a reference to
 * `.Values.a.b`; every binder method returns a *marker* — a short string standing for a node in this
 * session's table — so that the results travel through cdk8s untouched (as strings) and are expanded
 * into Go template text by the chart writer (src/outputs/helm-template.ts).
 *
 * Conventions of the generated templates: `$` is the chart root, list items are bound to `$itN`
 * variables already merged with their model defaults, and scalars are written with `toJson`, which
 * gives valid YAML for every JSON type.
 */

/** What a marker stands for. */
export type TemplateNode =
  | { readonly kind: 'expr'; readonly go: string; readonly type: ValueType; readonly setting?: Setting<any> }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly unknown[]; readonly type: ValueType; readonly numeric?: boolean }
  | { readonly kind: 'optional'; readonly cond: unknown; readonly value: unknown }
  | { readonly kind: 'choose'; readonly cond: unknown; readonly whenTrue: unknown; readonly whenFalse: unknown }
  | { readonly kind: 'each'; readonly loop: Loop; readonly body: unknown }
  | { readonly kind: 'entries'; readonly map: unknown; readonly keyVar: string; readonly valueVar: string; readonly body: unknown }
  | { readonly kind: 'deepMerge'; readonly base: unknown; readonly overlay: unknown }
  | { readonly kind: 'yaml' | 'json'; readonly value: unknown }
  | { readonly kind: 'spread'; readonly map: unknown };

/** The JSON type a value has at render time, when known (decides how it is printed inside strings). */
export type ValueType = 'string' | 'number' | 'boolean' | 'list' | 'map' | 'unknown';

/** A `range` over a list whose items are bound to `itemVar` with their defaults applied. */
export interface Loop {
  readonly list: unknown;
  readonly itemVar: string;
  /** JSON of the item defaults from the model, or undefined when the list has no item schema. */
  readonly defaults?: string;
  readonly where?: unknown;
  readonly uniqueKey?: unknown;
}

/** A guard around generated objects: an `if` or a `range`. */
export type Guard = { readonly kind: 'if'; readonly cond: unknown } | { readonly kind: 'range'; readonly loop: Loop };

/**
 * The Go variable every generated template reads values from: `.Values` layered over the model's
 * defaults (see the chart's `istio-pack.values` helper). Helm deletes a key set to null; reading
 * through this variable makes such a key mean "the default", as it does in dist/.
 */
export const VALUES_VARIABLE = '$values';

const MARKER = /\u0000(\d+)\u0000/g;
const WHOLE_MARKER = /^\u0000(\d+)\u0000$/;
const PROXY_NODE = Symbol('istio-pack.template-node');

/** One chart generation: the node table, the guards of generated objects, fresh variable names. */
export class TemplateSession {
  private readonly nodes: TemplateNode[] = [];
  private readonly guards = new WeakMap<IConstruct, readonly Guard[]>();
  private counter = 0;

  /** Registers a node and returns its marker. */
  public marker(node: TemplateNode): string {
    this.nodes.push(node);
    return `\u0000${this.nodes.length - 1}\u0000`;
  }

  /** The node a whole-string marker stands for, or undefined for any other value. */
  public nodeOf(value: unknown): TemplateNode | undefined {
    if (isValueProxy(value)) return value[PROXY_NODE] as TemplateNode;
    if (typeof value !== 'string') return undefined;
    const match = WHOLE_MARKER.exec(value);
    return match ? this.nodes[Number(match[1])] : undefined;
  }

  /** Splits a string into literal text and the nodes of the markers inside it. */
  public parts(text: string): Array<string | TemplateNode> {
    const result: Array<string | TemplateNode> = [];
    let last = 0;
    for (const match of text.matchAll(MARKER)) {
      if (match.index > last) result.push(text.slice(last, match.index));
      result.push(this.nodes[Number(match[1])]);
      last = match.index + match[0].length;
    }
    if (last < text.length) result.push(text.slice(last));
    return result;
  }

  /** A new template variable name. */
  public variable(prefix: string): string {
    this.counter += 1;
    return `$${prefix}${this.counter}`;
  }

  /** Records `stack` as the guards of the constructs under `scope` created since `before` that have none yet. */
  public assignGuards(scope: IConstruct, before: ReadonlySet<IConstruct>, stack: readonly Guard[]): void {
    for (const child of scope.node.findAll()) {
      if (!before.has(child) && !this.guards.has(child)) this.guards.set(child, stack);
    }
  }

  /** The guards around a construct (outermost first). */
  public guardsOf(construct: IConstruct): readonly Guard[] {
    return this.guards.get(construct) ?? [];
  }
}

/** Does `value` hold a marker? */
export function hasMarker(value: string): boolean {
  return value.includes('\u0000');
}

function isValueProxy(value: unknown): value is Record<symbol, unknown> {
  return typeof value === 'function' && (value as any)[PROXY_NODE] !== undefined;
}

/** Is `value` one of the symbolic value references of a template session? */
export function isTemplateValue(value: unknown): boolean {
  return isValueProxy(value);
}

function typeOf(setting: Setting<any> | undefined): ValueType {
  switch (setting?.kind) {
    case 'string': case 'enum': return 'string';
    case 'integer': case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'list': return 'list';
    case 'object': case 'map': return 'map';
    case 'free': return (setting as any).shape === 'list' ? 'list' : 'map';
    default: return 'unknown';
  }
}

/** The template binder. */
export class TemplateBinder implements Binder {
  public readonly mode = 'template';
  private readonly stack: Guard[] = [];

  constructor(public readonly session: TemplateSession) {}

  /** The root of symbolic values: `.Values` over the model's defaults, typed by `model`. */
  public values<T>(model: ObjectSetting<any>): T {
    return this.reference(VALUES_VARIABLE, model) as T;
  }

  public whenBuild(scope: IConstruct, cond: boolean, build: () => void): void {
    this.guarded(scope, { kind: 'if', cond }, build);
  }

  public eachBuild<T>(scope: IConstruct, list: readonly T[], build: (item: T, id: string) => void, options?: EachOptions<T>): void {
    const { loop, item } = this.loop(list, options);
    this.guarded(scope, { kind: 'range', loop }, () => build(item as T, 'item'));
  }

  public optional<T>(cond: boolean, value: T): T | undefined {
    return this.node({ kind: 'optional', cond, value }) as T;
  }

  public choose<T>(cond: boolean, whenTrue: T, whenFalse: T): T {
    return this.node({ kind: 'choose', cond, whenTrue, whenFalse }) as T;
  }

  public each<T, R>(list: readonly T[], build: (item: T) => R, options?: EachOptions<T>): R[] {
    const { loop, item } = this.loop(list, options);
    return [this.node({ kind: 'each', loop, body: build(item as T) })] as unknown as R[];
  }

  public entries<T, R>(map: Readonly<Record<string, T>>, build: (key: string, value: T) => R): R[] {
    const keyVar = this.session.variable('k');
    const valueVar = this.session.variable('v');
    const body = build(this.expr(keyVar, 'string') as string, this.expr(valueVar, 'unknown') as T);
    return [this.node({ kind: 'entries', map, keyVar, valueVar, body })] as unknown as R[];
  }

  public flat<T>(...parts: ReadonlyArray<T | T[] | undefined>): T[] {
    return parts.flatMap((part) => (part === undefined ? [] : Array.isArray(part) ? part : [part]));
  }

  public spread<T>(map: Readonly<Record<string, T>>): Record<string, T> {
    // A key standing for the map's entries; the writer applies them after the object's own keys.
    return { [this.node({ kind: 'spread', map })]: true } as unknown as Record<string, T>;
  }

  public deepMerge(base: Record<string, unknown>, overlay: Readonly<Record<string, unknown>>): Record<string, unknown> {
    return this.node({ kind: 'deepMerge', base, overlay }) as unknown as Record<string, unknown>;
  }

  public isSet(value: unknown): boolean {
    return this.call('', 'boolean', value);
  }

  public not(cond: boolean): boolean {
    return this.call('not', 'boolean', cond);
  }

  public and(...conds: boolean[]): boolean {
    return this.call('and', 'boolean', ...conds);
  }

  public or(...conds: boolean[]): boolean {
    return this.call('or', 'boolean', ...conds);
  }

  public eq(a: unknown, b: unknown): boolean {
    return typeof a === 'number' || typeof b === 'number' ? this.numeric('eq', a, b) : this.call('eq', 'boolean', a, b);
  }

  public gt(a: number, b: number): boolean {
    return this.numeric('gt', a, b);
  }

  public matches(value: string, pattern: string): boolean {
    return this.call('regexMatch', 'boolean', pattern, value);
  }

  public contains(value: string, part: string): boolean {
    return this.call('contains', 'boolean', part, value);
  }

  public fallback<T>(value: T, fallback: T): T {
    return this.call('default', this.typeOfValue(value), fallback, value) as unknown as T;
  }

  public replaceRegex(value: string, pattern: string, replacement: string): string {
    return this.call('regexReplaceAll', 'string', pattern, value, replacement) as unknown as string;
  }

  public toNumber(text: string): number {
    return this.call('atoi', 'number', text) as unknown as number;
  }

  public join(list: readonly unknown[], separator: string): string {
    return this.call('join', 'string', separator, list) as unknown as string;
  }

  public text(value: unknown): string {
    return this.typeOfValue(value) === 'string' ? (value as string) : (this.call('toJson', 'string', value) as unknown as string);
  }

  public yaml(value: unknown): string {
    return this.node({ kind: 'yaml', value }) as string;
  }

  public json(value: unknown): string {
    return this.node({ kind: 'json', value }) as string;
  }

  // ------------------------------------------------------------------------------------------

  /** The type of a value at render time, as far as it is known here. */
  public typeOfValue(value: unknown): ValueType {
    const node = this.session.nodeOf(value);
    if (node?.kind === 'expr' || node?.kind === 'call') return node.type;
    if (typeof value === 'string') return 'string';
    if (typeof value === 'number') return 'number';
    if (typeof value === 'boolean') return 'boolean';
    return 'unknown';
  }

  private guarded(scope: IConstruct, guard: Guard, build: () => void): void {
    const before = new Set(scope.node.findAll());
    this.stack.push(guard);
    try {
      build();
      this.session.assignGuards(scope, before, [...this.stack]);
    } finally {
      this.stack.pop();
    }
  }

  private loop<T>(list: readonly T[], options: EachOptions<T> = {}): { loop: Loop; item: unknown } {
    const itemVar = this.session.variable('it');
    const listNode = this.session.nodeOf(list);
    const listSetting = listNode?.kind === 'expr' ? listNode.setting : undefined;
    const itemSetting = listSetting instanceof ListSetting ? (listSetting.items as Setting<any>) : undefined;
    const item = this.reference(itemVar, itemSetting);
    const defaults = itemSetting && itemSetting.kind === 'object' ? JSON.stringify(itemSetting.defaultValue()) : undefined;
    return {
      item,
      loop: {
        list,
        itemVar,
        defaults,
        where: options.where?.(item as T),
        uniqueKey: options.uniqueBy?.(item as T),
      },
    };
  }

  private node(node: TemplateNode): string {
    return this.session.marker(node);
  }

  private expr(go: string, type: ValueType): string {
    return this.node({ kind: 'expr', go, type });
  }

  /** A function call node; arguments are compiled when the template is written. */
  private call(fn: string, type: ValueType, ...args: unknown[]): boolean {
    return this.node({ kind: 'call', fn, args, type }) as unknown as boolean;
  }

  /** A comparison of numbers (both sides converted to float64, as Helm reads every number as one). */
  private numeric(fn: string, a: unknown, b: unknown): boolean {
    return this.node({ kind: 'call', fn, args: [a, b], type: 'boolean', numeric: true }) as unknown as boolean;
  }

  /** A symbolic reference: a callable proxy so that cdk8s passes it through untouched until our resolver. */
  private reference(go: string, setting: Setting<any> | undefined): unknown {
    const node: TemplateNode = { kind: 'expr', go, type: typeOf(setting), setting };
    const marker = this.session.marker(node);
    const children = new Map<string, unknown>();
    const target = function reference() { /* a value reference */ };
    return new Proxy(target, {
      get: (_, property) => {
        if (property === PROXY_NODE) return node;
        if (property === Symbol.toPrimitive) return () => marker;
        if (property === 'toString' || property === 'valueOf') return () => marker;
        if (property === 'toJSON') return () => marker;
        if (typeof property !== 'string') return undefined;
        if (!children.has(property)) {
          const child = setting instanceof ObjectSetting ? setting.properties[property] : undefined;
          if (setting instanceof ObjectSetting && !child) {
            throw new Error(`template values: ${go.replace(VALUES_VARIABLE, '')}.${property} is not a setting of the values model`);
          }
          children.set(property, this.reference(`${go}.${property}`, child));
        }
        return children.get(property);
      },
      has: () => false,
      ownKeys: () => ['prototype'],
    });
  }
}
