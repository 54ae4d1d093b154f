import { ValuesOverlay } from '../values/resolve';
import { isPlainMap } from '../values/schema';
import { Profile } from './profile';

/** The key of a user profile file that names its parent profile. */
export const EXTENDS_KEY = 'extends';

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
    this.description = `User profile from ${file}, extending ${parent.name}.`;
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
