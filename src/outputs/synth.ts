import * as path from 'path';
import { BUILTIN_PROFILES } from '../profiles/builtin-profiles';
import { Profile } from '../profiles/profile';
import { ValuesLayer } from '../values/resolve';
import { replaceFolderAtomically, writeFileAtomically } from './atomic-write';
import { renderChart } from './chart';
import { readCrdFile, readUserProfiles, readValuesFiles } from './inputs';
import { profileValuesFile } from './profile-files';
import { RenderedProfile, renderProfile } from './render-profile';

/** Options of {@link synthesize}. */
export interface SynthOptions {
  /** Project root holding profiles/ and receiving dist/. @default process.cwd() */
  readonly root?: string;
  /** Output folder. @default '<root>/dist' */
  readonly outdir?: string;
  /** Profiles to synthesise by name. @default - every built-in and user profile, replacing all of dist/ */
  readonly profiles?: readonly string[];
  /** User values files, applied to every synthesised profile in order. @default [] */
  readonly valuesFiles?: readonly string[];
  /** A CRD file (e.g. Istio's crd-all.gen.yaml) to emit instead of the generated CRDs. @default - generated */
  readonly crdFile?: string;
  /** Also rewrite profiles/<built-in>.yaml. @default true */
  readonly writeProfileFiles?: boolean;
  /** Also rewrite the Helm chart charts/istio. @default true */
  readonly writeChart?: boolean;
}

/** What a synth wrote. */
export interface SynthResult {
  readonly outdir: string;
  readonly profiles: readonly RenderedProfile[];
}

/**
 * Synthesises profiles into `<outdir>/<profile>/`. Everything is rendered and validated in memory
 * first; only when every profile succeeded are the folders swapped in, so a failure leaves the previous
 * output untouched.
 */
export function synthesize(options: SynthOptions = {}): SynthResult {
  const root = path.resolve(options.root ?? process.cwd());
  const outdir = path.resolve(root, options.outdir ?? 'dist');
  const profilesDir = path.join(root, 'profiles');
  const userValues: ValuesLayer[] = readValuesFiles((options.valuesFiles ?? []).map((file) => path.resolve(root, file)));
  const crdDocuments = options.crdFile ? readCrdFile(path.resolve(root, options.crdFile)) : undefined;

  const available: Profile[] = [...BUILTIN_PROFILES, ...readUserProfiles(profilesDir)];
  const selected = options.profiles ? options.profiles.map((name) => findProfile(available, name)) : available;
  const rendered = selected.map((profile) => renderProfile(profile, { userValues, crdDocuments }));

  const files = new Map<string, string>();
  for (const profile of rendered) {
    for (const [file, content] of profile.files) files.set(`${profile.name}/${file}`, content);
  }
  replaceFolderAtomically(outdir, files, options.profiles ? { only: rendered.map((profile) => profile.name) } : {});

  if (options.writeProfileFiles ?? true) {
    for (const profile of BUILTIN_PROFILES) writeFileAtomically(path.join(profilesDir, `${profile.name}.yaml`), profileValuesFile(profile));
  }
  if (options.writeChart ?? true) {
    replaceFolderAtomically(path.join(root, 'charts', 'istio'), renderChart());
  }
  return { outdir, profiles: rendered };
}

function findProfile(available: readonly Profile[], name: string): Profile {
  const profile = available.find((candidate) => candidate.name === name);
  if (!profile) throw new Error(`profile: must be one of ${available.map((p) => p.name).join(', ')}, got ${JSON.stringify(name)}`);
  return profile;
}
