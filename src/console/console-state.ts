import { objectYaml, renderProfile, RenderedProfile } from '../outputs/render-profile';
import { dumpValues, mergeLayers } from '../outputs/profile-files';
import { INPUT_LIMITS, parseYamlDocuments } from '../outputs/yaml-text';
import { BUILTIN_PROFILES, builtinProfile } from '../profiles/builtin-profiles';
import { Profile } from '../profiles/profile';
import { EXTENDS_KEY, RESERVED_PROFILE_NAMES } from '../profiles/user-profile';
import { IstioValues, VALUES_MODEL } from '../values/model';
import { ValuesError, ValuesLayer, ValuesOverlay, mergeValues, resolveValues } from '../values/resolve';
import { ListSetting, MapSetting, ObjectSetting, Setting, ValueIssue, isPlainMap } from '../values/schema';

/**
 * What the console page edits, without any DOM: a profile and the user's changes on top of it (the
 * overlay, which holds only what differs from the profile), validated and rendered by the generator's
 * own code (resolveValues, renderProfile), and the files the page exports. Runs in the browser (bundled
 * by scripts/build-console.mjs) and in Node (tests, bench).
 */

/** One step of a value path: a map key or a list index. */
export type PathStep = string | number;

/** `gateways.ingress[1].ports[0].nodePort` → ['gateways', 'ingress', 1, 'ports', 0, 'nodePort']. */
export function parsePath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new Error(`not a value path: ${path}`);
    if (match[1] !== '') steps.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  return steps;
}

/** The inverse of {@link parsePath}. */
export function formatPath(steps: readonly PathStep[]): string {
  return steps.reduce<string>((path, step) => (typeof step === 'number' ? `${path}[${step}]` : path === '' ? step : `${path}.${step}`), '');
}

/** The model's setting at `steps`, or undefined when the model has none there. */
export function settingAt(steps: readonly PathStep[], root: Setting<any> = VALUES_MODEL): Setting<any> | undefined {
  let setting: Setting<any> | undefined = root;
  for (const step of steps) {
    if (setting instanceof ObjectSetting && typeof step === 'string') setting = (setting.properties as Record<string, Setting<any>>)[step];
    else if (setting instanceof ListSetting && typeof step === 'number') setting = setting.items;
    else if (setting instanceof MapSetting && typeof step === 'string') setting = setting.values;
    else return undefined;
    if (setting === undefined) return undefined;
  }
  return setting;
}

/** The value at `steps` below `value`, or undefined. */
export function getAt(value: unknown, steps: readonly PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as any)[step];
  }
  return current;
}

/** A copy of `root` with `value` at `steps` (undefined removes the key); missing maps/lists are made. */
export function setAt(root: unknown, steps: readonly PathStep[], value: unknown): unknown {
  if (steps.length === 0) return value;
  const [step, ...rest] = steps;
  const copy: any = typeof step === 'number'
    ? (Array.isArray(root) ? [...root] : [])
    : (isPlainMap(root) ? { ...root } : {});
  const next = setAt(copy[step], rest, value);
  if (next === undefined && typeof step === 'string') delete copy[step];
  else copy[step] = next;
  return copy;
}

/** Removes maps left empty by a deletion (the overlay holds only differences). */
function pruneEmpty(value: unknown): unknown {
  if (!isPlainMap(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const pruned = pruneEmpty(item);
    if (isPlainMap(pruned) && Object.keys(pruned).length === 0) continue;
    result[key] = pruned;
  }
  return result;
}

/** Structural equality of JSON-like values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (isPlainMap(a) && isPlainMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

/** The item without the keys that equal its setting's defaults (resolving it gives the same value). */
function compactItem(itemSetting: Setting<any>, item: unknown): unknown {
  if (!(itemSetting instanceof ObjectSetting) || !isPlainMap(item)) return item;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const property = (itemSetting.properties as Record<string, Setting<any>>)[key];
    if (property && deepEqual(value, property.defaultValue())) continue;
    result[key] = value;
  }
  return result;
}

/** What an object of the preview is, compared with the profile's own render. */
export type ObjectStatus = 'added' | 'changed' | 'unchanged' | 'removed';

/** One object of the preview. */
export interface PreviewObject {
  readonly file: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly yaml: string;
  readonly status: ObjectStatus;
}

/** What the preview shows: every file and object, as `dist/<profile>/` would hold them. */
export interface Preview {
  readonly files: ReadonlyMap<string, string>;
  readonly objects: readonly PreviewObject[];
  /** Objects the profile renders that the values no longer do. */
  readonly removed: readonly PreviewObject[];
  /** Milliseconds the render and comparison took. */
  readonly milliseconds: number;
}

