import * as fs from 'fs';
import * as path from 'path';
import { BUILTIN_PROFILES } from '../profiles/builtin-profiles';
import { Profile } from '../profiles/profile';
import { ValuesLayer } from '../values/resolve';
import { FileTree, OutputTransaction } from './atomic-write';
import { renderChart } from './chart';
import { readCrdFile, readFleet, readUserProfiles, readValuesFiles } from './inputs';
import { CLUSTERS_FOLDER } from '../gitops/fleet-delivery';
import { RenderedCluster, renderFleet } from './fleet-output';
import { Entry, checkDisjoint, checkOutputLocation, ownedEntries, planOwnedFolder } from './output-folders';
import { helmValuesFile, isGeneratedProfileFile, profileValuesFile } from './profile-files';
import { GENERATED_HEADER, RenderedProfile, renderProfile, toManifestYaml } from './render-profile';
import { GITOPS_FOLDER, renderGitOps } from '../gitops/delivery';
import { CONSOLE_FOLDER, consolePage, readConsoleBundle } from '../console/console-page';
import { GitOpsOptions, resolveGitOpsOptions } from '../gitops/gitops-options';

/** Folder of the manifests output that holds one Helm values file per synthesised profile. */
export const HELM_VALUES_FOLDER = 'helm-values';

/** Options of {@link synthesize}. */
export interface SynthOptions {
  /** Project root: user profiles are read from `<root>/profiles`, default outputs go below it. @default process.cwd() */
  readonly root?: string;
  /**
   * Manifests folder: `<profile>/` folders and `helm-values/<profile>.yaml`.
   * @default '<root>/dist' when no output folder is given at all; otherwise not written
   */
  readonly outdir?: string;
  /** Helm chart folder. @default '<root>/charts/istio' when no output folder is given at all; otherwise not written */
  readonly chartOut?: string;
  /** Folder of the built-in profiles' values files. @default '<root>/profiles' when no output folder is given at all; otherwise not written */
  readonly profilesOut?: string;
  /** Profiles to synthesise by name (duplicates are ignored). @default - every built-in and user profile, replacing all profile folders */
  readonly profiles?: readonly string[];
  /** User values files, applied to every synthesised profile in order. @default [] */
  readonly valuesFiles?: readonly string[];
  /** A CRD file (e.g. Istio's crd-all.gen.yaml) to use instead of the generated CRDs, in dist/ and the chart. @default - generated */
  readonly crdFile?: string;
  /** Repository, branch, paths and interval of the Argo CD and Flux objects in `<outdir>/gitops/`. @default DEFAULT_GITOPS_OPTIONS */
  readonly gitops?: GitOpsOptions;
}

/** What a synth wrote (absolute folders; undefined when that output was not written). */
export interface SynthResult {
  readonly outdir?: string;
  readonly chartDir?: string;
  readonly profilesDir?: string;
  readonly profiles: readonly RenderedProfile[];
  /** The fleet's clusters (clusters/<name>.yaml): name and file count; [] without a fleet or with -p. */
  readonly clusters: readonly RenderedCluster[];
}

/**
 * Synthesises the outputs asked for. Everything is read, rendered and validated in memory first, then
 * the output folders are checked (istio-pack writes only into folders it owns, never into the working
 * directory, the project root or their ancestors), then every change is applied as one transaction:
 * a failed or refused run leaves everything on disk as it was.
 */
export function synthesize(options: SynthOptions = {}): SynthResult {
  const root = path.resolve(options.root ?? process.cwd());
  const { manifests, chart, profileFiles } = outputFolders(options, root);
  const outputs = [manifests, chart, profileFiles].filter((output): output is OutputFolder => output !== undefined);
  for (const output of outputs) checkOutputLocation(output.label, output.folder, { cwd: process.cwd(), root });
  checkDisjoint(outputs);

  // 1. Read and render everything in memory (validation happens here).
  const userValues: ValuesLayer[] = readValuesFiles((options.valuesFiles ?? []).map((file) => path.resolve(root, file)));
  const crdDocuments = options.crdFile ? readCrdFile(path.resolve(root, options.crdFile)) : undefined;
  const available: Profile[] = [...BUILTIN_PROFILES, ...readUserProfiles(path.join(root, 'profiles'))];
  const names = options.profiles ? [...new Set(options.profiles)] : undefined;
  const gitopsOptions = resolveGitOpsOptions(options.gitops);
  const selected = names ? names.map((name) => findProfile(available, name)) : available;
  const rendered = selected.map((profile) => renderProfile(profile, { userValues, crdDocuments }));
  // The fleet (clusters/<name>.yaml) is synthesised with every profile, not with -p.
  const clusters = names === undefined ? readFleet(path.join(root, CLUSTERS_FOLDER), (name) => available.find((profile) => profile.name === name), userValues) : [];
  // One cluster at a time: only its files are kept, so a fleet of hundreds fits in memory.
  const fleet = clusters.length > 0 ? renderFleet(clusters, { crdDocuments }, gitopsOptions) : undefined;
  const chartFiles = chart ? renderChart({ crdDocuments }) : undefined;
  const replaceAll = names === undefined;

  // 2. Plan the changes; this refuses folders and files istio-pack does not own.
  const transaction = new OutputTransaction();
  if (manifests) {
    const entries = new Map<string, Entry>(rendered.map((profile) => [profile.name, profile.files]));
    entries.set(HELM_VALUES_FOLDER, helmValuesFolder(manifests, selected, userValues, replaceAll));
    const gitops = gitopsFolder(manifests, rendered, gitopsOptions, replaceAll);
    if (gitops.size > 0) entries.set(GITOPS_FOLDER, gitops);
    if (fleet) entries.set(CLUSTERS_FOLDER, fleet.files);
    // The console page does not depend on the profiles synthesised: it carries the generator itself.
    entries.set(CONSOLE_FOLDER, new Map([['index.html', consolePage(readConsoleBundle())]]));
    // Clusters change one at a time: only their changed files are rewritten.
    planOwnedFolder(transaction, manifests.folder, 'manifests', entries, { replaceAll, label: manifests.label, incremental: [CLUSTERS_FOLDER] });
  }
  if (chart && chartFiles) {
    planOwnedFolder(transaction, chart.folder, 'chart', topLevelEntries(chartFiles), { replaceAll: true, label: chart.label });
  }
  if (profileFiles) {
    for (const profile of BUILTIN_PROFILES) {
      const file = path.join(profileFiles.folder, `${profile.name}.yaml`);
      if (fs.existsSync(file) && !isGeneratedProfileFile(fs.readFileSync(file, 'utf8'))) {
        throw new Error(`${profileFiles.label}: ${profile.name}.yaml was not written by istio-pack; the name belongs to a built-in profile, so rename your file`);
      }
      transaction.putFile(file, profileValuesFile(profile));
    }
  }

  // 3. Stage everything, then swap it all in (or nothing).
  transaction.commit();
  return { outdir: manifests?.folder, chartDir: chart?.folder, profilesDir: profileFiles?.folder, profiles: rendered, clusters: fleet?.clusters ?? [] };
}

