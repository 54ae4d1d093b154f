import * as path from 'path';
import { IncompleteRollbackError, OutputTransaction, STAGING_PREFIX, planIncrementalFolder, replaceFolderAtomically, writeFileAtomically } from '../src/outputs/atomic-write';
import { Workspace } from './support/workspace';
// The module object itself (not an import namespace), so that jest.spyOn can replace its functions.
import fs = require('fs');

/**
 * All-or-nothing writing: failures are injected into the file system calls (running as root here, a
 * read-only folder would not stop a write, so the calls themselves fail).
 */

let workspace: Workspace;
beforeEach(() => {
  workspace = new Workspace();
});
afterEach(() => {
  jest.restoreAllMocks();
  workspace.cleanup();
});

/** Makes `fs[method]` throw at its `n`th call from now (and at every later call when `sticky`). */
function failAt(method: 'renameSync' | 'writeFileSync' | 'rmSync', n: number, sticky = false): jest.SpyInstance {
  const original = fs[method] as (...args: any[]) => any;
  let calls = 0;
  return jest.spyOn(fs, method).mockImplementation(((...args: any[]) => {
    calls += 1;
    if (calls === n || (sticky && calls > n)) throw new Error(`injected ${method} failure at call ${calls}`);
    return original.apply(fs, args);
  }) as any);
}

const OLD = { 'out/a.yaml': 'old a\n', 'out/sub/b.yaml': 'old b\n', 'keep.txt': 'mine\n' };
const NEW = new Map([['a.yaml', 'new a\n'], ['sub/b.yaml', 'new b\n'], ['sub/c.yaml', 'new c\n']]);

function writeOld(): Record<string, string> {
  for (const [file, content] of Object.entries(OLD)) workspace.write(file, content);
  return workspace.snapshot();
}

function stagingLeftovers(): string[] {
  return fs.readdirSync(workspace.root, { recursive: true }).map(String).filter((name) => path.basename(name).startsWith(STAGING_PREFIX));
}

describe('replaceFolderAtomically', () => {
  test('replaces the folder with exactly the new files', () => {
    // GIVEN
    writeOld();

    // WHEN
    replaceFolderAtomically(path.join(workspace.root, 'out'), NEW);

    // THEN
    expect(workspace.snapshot()).toEqual({ 'keep.txt': 'mine\n', 'out/a.yaml': 'new a\n', 'out/sub/b.yaml': 'new b\n', 'out/sub/c.yaml': 'new c\n' });
    expect(stagingLeftovers()).toEqual([]);
  });

  test.each([1, 2, 3])('a write failing at call %i leaves the old folder byte-identical', (n) => {
    // GIVEN
    const before = writeOld();
    failAt('writeFileSync', n);

    // WHEN / THEN
    expect(() => replaceFolderAtomically(path.join(workspace.root, 'out'), NEW)).toThrow(`injected writeFileSync failure at call ${n}`);
    jest.restoreAllMocks();
    expect(workspace.snapshot()).toEqual(before);
    expect(stagingLeftovers()).toEqual([]);
  });

  test.each([1, 2])('a rename failing at call %i leaves the old folder byte-identical', (n) => {
    // GIVEN
    const before = writeOld();
    failAt('renameSync', n);

    // WHEN / THEN
    expect(() => replaceFolderAtomically(path.join(workspace.root, 'out'), NEW)).toThrow(`injected renameSync failure at call ${n}`);
    jest.restoreAllMocks();
    expect(workspace.snapshot()).toEqual(before);
    expect(stagingLeftovers()).toEqual([]);
  });

  test('a failure when the folder did not exist leaves no folder, not even its parents', () => {
    // GIVEN
    failAt('writeFileSync', 2);

    // WHEN / THEN
    expect(() => replaceFolderAtomically(path.join(workspace.root, 'new/deep/out'), NEW)).toThrow('injected');
    jest.restoreAllMocks();
    expect(workspace.entries()).toEqual([]);
  });
});

describe('writeFileAtomically', () => {
  test('a failing rename keeps the old file and leaves no temporary file', () => {
    // GIVEN
    const before = writeOld();
    failAt('renameSync', 2);

    // WHEN / THEN
    expect(() => writeFileAtomically(path.join(workspace.root, 'keep.txt'), 'changed\n')).toThrow('injected');
    jest.restoreAllMocks();
    expect(workspace.snapshot()).toEqual(before);
    expect(stagingLeftovers()).toEqual([]);
  });
});

