import { ValuesOverlay } from '../values/resolve';
import { isPlainMap } from '../values/schema';
import { Profile } from './profile';

/** The key of a user profile file that names its parent profile. */
export const EXTENDS_KEY = 'extends';

/**
 * Names no profile may take: they are (or will be) other outputs beside the profile folders in dist/
 * (`helm-values/` holds each profile's Helm values file).
 */
export const RESERVED_PROFILE_NAMES: readonly string[] = ['helm-values', 'gitops', 'clusters', 'console'];

/**
 * Checks the name of a user profile file (`profiles/<name>.yaml`): a DNS-1123 label (it becomes
 * `dist/<name>/`) that is not reserved.
 * @throws Error naming the file.
 */
export function checkUserProfileName(name: string, file: string): void {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    throw new Error(`${file}: profile file names must be DNS-1123 labels (they become dist/<name>), got ${JSON.stringify(name)}`);
  }
  if (RESERVED_PROFILE_NAMES.includes(name)) {
    throw new Error(`${file}: profile name ${JSON.stringify(name)} is reserved for istio-pack's own outputs (${RESERVED_PROFILE_NAMES.join(', ')}); rename the file`);
  }
}

/**
 * A profile written by a user as `profiles/<name>.yaml`: a values overlay with an `extends:` key
 * naming the built-in or user profile it builds on (default: `default`).
 */
export class UserProfile extends Profile {
  public readonly description: string;

  constructor(
    public readonly name: string,
    /** File the profile was read from, for error messages. */
    public readonly file: string,
    public readonly parent: Profile,
    public readonly overlay: ValuesOverlay,
  ) {
    super();
    // Relative on purpose: the description is written into dist/, which must not depend on the checkout path.
    this.description = `User profile profiles/${name}.yaml, extending ${parent.name}.`;
  }

  protected sourceName(): string {
    return this.file;
  }
}

/** A parsed user profile file before its parent is looked up. */
export interface UserProfileSource {
  readonly name: string;
  readonly file: string;
  readonly document: unknown;
}

/**
 * Links user profile sources to their parents (built-in or other user profiles).
 * @throws Error naming the file and the problem: not a map, unknown parent, a cycle of `extends`.
 */
export function linkUserProfiles(
  sources: readonly UserProfileSource[],
  builtin: (name: string) => Profile | undefined,
): UserProfile[] {
  const byName = new Map(sources.map((source) => [source.name, source]));
  const linked = new Map<string, UserProfile>();

  const link = (source: UserProfileSource, chain: readonly string[]): UserProfile => {
    const done = linked.get(source.name);
    if (done) return done;
    if (!isPlainMap(source.document)) {
      throw new Error(`${source.file}: a profile must be a map of values with an optional '${EXTENDS_KEY}:' key, got ${JSON.stringify(source.document)}`);
    }
    const { [EXTENDS_KEY]: parentName = 'default', ...overlay } = source.document;
    if (typeof parentName !== 'string') {
      throw new Error(`${source.file}: ${EXTENDS_KEY} must be a profile name, got ${JSON.stringify(parentName)}`);
    }
    if (chain.includes(parentName)) {
      throw new Error(`${source.file}: ${EXTENDS_KEY} makes a cycle: ${[...chain, source.name, parentName].join(' -> ')}`);
    }
    const parentSource = byName.get(parentName);
    const parent = builtin(parentName) ?? (parentSource ? link(parentSource, [...chain, source.name]) : undefined);
    if (!parent) {
      const known = [...new Set([...sources.map((s) => s.name)])].join(', ');
      throw new Error(`${source.file}: ${EXTENDS_KEY} must name a built-in profile or one of ${known || 'the user profiles'}, got ${JSON.stringify(parentName)}`);
    }
    const profile = new UserProfile(source.name, source.file, parent, overlay);
    linked.set(source.name, profile);
    return profile;
  };

  return sources.map((source) => link(source, []));
}