/** An output folder: absolute path, and how messages name it (the flag and folder as given, or the default folder). */
interface OutputFolder {
  readonly folder: string;
  readonly label: string;
}

/** The output folders to write: all three defaults when no output option is given, otherwise only those given. */
function outputFolders(options: SynthOptions, root: string): { manifests?: OutputFolder; chart?: OutputFolder; profileFiles?: OutputFolder } {
  const noneGiven = options.outdir === undefined && options.chartOut === undefined && options.profilesOut === undefined;
  const output = (flag: string, given: string | undefined, fallback: string): OutputFolder | undefined => {
    if (noneGiven) return { folder: path.join(root, fallback), label: fallback };
    if (given === undefined) return undefined;
    return { folder: path.resolve(root, given), label: `${flag} ${given}` };
  };
  return {
    manifests: output('-o', options.outdir, 'dist'),
    chart: output('--chart-out', options.chartOut, path.join('charts', 'istio')),
    profileFiles: output('--profiles-out', options.profilesOut, 'profiles'),
  };
}

/**
 * The helm-values/ folder: one file per synthesised profile. A synth of some profiles keeps the files
 * of the others that a previous synth wrote.
 */
function helmValuesFolder(manifests: OutputFolder, profiles: readonly Profile[], userValues: readonly ValuesLayer[], replaceAll: boolean): FileTree {
  const files = new Map<string, string>();
  const folder = path.join(manifests.folder, HELM_VALUES_FOLDER);
  const owned = ownedEntries(manifests.folder, 'manifests', manifests.label) ?? [];
  if (!replaceAll && owned.includes(HELM_VALUES_FOLDER) && fs.existsSync(folder)) {
    for (const file of fs.readdirSync(folder).sort()) {
      if (fs.statSync(path.join(folder, file)).isFile()) files.set(file, fs.readFileSync(path.join(folder, file), 'utf8'));
    }
  }
  for (const profile of profiles) files.set(`${profile.name}.yaml`, helmValuesFile(profile, userValues));
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The gitops/ folder: Argo CD and Flux objects of the synthesised profiles (src/gitops). A synth of
 * some profiles keeps the other profiles' files that a previous synth wrote.
 */
function gitopsFolder(manifests: OutputFolder, rendered: readonly RenderedProfile[], options: ReturnType<typeof resolveGitOpsOptions>, replaceAll: boolean): FileTree {
  const files = new Map<string, string>();
  const folder = path.join(manifests.folder, GITOPS_FOLDER);
  const owned = ownedEntries(manifests.folder, 'manifests', manifests.label) ?? [];
  if (!replaceAll && owned.includes(GITOPS_FOLDER) && fs.existsSync(folder)) {
    const synthesised = new Set(rendered.map((profile) => profile.name));
    for (const file of readTree(folder)) {
      // argocd/<profile>/… and flux/<profile>/… of profiles not synthesised now.
      const profile = file.split('/')[1];
      if (file.split('/').length > 2 && !synthesised.has(profile)) files.set(file, fs.readFileSync(path.join(folder, file), 'utf8'));
    }
  }
  const delivered = rendered.map((profile) => ({ name: profile.name, istioNamespace: profile.values.global.istioNamespace, manifests: profile.objects }));
  for (const [file, content] of renderGitOps(delivered, options)) {
    files.set(file, `${GENERATED_HEADER}# ${content.comment}\n${toManifestYaml(content.objects)}`);
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Relative paths (with `/`) of every file below `folder`, sorted. */
function readTree(folder: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(folder, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...readTree(folder, relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

/** The chart's files grouped by top-level entry: `templates` → its files, `Chart.yaml` → content. */
function topLevelEntries(files: ReadonlyMap<string, string>): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const [file, content] of files) {
    const [first, ...rest] = file.split('/');
    if (rest.length === 0) {
      entries.set(first, content);
    } else {
      const folder = (entries.get(first) as Map<string, string> | undefined) ?? new Map<string, string>();
      folder.set(rest.join('/'), content);
      entries.set(first, folder);
    }
  }
  return entries;
}

function findProfile(available: readonly Profile[], name: string): Profile {
  const profile = available.find((candidate) => candidate.name === name);
  if (!profile) throw new Error(`profile: must be one of ${available.map((p) => p.name).join(', ')}, got ${JSON.stringify(name)}`);
  return profile;
}
