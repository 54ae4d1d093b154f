import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileTree, OutputTransaction, STAGING_PREFIX, exists, planIncrementalFolder } from './atomic-write';

/**
 * Ownership of output folders. istio-pack writes a marker file into every output folder it creates
 * (dist/, charts/istio/, a folder given with -o or --chart-out) listing the entries it wrote. It writes
 * only into a folder that does not exist, is empty, or holds its marker of the same kind, and there it
 * replaces or removes only the listed entries: anything else in the folder is left alone.
 */

/** Name of the marker file. Not a .yaml file, so `kubectl apply -f <folder>` never reads it. */
export const MARKER_FILE = '.istio-pack';

/** What an output folder holds. */
export type OutputKind = 'manifests' | 'chart';

/** An entry of an output folder: a sub-folder (file tree) or a file (its content). */
export type Entry = FileTree | string;

const MARKER_COMMENT = [
  '# Written by istio-pack: this folder holds its output. istio-pack replaces or removes only the',
  '# entries listed here; everything else in this folder is left alone. Keep this file: without it',
  '# istio-pack refuses to write into a non-empty folder.',
];

/** Entry names a marker may list: one plain name, never a path (a tampered marker cannot reach outside). */
const ENTRY_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;

/** The marker file's content for `kind` and `entries`. */
export function markerContent(kind: OutputKind, entries: Iterable<string>): string {
  const sorted = [...new Set(entries)].sort();
  return [...MARKER_COMMENT, `kind: ${kind}`, 'entries:', ...sorted.map((entry) => `  - ${entry}`), ''].join('\n');
}

/** A marker read back: kind and entries, or undefined when the file is not a marker. */
function parseMarker(text: string): { kind: string; entries: string[] } | undefined {
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  const kind = /^kind: ([a-z]+)$/.exec(lines[0] ?? '')?.[1];
  if (kind === undefined || lines[1] !== 'entries:') return undefined;
  const entries: string[] = [];
  for (const line of lines.slice(2)) {
    const entry = /^ {2}- (.+)$/.exec(line)?.[1];
    if (entry === undefined || !ENTRY_NAME.test(entry) || entry === MARKER_FILE) return undefined;
    entries.push(entry);
  }
  return { kind, entries };
}

/**
 * Adds to `transaction` the changes that make `folder` hold `entries` (name → content) and its
 * marker. `replaceAll`: entries the previous marker lists and `entries` does not are removed (a full
 * synth); otherwise they are kept and stay listed (a synth of some profiles).
 * @throws Error starting with `label` (flag and folder as given) when istio-pack does not own the folder or an entry.
 */
export function planOwnedFolder(
  transaction: OutputTransaction,
  folder: string,
  kind: OutputKind,
  entries: ReadonlyMap<string, Entry>,
  options: { readonly replaceAll: boolean; readonly label: string; readonly incremental?: readonly string[] },
): void {
  const owned = ownedEntries(folder, kind, options.label);
  if (owned === undefined) {
    // A new or empty folder: it is created whole, marker included.
    const files = new Map<string, string>();
    for (const [name, content] of entries) {
      if (typeof content === 'string') files.set(name, content);
      else for (const [file, text] of content) files.set(`${name}/${file}`, text);
    }
    files.set(MARKER_FILE, markerContent(kind, entries.keys()));
    transaction.putFolder(folder, files);
    return;
  }
  for (const [name, content] of entries) {
    const target = path.join(folder, name);
    if (!owned.includes(name) && exists(target)) {
      throw new Error(`${options.label}: ${name} exists and was not written by istio-pack (it is not listed in ${MARKER_FILE}); move it away or choose another folder`);
    }
    if (typeof content === 'string') transaction.putFile(target, content);
    else if (options.incremental?.includes(name)) planIncrementalFolder(transaction, target, content);
    else transaction.putFolder(target, content);
  }
  const kept = options.replaceAll ? [] : owned.filter((name) => !entries.has(name));
  if (options.replaceAll) {
    for (const name of owned) {
      if (!entries.has(name) && exists(path.join(folder, name))) transaction.remove(path.join(folder, name));
    }
  }
  transaction.putFile(path.join(folder, MARKER_FILE), markerContent(kind, [...entries.keys(), ...kept]));
}

/**
 * The entries istio-pack wrote into `folder`, or undefined when the folder does not exist or is empty.
 * @throws Error when the folder is not istio-pack's output of this kind.
 */
