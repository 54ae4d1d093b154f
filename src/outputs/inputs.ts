import * as fs from 'fs';
import * as path from 'path';
import { builtinProfile } from '../profiles/builtin-profiles';
import { ClusterProfile, ClusterSource, linkFleet } from '../profiles/fleet';
import { Profile } from '../profiles/profile';
import { EXTENDS_KEY, UserProfile, UserProfileSource, checkUserProfileName, linkUserProfiles } from '../profiles/user-profile';
import { ValuesLayer } from '../values/resolve';
import { isPlainMap } from '../values/schema';
import { INPUT_LIMITS, type InputKind, parseYamlDocuments } from './yaml-text';

export { INPUT_LIMITS, countExpandedNodes } from './yaml-text';
export type { InputKind } from './yaml-text';

/**
 * The one function that reads YAML input: checks the size cap, parses all documents and refuses
 * alias bombs. Errors name the file. Returns the non-empty documents.
 */
export function readYamlDocuments(file: string, kind: InputKind): unknown[] {
  const cap = kind === 'crds' ? INPUT_LIMITS.crdFileBytes : INPUT_LIMITS.valuesFileBytes;
  const cannotRead = (error: unknown) => new Error(`${file}: cannot read: ${(error as Error).message}`);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    throw cannotRead(error);
  }
  // Checked before reading, so a huge file is never loaded into memory.
  if (size > cap) throw new Error(`${file}: too large for a ${kind} file: ${size} bytes, the limit is ${cap} bytes`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw cannotRead(error);
  }
  return parseYamlDocuments(text, file);
}

/** Reads a single-document YAML file (an empty file reads as an empty map). */
export function readYamlFile(file: string, kind: Exclude<InputKind, 'crds'>): unknown {
  const documents = readYamlDocuments(file, kind);
  if (documents.length > 1) throw new Error(`${file}: must hold one YAML document, got ${documents.length}`);
  return documents[0] ?? {};
}

/** Reads user values files (`-f`-style), in precedence order. */
export function readValuesFiles(files: readonly string[]): ValuesLayer[] {
  return files.map((file) => {
    const values = readYamlFile(file, 'values');
    if (!isPlainMap(values)) throw new Error(`${file}: a values file must be a map of settings, got ${JSON.stringify(values)}`);
    if (EXTENDS_KEY in values) {
      throw new Error(`${file}: ${EXTENDS_KEY}: a profile source file (${EXTENDS_KEY}: ${JSON.stringify(values[EXTENDS_KEY])}) is not a values file: put it in profiles/ and synthesise it by name (-p)`);
    }
    return { source: file, values };
  });
}

/** Reads a multi-document CRD file (e.g. Istio's crd-all.gen.yaml). */
export function readCrdFile(file: string): Array<Record<string, any>> {
  return readYamlDocuments(file, 'crds') as Array<Record<string, any>>;
}

/**
 * Reads the user profiles in `folder`: every `<name>.yaml` that is not a built-in profile's generated
 * overlay. Files are read in name order so that the result never depends on the file system.
 */
export function readUserProfiles(folder: string): UserProfile[] {
  if (!fs.existsSync(folder)) return [];
  const sources: UserProfileSource[] = fs.readdirSync(folder)
    .filter((file) => file.endsWith('.yaml') && !builtinProfile(file.slice(0, -'.yaml'.length)))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.yaml'.length);
      const full = path.join(folder, file);
      checkUserProfileName(name, full);
      return { name, file: full, document: readYamlFile(full, 'profile') };
    });
  return linkUserProfiles(sources, builtinProfile);
}

/**
 * The fleet: every `<folder>/<name>.yaml` (the cluster files, see src/profiles/fleet.ts), linked and
 * checked as a whole; [] when the folder does not exist.
 * @throws Error naming the file and key of every problem.
 */
export function readFleet(folder: string, findProfile: (name: string) => Profile | undefined, userValues: readonly ValuesLayer[]): ClusterProfile[] {
  if (!fs.existsSync(folder)) return [];
  const relative = path.basename(folder);
  const sources: ClusterSource[] = fs.readdirSync(folder)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.yaml'.length);
      const shown = `${relative}/${file}`;
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
        throw new Error(`${shown}: cluster file names must be DNS-1123 labels (they become dist/clusters/<name> and Argo CD cluster names), got ${JSON.stringify(name)}`);
      }
      return { name, file: shown, document: readYamlFile(path.join(folder, file), 'values') };
    });
  return linkFleet(sources, findProfile, userValues);
}
