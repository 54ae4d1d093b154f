import * as fs from 'fs';
import * as path from 'path';

/** Files to write: path relative to the target folder → content. */
export type FileTree = ReadonlyMap<string, string>;

/** Options of {@link replaceFolderAtomically}. */
export interface ReplaceOptions {
  /**
   * Sub-folders of the target to replace. Other sub-folders are kept.
   * @default - the whole target folder is replaced
   */
  readonly only?: readonly string[];
}

/**
 * Writes `files` into `target` so that readers see either the old or the new content, never a mix,
 * and a failure leaves the old content in place: everything is written into a staging folder beside
 * the target first, then swapped in with renames.
 */
export function replaceFolderAtomically(target: string, files: FileTree, options: ReplaceOptions = {}): void {
  const parent = path.dirname(path.resolve(target));
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, '.dist-staging-'));
  try {
    const fresh = path.join(staging, 'new');
    writeTree(fresh, files);
    if (options.only === undefined) {
      swap(path.resolve(target), fresh, path.join(staging, 'old'));
    } else {
      fs.mkdirSync(target, { recursive: true });
      options.only.forEach((folder, index) => {
        swap(path.join(target, folder), path.join(fresh, folder), path.join(staging, `old-${index}`));
      });
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Writes one file atomically (temporary file + rename). */
export function writeFileAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

function writeTree(root: string, files: FileTree): void {
  const created = new Set<string>();
  for (const [relative, content] of files) {
    const file = path.join(root, relative);
    const folder = path.dirname(file);
    if (!created.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      created.add(folder);
    }
    fs.writeFileSync(file, content);
  }
  if (created.size === 0) fs.mkdirSync(root, { recursive: true });
}

/** Moves `current` aside to `backup`, moves `next` into place; restores `current` if that fails. */
function swap(current: string, next: string, backup: string): void {
  const hadCurrent = fs.existsSync(current);
  if (hadCurrent) fs.renameSync(current, backup);
  try {
    if (fs.existsSync(next)) fs.renameSync(next, current);
  } catch (error) {
    if (hadCurrent) fs.renameSync(backup, current);
    throw error;
  }
}