describe('OutputTransaction', () => {
  function transaction(): OutputTransaction {
    return new OutputTransaction()
      .putFolder(path.join(workspace.root, 'out/sub'), new Map([['x.yaml', 'x\n']]))
      .putFile(path.join(workspace.root, 'keep.txt'), 'changed\n')
      .remove(path.join(workspace.root, 'out/a.yaml'))
      .putFile(path.join(workspace.root, 'fresh/new.txt'), 'new\n');
  }

  test('applies every change', () => {
    // GIVEN
    writeOld();

    // WHEN
    transaction().commit();

    // THEN
    expect(workspace.snapshot()).toEqual({ 'fresh/new.txt': 'new\n', 'keep.txt': 'changed\n', 'out/sub/x.yaml': 'x\n' });
    expect(stagingLeftovers()).toEqual([]);
  });

  test.each([1, 2, 3, 4, 5, 6])('a rename failing at call %i undoes the changes already made', (n) => {
    // GIVEN
    const before = writeOld();
    failAt('renameSync', n);

    // WHEN / THEN
    expect(() => transaction().commit()).toThrow(`injected renameSync failure at call ${n}`);
    jest.restoreAllMocks();
    expect(workspace.snapshot()).toEqual(before);
    expect(workspace.entries()).toEqual(['keep.txt', 'out']);
    expect(stagingLeftovers()).toEqual([]);
  });

  test('when undoing fails too, the error says where the old content is kept, and it is kept', () => {
    // GIVEN
    writeOld();
    failAt('renameSync', 5, true);

    // WHEN
    let error: unknown;
    try {
      transaction().commit();
    } catch (caught) {
      error = caught;
    }
    jest.restoreAllMocks();

    // THEN
    expect(error).toBeInstanceOf(IncompleteRollbackError);
    const kept = /out\/sub is kept in (\S+?)(;|$)/.exec((error as Error).message)?.[1] as string;
    expect(kept).toContain(STAGING_PREFIX);
    expect(fs.readFileSync(path.join(kept, 'b.yaml'), 'utf8')).toBe('old b\n');
  });

  test('the same target twice is refused before anything is written', () => {
    // GIVEN
    const before = writeOld();
    const twice = new OutputTransaction().putFile(path.join(workspace.root, 'keep.txt'), 'a');

    // WHEN / THEN
    expect(() => twice.putFile(path.join(workspace.root, 'keep.txt'), 'b')).toThrow('keep.txt: changed twice in one transaction');
    expect(workspace.snapshot()).toEqual(before);
  });
});

describe('planIncrementalFolder', () => {
  let workspace: Workspace;
  beforeEach(() => {
    workspace = new Workspace();
  });
  afterEach(() => workspace.cleanup());

  test('an identical folder gives no change at all; a changed file, a new file and a stale entry give exactly their changes', () => {
    // GIVEN
    const target = path.join(workspace.root, 'out');
    new OutputTransaction().putFolder(target, new Map([['a/one.yaml', '1'], ['a/two.yaml', '2'], ['b/three.yaml', '3']])).commit();

    // WHEN / THEN
    const same = new OutputTransaction();
    planIncrementalFolder(same, target, new Map([['a/one.yaml', '1'], ['a/two.yaml', '2'], ['b/three.yaml', '3']]));
    expect(same.targets).toEqual([]);

    const changed = new OutputTransaction();
    planIncrementalFolder(changed, target, new Map([['a/one.yaml', '1'], ['a/two.yaml', 'two'], ['a/four.yaml', '4']]));
    expect(changed.targets.map((file) => path.relative(target, file)).sort()).toEqual(['a/four.yaml', 'a/two.yaml', 'b'].sort());
    changed.commit();
    expect(workspace.snapshot('out')).toEqual({ 'a/four.yaml': '4', 'a/one.yaml': '1', 'a/two.yaml': 'two' });
  });

  test('a symbolic link with the same content as a file, or in place of a folder, is replaced, and what it points to is left alone', () => {
    // GIVEN
    const target = path.join(workspace.root, 'out');
    const outside = workspace.write('outside/file.yaml', 'same');
    workspace.write('outside/folder/x.yaml', 'x');
    fs.mkdirSync(target);
    fs.symlinkSync(outside, path.join(target, 'file.yaml'));
    fs.symlinkSync(path.join(workspace.root, 'outside', 'folder'), path.join(target, 'folder'));

    // WHEN
    const transaction = new OutputTransaction();
    planIncrementalFolder(transaction, target, new Map([['file.yaml', 'same'], ['folder/x.yaml', 'new']]));
    transaction.commit();

    // THEN
    expect(fs.lstatSync(path.join(target, 'file.yaml')).isFile()).toBe(true);
    expect(fs.lstatSync(path.join(target, 'folder')).isDirectory()).toBe(true);
    expect(workspace.snapshot('outside')).toEqual({ 'file.yaml': 'same', 'folder/x.yaml': 'x' });
    expect(workspace.snapshot('out')).toEqual({ 'file.yaml': 'same', 'folder/x.yaml': 'new' });
  });
});
