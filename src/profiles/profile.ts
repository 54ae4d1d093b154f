import { ValuesLayer, ValuesOverlay } from '../values/resolve';

/**
 * A profile: a named set of values layered on top of its parent, as istioctl's profiles are layered
 * on `default`. Which components a profile installs is itself a value (`base.enabled`,
 * `istiod.enabled`, `gateways.*`), so a profile means the same for `dist/` and for the Helm chart.
 */
export abstract class Profile {
  /** Profile name: the dist/<name> folder and the profiles/<name>.yaml file. */
  public abstract readonly name: string;
  /** One line saying what the profile is for. */
  public abstract readonly description: string;
  /** Values this profile sets on top of its parent. */
  public abstract readonly overlay: ValuesOverlay;
  /** The profile this one extends, or undefined for the root (`default`). */
  public abstract readonly parent: Profile | undefined;

  /** The value layers from the root profile down to this one, lowest precedence first. */
  public layers(): ValuesLayer[] {
    const own: ValuesLayer = { source: this.sourceName(), values: this.overlay };
    return this.parent ? [...this.parent.layers(), own] : [own];
  }

  /** How this profile is named in error messages. */
  protected sourceName(): string {
    return `profile ${this.name}`;
  }
}
