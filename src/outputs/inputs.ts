import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { builtinProfile } from '../profiles/builtin-profiles';
import { UserProfile, UserProfileSource, linkUserProfiles } from '../profiles/user-profile';
import { ValuesLayer } from '../values/resolve';
import { isPlainMap } from '../values/schema';

/** Parses a file's YAML with `parse`, naming the file in any read or syntax error. */
function parseYamlFile<T>(file: string, parse: (text: string) => T): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read: ${(error as Error).message}`);
  }
  try {
    return parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid YAML: ${(error as Error).message}`);
  }
}

/** Reads a single-document YAML file (an empty file reads as an empty map). */
export function readYamlFile(file: string): unknown {
  return parseYamlFile(file, (text) => yaml.load(text) ?? {});
}

/** Reads user values files (`-f`-style), in precedence order. */
export function readValuesFiles(files: readonly string[]): ValuesLayer[] {
  return files.map((file) => {
    const values = readYamlFile(file);
    if (!isPlainMap(values)) throw new Error(`${file}: a values file must be a map of settings, got ${JSON.stringify(values)}`);
    return { source: file, values };
  });
}

/** Reads a multi-document CRD file (e.g. Istio's crd-all.gen.yaml). */
export function readCrdFile(file: string): Array<Record<string, any>> {
  return parseYamlFile(file, (text) => (yaml.loadAll(text) as Array<Record<string, any>>).filter((doc) => doc !== null && doc !== undefined));
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
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
        throw new Error(`${path.join(folder, file)}: profile file names must be DNS-1123 labels (they become dist/<name>), got ${JSON.stringify(name)}`);
      }
      return { name, file: path.join(folder, file), document: readYamlFile(path.join(folder, file)) };
    });
  return linkUserProfiles(sources, builtinProfile);
}