export function ownedEntries(folder: string, kind: OutputKind, label: string): string[] | undefined {
  if (!exists(folder)) return undefined;
  if (!fs.statSync(folder).isDirectory()) throw new Error(`${label}: exists and is not a folder`);
  const names = fs.readdirSync(folder).filter((name) => !name.startsWith(STAGING_PREFIX));
  if (names.length === 0) return undefined;
  const markerFile = path.join(folder, MARKER_FILE);
  const marker = names.includes(MARKER_FILE) && fs.statSync(markerFile).size < 65536 ? parseMarker(fs.readFileSync(markerFile, 'utf8')) : undefined;
  if (marker === undefined) {
    const legacy = names.includes(MARKER_FILE) ? undefined : legacyEntries(folder, kind, names);
    if (legacy) return legacy;
    throw new Error(`${label}: refusing to write into a non-empty folder that istio-pack did not create (no valid ${MARKER_FILE} marker); choose a new or empty folder`);
  }
  if (marker.kind !== kind) throw new Error(`${label}: holds istio-pack's ${marker.kind} output, not ${kind}; choose another folder`);
  return marker.entries;
}

/** First line of the files istio-pack has always generated (manifests, kustomization.yaml, Chart.yaml). */
const GENERATED_MARK = '# Generated by istio-pack';

/**
 * Output written before markers existed (istio-pack 0.1 replaced these folders whole): a manifests
 * folder whose every entry is a profile folder with a generated kustomization.yaml, or a chart folder
 * whose Chart.yaml is generated. Recognised by content so that upgrading needs no manual step.
 */
function legacyEntries(folder: string, kind: OutputKind, names: readonly string[]): string[] | undefined {
  const generated = (file: string) => {
    try {
      return fs.statSync(file).isFile() && fs.readFileSync(file, 'utf8').startsWith(GENERATED_MARK);
    } catch {
      return false;
    }
  };
  if (kind === 'manifests') {
    return names.every((name) => generated(path.join(folder, name, 'kustomization.yaml'))) ? [...names] : undefined;
  }
  return generated(path.join(folder, 'Chart.yaml')) ? names.filter((name) => ENTRY_NAME.test(name)) : undefined;
}

/** Where the outputs are checked against: the working directory and the project root. */
export interface Places {
  readonly cwd: string;
  readonly root: string;
}

/**
 * Refuses output folders whose replacement could destroy data that is not istio-pack's: the
 * filesystem root, the home directory, the working directory, the project root, and any ancestor of
 * the working directory or the project root. Symbolic links are resolved first.
 */
export function checkOutputLocation(label: string, folder: string, places: Places): void {
  const target = realPath(folder);
  const dangerous: Array<[string, string]> = [
    ['the filesystem root', path.parse(target).root],
    ['the home directory', os.homedir()],
    ['the working directory', places.cwd],
    ['the project root', places.root],
  ];
  for (const [what, place] of dangerous) {
    if (target === realPath(place)) throw new Error(`${label}: refusing to write output into ${what} (${place}); choose a sub-folder such as dist`);
  }
  for (const [what, place] of [['the working directory', places.cwd], ['the project root', places.root]]) {
    if (isInside(realPath(place), target)) throw new Error(`${label}: refusing to write output into a folder that contains ${what} (${place})`);
  }
}

/** Refuses two outputs that are the same folder or one inside the other. */
export function checkDisjoint(outputs: ReadonlyArray<{ readonly label: string; readonly folder: string }>): void {
  for (const [index, a] of outputs.entries()) {
    for (const b of outputs.slice(index + 1)) {
      const [x, y] = [realPath(a.folder), realPath(b.folder)];
      if (x === y || isInside(x, y) || isInside(y, x)) {
        throw new Error(`${a.label} and ${b.label}: outputs must be separate folders, not the same or one inside the other`);
      }
    }
  }
}

/** True when `inner` is strictly below `outer`. */
function isInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The real path of `file`, following symbolic links of its existing part. */
function realPath(file: string): string {
  const absolute = path.resolve(file);
  const rest: string[] = [];
  let current = absolute;
  while (!exists(current)) {
    rest.unshift(path.basename(current));
    current = path.dirname(current);
  }
  return path.join(fs.realpathSync(current), ...rest);
}
