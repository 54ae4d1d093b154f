import * as fs from 'fs';
import * as path from 'path';

/** Files to write: path relative to the target folder → content. */
export type FileTree = ReadonlyMap<string, string>;

/** Prefix of the staging folders a transaction creates beside its targets (removed when it ends). */
export const STAGING_PREFIX = '.istio-pack-staging-';

/** A transaction failed and could not put every old file back; the message says where they are. */
export class IncompleteRollbackError extends Error {}

/** One change: a folder or a file put in place of `target`, or `target` removed (content undefined). */
interface Change {
  readonly target: string;
  readonly content: FileTree | string | undefined;
}

/** A change while it is carried out: where its new and old content are parked. */
interface Step {
  readonly change: Change;
  readonly staging: string;
  readonly next: string;
  readonly backup: string;
  movedOld: boolean;
  placedNew: boolean;
}

/**
 * A set of file-system changes applied all together or not at all. `commit()` first writes every new
 * file and folder into staging folders beside the targets (a failure here touches no target), then
 * swaps each target with renames, keeping the old content until the end; if any swap fails, the swaps
 * already done are undone in reverse order. Staging folders are removed in every case, except one whose
 * old content could not be moved back (the error then says where it is).
 */
export class OutputTransaction {
  private readonly changes: Change[] = [];

  /** Puts a folder holding exactly `files` in place of `target`. */
  public putFolder(target: string, files: FileTree): this {
    return this.add(target, files);
  }

  /** Puts a file with `content` in place of `target`. */
  public putFile(target: string, content: string): this {
    return this.add(target, content);
  }

  /** Removes `target` (a file or a folder). */
  public remove(target: string): this {
    return this.add(target, undefined);
  }

  /** The targets of this transaction, in order. */
  public get targets(): string[] {
    return this.changes.map((change) => change.target);
  }

  /** Applies every change, or none. @throws the first error, after undoing what was done. */
  public commit(): void {
    const createdFolders: string[] = [];
    const steps: Step[] = [];
    try {
      for (const change of this.changes) {
        const step = prepare(change, createdFolders);
        steps.push(step);
        stage(step);
      }
      for (const step of steps) swap(step);
    } catch (error) {
      const stranded = rollback(steps);
      cleanUp(steps.filter((step) => !stranded.includes(step)));
      removeCreatedFolders(createdFolders);
      if (stranded.length > 0) {
        const where = stranded.map((step) => `${step.change.target} is kept in ${step.backup}`).join('; ');
        throw new IncompleteRollbackError(`${(error as Error).message}; undoing the changes failed too: ${where}`);
      }
      throw error;
    }
    cleanUp(steps);
  }

  private add(target: string, content: FileTree | string | undefined): this {
    const resolved = path.resolve(target);
    if (this.changes.some((change) => change.target === resolved)) throw new Error(`${resolved}: changed twice in one transaction`);
    this.changes.push({ target: resolved, content });
    return this;
  }
}

/**
 * Writes `files` into `target` so that a failure leaves the old content in place: everything is
 * written beside the target first, then swapped in with renames.
 */
export function replaceFolderAtomically(target: string, files: FileTree): void {
  new OutputTransaction().putFolder(target, files).commit();
}

/** Writes one file atomically (staged file + rename). */
export function writeFileAtomically(file: string, content: string): void {
  new OutputTransaction().putFile(file, content).commit();
}

/** Creates the staging folder of a change, beside its target (same file system, so renames work). */
function prepare(change: Change, createdFolders: string[]): Step {
  const parent = path.dirname(change.target);
  makeFolders(parent, createdFolders);
  const staging = fs.mkdtempSync(path.join(parent, STAGING_PREFIX));
  return { change, staging, next: path.join(staging, 'new'), backup: path.join(staging, 'old'), movedOld: false, placedNew: false };
}

/** Writes the new content of a change into its staging folder. */
function stage(step: Step): void {
  const content = step.change.content;
  if (typeof content === 'string') {
    fs.writeFileSync(step.next, content);
  } else if (content !== undefined) {
    writeTree(step.next, content);
  }
}