/** The outcome of a check: the value problems (CLI messages) or a construct validation error. */
export interface Check {
  readonly issues: readonly ValueIssue[];
  /** A problem found while building the objects (e.g. two objects of one name), or undefined. */
  readonly renderError?: string;
}

/** Where an imported file came from and what it was. */
interface Imported {
  readonly text: string;
  readonly kind: 'values' | 'profile';
}

/** The source name of the console's layer in messages. */
export const CONSOLE_SOURCE = 'console';

/** The command that installs the exported values.yaml with the chart. */
export const HELM_COMMAND = 'helm upgrade --install istio charts/istio -n istio-system --create-namespace -f values.yaml';

/** The profiles the console starts from. */
export const CONSOLE_PROFILES: readonly Profile[] = BUILTIN_PROFILES;

/**
 * The console's state: a profile and the overlay of the user's changes. Every edit keeps the overlay
 * minimal: a value set back to the profile's is removed from it.
 */
export class ConsoleState {
  private profileValue: Profile;
  private overlayValue: Record<string, unknown> = {};
  private profileRaw: unknown;
  private profileResolved: IstioValues;
  private imported?: Imported;
  private readonly baselines = new Map<string, ReadonlyArray<Omit<PreviewObject, 'status'>>>();

  constructor(profileName = 'default') {
    this.profileValue = findProfile(profileName);
    this.profileRaw = mergedLayers(this.profileValue);
    this.profileResolved = resolveValues(this.profileValue.layers());
  }

  /** The profile the changes apply to. */
  public get profile(): Profile {
    return this.profileValue;
  }

  /** The user's changes: only what differs from the profile. */
  public get overlay(): ValuesOverlay {
    return this.overlayValue;
  }

  /** Starts from another profile; the changes made so far stay (those equal to the new profile drop out). */
  public setProfile(name: string): void {
    this.profileValue = findProfile(name);
    this.profileRaw = mergedLayers(this.profileValue);
    this.profileResolved = resolveValues(this.profileValue.layers());
    this.imported = undefined;
    for (const key of Object.keys(this.overlayValue)) this.prune([key]);
  }

  /** The value a field shows: the user's, else the profile's, else the model's default. */
  public valueAt(path: string): unknown {
    const steps = parsePath(path);
    let current: unknown = mergeValues(this.profileRaw, this.overlayValue);
    // Where the values stop (a gateway without `ports`), the model's default goes on.
    steps.forEach((step, depth) => {
      const next = current !== null && typeof current === 'object' ? (current as any)[step] : undefined;
      current = next !== undefined && next !== null ? next : settingAt(steps.slice(0, depth + 1))?.defaultValue();
    });
    return current;
  }

  /** The profile's resolved value at `path`. */
  public profileValueAt(path: string): unknown {
    return getAt(this.profileResolved, parsePath(path));
  }

  /** True when the field differs from the profile. */
  public isChanged(path: string): boolean {
    return !deepEqual(this.valueAt(path), this.profileValueAt(path));
  }

  /** True when `path` is in a list item the profile does not have (a gateway added in the console). */
  public isInNewItem(path: string): boolean {
    const steps = parsePath(path);
    return steps.some((step, depth) => typeof step === 'number' && getAt(this.profileResolved, steps.slice(0, depth + 1)) === undefined);
  }

  /**
   * Sets the value at `path` (undefined: back to the profile's). Inside a list, the whole list becomes
   * the user's (lists replace, as in Helm), with items reduced to what differs from their defaults.
   */
  public setValue(path: string, value: unknown): void {
    this.imported = undefined;
    const steps = parsePath(path);
    const listLength = enclosingListLength(steps);
    if (listLength !== undefined) {
      const listSteps = steps.slice(0, listLength);
      let list: unknown = this.listForEdit(listSteps);
      // Lists below the item (a gateway's ports) start from their defaults before one item is changed.
      for (let depth = listLength + 1; depth < steps.length; depth++) {
        const inner = steps.slice(0, depth);
        const setting = settingAt(inner);
        if (setting instanceof ListSetting && getAt(list, inner.slice(listLength)) === undefined) {
          list = setAt(list, inner.slice(listLength), setting.defaultValue().map((item: unknown) => compactItem(setting.items, item)));
        }
      }
      this.overlayValue = setAt(this.overlayValue, listSteps, setAt(list, steps.slice(listLength), value)) as Record<string, unknown>;
      this.prune(listSteps);
      return;
    }
    this.overlayValue = setAt(this.overlayValue, steps, value) as Record<string, unknown>;
    this.prune(steps);
  }