/** Moves the old content aside (kept until the end), then the new content into place. */
function swap(step: Step): void {
  if (exists(step.change.target)) {
    fs.renameSync(step.change.target, step.backup);
    step.movedOld = true;
  }
  if (step.change.content !== undefined) {
    fs.renameSync(step.next, step.change.target);
    step.placedNew = true;
  }
}

/** Undoes swaps in reverse order; returns the steps whose old content could not be put back. */
function rollback(steps: readonly Step[]): Step[] {
  const stranded: Step[] = [];
  for (const step of [...steps].reverse()) {
    try {
      if (step.placedNew) {
        fs.renameSync(step.change.target, step.next);
        step.placedNew = false;
      }
      if (step.movedOld) {
        fs.renameSync(step.backup, step.change.target);
        step.movedOld = false;
      }
    } catch {
      stranded.push(step);
    }
  }
  return stranded;
}

function cleanUp(steps: readonly Step[]): void {
  for (const step of steps) fs.rmSync(step.staging, { recursive: true, force: true });
}

/** Creates `folder` and its missing parents, recording each one created (outermost first). */
function makeFolders(folder: string, createdFolders: string[]): void {
  const missing: string[] = [];
  for (let current = folder; !exists(current); current = path.dirname(current)) missing.unshift(current);
  for (const created of missing) {
    fs.mkdirSync(created);
    createdFolders.push(created);
  }
}

/** Removes the folders a failed transaction created, innermost first (they are empty again by then). */
function removeCreatedFolders(createdFolders: readonly string[]): void {
  for (const folder of [...createdFolders].reverse()) {
    try {
      fs.rmdirSync(folder);
    } catch {
      // Not empty: something else wrote there meanwhile; leave it.
    }
  }
}

/** Is there anything (a file, a folder, a dangling link) at `file`? */
export function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function writeTree(root: string, files: FileTree): void {
  fs.mkdirSync(root);
  const created = new Set<string>([root]);
  for (const [relative, content] of files) {
    const file = path.join(root, relative);
    if (!file.startsWith(root + path.sep)) throw new Error(`${relative}: output paths must stay inside their folder`);
    const folder = path.dirname(file);
    if (!created.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      created.add(folder);
    }
    fs.writeFileSync(file, content);
  }
}

/**
 * Adds to `transaction` the changes that make the existing folder `target` hold exactly `files`,
 * touching only what differs: identical files are left as they are (content and mtime), changed or new
 * files are put, files and folders `files` does not hold are removed. Used for outputs of many parts
 * (a fleet's clusters) where one part changes at a time. A `target` that is not a real folder (missing,
 * a file, a symbolic link) is replaced whole.
 */
export function planIncrementalFolder(transaction: OutputTransaction, target: string, files: FileTree): void {
  if (!isRealFolder(target)) {
    transaction.putFolder(target, files);
    return;
  }
  const children = new Map<string, Map<string, string> | string>();
  for (const [relative, content] of files) {
    const [first, ...rest] = relative.split('/');
    if (rest.length === 0) {
      children.set(first, content);
    } else {
      const folder = children.get(first);
      const tree = folder instanceof Map ? folder : new Map<string, string>();
      tree.set(rest.join('/'), content);
      children.set(first, tree);
    }
  }
  for (const name of fs.readdirSync(target).sort()) {
    if (name.startsWith(STAGING_PREFIX)) continue;
    if (!children.has(name)) transaction.remove(path.join(target, name));
  }
  for (const [name, content] of children) {
    const child = path.join(target, name);
    if (typeof content === 'string') {
      if (!sameFile(child, content)) transaction.putFile(child, content);
    } else {
      planIncrementalFolder(transaction, child, content);
    }
  }
}

function isRealFolder(file: string): boolean {
  try {
    return fs.lstatSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** Is `file` a regular file (not a link) holding exactly `content`? */
function sameFile(file: string, content: string): boolean {
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile() || stat.size !== Buffer.byteLength(content)) return false;
    return fs.readFileSync(file, 'utf8') === content;
  } catch {
    return false;
  }
}