  /** Appends an item (`item`, or the item setting's defaults) to the list at `path`. */
  public addItem(path: string, item: unknown = {}): void {
    const steps = parsePath(path);
    const list = this.listForEdit(steps);
    this.setValue(path, [...list, item]);
  }

  /** Removes the item at `index` of the list at `path`. */
  public removeItem(path: string, index: number): void {
    const list = this.listForEdit(parsePath(path));
    this.setValue(path, list.filter((_, position) => position !== index));
  }

  /** The length of the list at `path` as the form shows it. */
  public listLength(path: string): number {
    const value = this.valueAt(path);
    return Array.isArray(value) ? value.length : 0;
  }

  /** Validates the profile plus the changes with the generator's own resolveValues. */
  public check(): Check {
    try {
      resolveValues(this.layers());
      return { issues: [] };
    } catch (error) {
      if (error instanceof ValuesError) return { issues: error.issues };
      throw error;
    }
  }

  /** Renders what `dist/<profile>/` would hold with the changes, and compares it with the profile's own render. */
  public preview(): Preview {
    const started = now();
    const rendered = renderProfile(this.profileValue, { userValues: [this.consoleLayer()] });
    const baseline = this.baseline();
    const before = new Map(baseline.map((object) => [objectKey(object), object]));
    const objects = listObjects(rendered).map((object): PreviewObject => {
      const earlier = before.get(objectKey(object));
      before.delete(objectKey(object));
      const status: ObjectStatus = earlier === undefined ? 'added' : earlier.yaml === object.yaml ? 'unchanged' : 'changed';
      return { ...object, status };
    });
    const removed = [...before.values()].map((object) => ({ ...object, status: 'removed' as const }));
    return { files: rendered.files, objects, removed, milliseconds: now() - started };
  }

  /**
   * values.yaml for `helm upgrade --install … -f values.yaml`: the profile's values above the chart's
   * defaults with the changes merged in. An imported values file left untouched is given back as it was.
   */
  public valuesYaml(): string {
    if (this.imported?.kind === 'values') return this.imported.text;
    const header = [
      `# Helm values made with the istio-pack console: profile ${this.profileValue.name} and the changes made in the console.`,
      `# ${HELM_COMMAND}`,
      '',
    ].join('\n');
    return header + dumpValues(mergeLayers([...this.profileValue.layers().slice(1), this.consoleLayer()]));
  }

  /** profiles/<name>.yaml for GitOps: `extends:` the profile, plus only the changes. */
  public profileYaml(name: string): string {
    if (this.imported?.kind === 'profile') return this.imported.text;
    const header = [
      `# profiles/${name}.yaml, made with the istio-pack console: profile ${this.profileValue.name} and the changes made in the console.`,
      `# npm run synth -- -p ${name} writes dist/${name}/ and dist/helm-values/${name}.yaml`,
      '',
    ].join('\n');
    const body = dumpValues({ [EXTENDS_KEY]: this.profileValue.name, ...this.overlayValue } as Record<string, unknown>);
    return header + body;
  }

  /** Problems with a GitOps profile name, as synth would report them, or undefined. */
  public profileNameProblem(name: string): string | undefined {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) return `profile name: must be a DNS-1123 label (it becomes dist/<name>), got ${JSON.stringify(name)}`;
    if (RESERVED_PROFILE_NAMES.includes(name)) return `profile name: ${JSON.stringify(name)} is reserved for istio-pack's own outputs (${RESERVED_PROFILE_NAMES.join(', ')})`;
    if (builtinProfile(name)) return `profile name: ${JSON.stringify(name)} is a built-in profile; choose another name`;
    return undefined;
  }

  /**
   * Imports a values file (a chart values file, as `-f` takes) or a profile file (with `extends:`).
   * A values file that equals a built-in profile's values selects that profile with no changes.
   * @throws Error naming `source` for a file the CLI would refuse to read.
   */
  public importText(text: string, source: string): void {
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > INPUT_LIMITS.valuesFileBytes) throw new Error(`${source}: too large for a values file: ${bytes} bytes, the limit is ${INPUT_LIMITS.valuesFileBytes} bytes`);
    const documents = parseYamlDocuments(text, source);
    if (documents.length > 1) throw new Error(`${source}: must hold one YAML document, got ${documents.length}`);
    const values = documents[0] ?? {};
    if (!isPlainMap(values)) throw new Error(`${source}: a values file must be a map of settings, got ${JSON.stringify(values)}`);
    if (EXTENDS_KEY in values) {
      const { [EXTENDS_KEY]: parent, ...overlay } = values;
      if (typeof parent !== 'string' || !builtinProfile(parent)) {
        throw new Error(`${source}: ${EXTENDS_KEY} must name a built-in profile (${CONSOLE_PROFILES.map((p) => p.name).join(', ')}), got ${JSON.stringify(parent)}`);
      }
      this.setProfile(parent);
      this.overlayValue = overlay;
      this.imported = { text, kind: 'profile' };
      return;
    }
    const same = CONSOLE_PROFILES.find((profile) => deepEqual(mergeLayers(profile.layers().slice(1)), mergeLayers([{ source, values }])));
    this.setProfile(same?.name ?? 'default');
    this.overlayValue = same ? {} : values;
    this.imported = { text, kind: 'values' };
  }

  /** The list at `steps` as the user edits it: theirs, else the profile's, else the model's default (items compacted). */
  private listForEdit(steps: readonly PathStep[]): unknown[] {
    const current = this.valueAt(formatPath(steps));
    const setting = settingAt(steps);
    const list = Array.isArray(current) ? current : [];
    if (!(setting instanceof ListSetting) || getAt(this.overlayValue, steps) !== undefined) return [...list];
    return list.map((item) => compactItem(setting.items, item));
  }

  /** Drops the change at `steps` (and, in a map of settings, each change below it) that resolves to the profile's value. */
  private prune(steps: readonly PathStep[]): void {
    const raw = getAt(this.overlayValue, steps);
    const setting = settingAt(steps);
    if (raw !== undefined && setting instanceof ObjectSetting && isPlainMap(raw)) {
      for (const key of Object.keys(raw)) this.prune([...steps, key]);
    } else if (raw !== undefined && setting !== undefined) {
      const issues: ValueIssue[] = [];
      const resolved = setting.resolve(raw, formatPath(steps), issues);
      if (issues.length === 0 && deepEqual(resolved, getAt(this.profileResolved, steps))) {
        this.overlayValue = setAt(this.overlayValue, steps, undefined) as Record<string, unknown>;
      }
    }
    this.overlayValue = pruneEmpty(this.overlayValue) as Record<string, unknown>;
  }

  private consoleLayer(): ValuesLayer {
    return { source: CONSOLE_SOURCE, values: this.overlayValue };
  }

  private layers(): ValuesLayer[] {
    return [...this.profileValue.layers(), this.consoleLayer()];
  }

  /** The profile's own objects (rendered once per profile). */
  private baseline(): ReadonlyArray<Omit<PreviewObject, 'status'>> {
    let objects = this.baselines.get(this.profileValue.name);
    if (!objects) {
      objects = listObjects(renderProfile(this.profileValue));
      this.baselines.set(this.profileValue.name, objects);
    }
    return objects;
  }
}

/** How many steps of `steps` lead to the first list it reaches inside (undefined: none). */
function enclosingListLength(steps: readonly PathStep[]): number | undefined {
  for (let length = 1; length < steps.length; length++) {
    if (settingAt(steps.slice(0, length)) instanceof ListSetting) return length;
  }
  return undefined;
}

function findProfile(name: string): Profile {
  const profile = builtinProfile(name);
  if (!profile) throw new Error(`profile: must be one of ${CONSOLE_PROFILES.map((p) => p.name).join(', ')}, got ${JSON.stringify(name)}`);
  return profile;
}

/** The raw values of a profile's layers, merged (what fields show where the user changed nothing). */
function mergedLayers(profile: Profile): unknown {
  return profile.layers().reduce<unknown>((merged, layer) => mergeValues(merged, layer.values), {});
}

function listObjects(rendered: RenderedProfile): Array<Omit<PreviewObject, 'status'>> {
  const objects: Array<Omit<PreviewObject, 'status'>> = [];
  for (const [file, items] of rendered.objects) {
    for (const object of items) {
      objects.push({
        file,
        kind: String(object.kind),
        namespace: String(object.metadata?.namespace ?? ''),
        name: String(object.metadata?.name ?? ''),
        yaml: objectYaml(object),
      });
    }
  }
  return objects;
}

function objectKey(object: { kind: string; namespace: string; name: string }): string {
  return `${object.kind}/${object.namespace}/${object.name}`;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
