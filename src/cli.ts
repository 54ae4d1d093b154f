#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { IncompleteRollbackError } from './outputs/atomic-write';
import { INPUT_LIMITS } from './outputs/inputs';
import { HELM_VALUES_FOLDER, SynthOptions, synthesize } from './outputs/synth';
import { DEFAULT_GITOPS_OPTIONS } from './gitops/gitops-options';
import { CLUSTERS_FOLDER } from './gitops/fleet-delivery';
import { ISTIO_VERSION } from './values/model';
import { CONSOLE_PORT, serveConsole } from './console/console-server';

const mib = (bytes: number) => `${bytes / (1024 * 1024)} MiB`;

const USAGE = `Usage: istio-pack [synth] [options]
       istio-pack inspect|diff [options]   (read a cluster: istio-pack inspect --help)
       istio-pack console [--port N]

Renders Istio ${ISTIO_VERSION} manifests, a Helm chart and Helm values files from profiles and values files.

What is written
  With no -o/--chart-out/--profiles-out, below the current folder (the project root):
    dist/<profile>/              manifests + kustomization.yaml of each synthesised profile
    dist/helm-values/<profile>.yaml
                                 the one values file that makes the chart render dist/<profile>/
    dist/gitops/argocd/<profile>/  Argo CD AppProject + Applications (dist/ folder or chart)
    dist/gitops/flux/            Flux GitRepository, layered Kustomizations and a HelmRelease per profile
    dist/clusters/<cluster>/     the fleet (clusters/<cluster>.yaml): manifests, helm/values.yaml, flux/;
                                 dist/clusters/argocd.yaml: AppProject + ApplicationSet over the clusters
    charts/istio/                the Helm chart
    profiles/<built-in>.yaml     built-in profiles as Helm values overlays
  With any of them, only the folders given are written:
  -o, --out DIR          manifests and helm-values/ go to DIR
      --chart-out DIR    the Helm chart goes to DIR
      --profiles-out DIR the built-in profiles' values files go to DIR
  Without -p, every profile folder is replaced and stale ones removed; with -p only those are.

Options
  -p, --profile NAME     synthesise only this profile (repeatable; comma lists allowed; duplicates ignored)
  -f, --values FILE      values file applied to every profile (repeatable, later wins; null = default)
      --crds FILE        use the CRDs of this file (e.g. Istio's crd-all.gen.yaml) in dist/ and the chart
  -h, --help             show this help

GitOps objects (dist/gitops/): where they find this output in Git
      --repo-url URL     Git repository (default ${DEFAULT_GITOPS_OPTIONS.repoUrl}, a placeholder)
      --branch NAME      branch to follow (default ${DEFAULT_GITOPS_OPTIONS.branch})
      --repo-dist-path P folder of dist/ in the repository (default ${DEFAULT_GITOPS_OPTIONS.distPath})
      --repo-chart-path P
                         folder of the chart in the repository (default ${DEFAULT_GITOPS_OPTIONS.chartPath})
      --interval DURATION
                         Flux reconciliation interval (default ${DEFAULT_GITOPS_OPTIONS.interval})

Safety
  istio-pack writes only into a new or empty folder, or one holding its .istio-pack marker, and there
  replaces or removes only the entries the marker lists. It refuses the working directory, the
  project root, the home directory, the filesystem root and any folder containing the working
  directory or the project root.
  Input files are limited to ${mib(INPUT_LIMITS.valuesFileBytes)} (values, profiles) and ${mib(INPUT_LIMITS.crdFileBytes)} (--crds); YAML aliases may expand
  to at most ${INPUT_LIMITS.expandedNodes.toLocaleString('en-US')} nodes. A failed or refused run changes nothing on disk.

Console
  istio-pack console     serves the console page (dist/console/index.html: forms, validation, preview,
                         export) on http://127.0.0.1:${CONSOLE_PORT}/ and prints its URL; --port 0 picks a free port.
                         The page also works opened straight from dist/console/index.html.

Environment (same meaning, used by "npx cdk8s synth"):
  ISTIO_PACK_PROFILES=demo,minimal   ISTIO_PACK_VALUES=a.yaml,b.yaml   ISTIO_PACK_CRDS=crds.yaml
  ISTIO_PACK_REPO_URL=https://…      ISTIO_PACK_BRANCH=main
`;

/** Parses command-line arguments and the ISTIO_PACK_* environment into synth options. */
export function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv): SynthOptions | 'help' {
  const list = (text: string | undefined) => (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
  const profiles: string[] = list(env.ISTIO_PACK_PROFILES);
  const valuesFiles: string[] = list(env.ISTIO_PACK_VALUES);
  let crdFile = env.ISTIO_PACK_CRDS || undefined;
  let outdir: string | undefined;
  let chartOut: string | undefined;
  let profilesOut: string | undefined;
  const gitops: Record<string, string> = {};
  if (env.ISTIO_PACK_REPO_URL) gitops.repoUrl = env.ISTIO_PACK_REPO_URL;
  if (env.ISTIO_PACK_BRANCH) gitops.branch = env.ISTIO_PACK_BRANCH;
  const args = [...argv];
  if (args[0] === 'synth') args.shift();
  while (args.length > 0) {
    const flag = args.shift() as string;
    const value = () => {
      const next = args.shift();
      if (next === undefined || next.startsWith('-')) throw new Error(`${flag}: expects a value`);
      return next;
    };
    switch (flag) {
      case '-p': case '--profile': profiles.push(...list(value())); break;
      case '-f': case '--values': valuesFiles.push(value()); break;
      case '--crds': crdFile = value(); break;
      case '-o': case '--out': outdir = value(); break;
      case '--chart-out': chartOut = value(); break;
      case '--profiles-out': profilesOut = value(); break;
      case '--repo-url': gitops.repoUrl = value(); break;
      case '--branch': gitops.branch = value(); break;
      case '--repo-dist-path': gitops.distPath = value(); break;
      case '--repo-chart-path': gitops.chartPath = value(); break;
      case '--interval': gitops.interval = value(); break;
      case '-h': case '--help': return 'help';
      default: throw new Error(`unknown argument ${JSON.stringify(flag)}\n\n${USAGE}`);
    }
  }
  // The same profile twice (e.g. in ISTIO_PACK_PROFILES and -p) is synthesised once.
  const unique = [...new Set(profiles)];
  return { profiles: unique.length > 0 ? unique : undefined, valuesFiles, crdFile, outdir, chartOut, profilesOut, gitops };
}

/** Runs the CLI; returns the process exit code. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  try {
    const options = parseArguments(argv, env);
    if (options === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    const result = synthesize(options);
    const where = (folder: string) => path.relative(process.cwd(), folder) || '.';
    const lines: string[] = [];
    if (result.outdir) {
      for (const profile of result.profiles) lines.push(`  ${where(path.join(result.outdir, profile.name))}/ (${profile.files.size - 1} files)`);
      lines.push(`  ${where(path.join(result.outdir, HELM_VALUES_FOLDER))}/ (${result.profiles.map((profile) => `${profile.name}.yaml`).join(', ')})`);
    }
    if (result.outdir && result.clusters.length > 0) {
      const names = result.clusters.map((cluster) => cluster.name);
      const shown = names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`;
      lines.push(`  ${where(path.join(result.outdir, CLUSTERS_FOLDER))}/ (fleet of ${names.length} cluster(s): ${shown})`);
    }
    if (result.chartDir) lines.push(`  ${where(result.chartDir)}/ (Helm chart)`);
    if (result.profilesDir) lines.push(`  ${where(result.profilesDir)}/ (built-in profiles' values files)`);
    process.stdout.write(`istio-pack: synthesised ${result.profiles.length} profile(s)\n${lines.join('\n')}\n`);
    try {
      reportToCdk8sCli(env, result.profiles.map((profile) => profile.name), result.outdir ? where(result.outdir) : 'no manifests folder');
    } catch (error) {
      // The output is complete; only cdk8s-cli's scratch report is missing.
      process.stderr.write(`istio-pack: warning: cannot write the report for cdk8s-cli: ${(error as Error).message}\n`);
    }
    return 0;
  } catch (error) {
    const outcome = error instanceof IncompleteRollbackError ? 'Some output could not be restored: see above.' : 'Nothing was written.';
    process.stderr.write(`istio-pack: ${(error as Error).message}\n${outcome}\n`);
    return 1;
  }
}

/**
 * The cdk8s CLI wipes its output folder (CDK8S_OUTDIR, `.cdk8s.out` in cdk8s.yaml) and expects the app
 * to create it. dist/ is written atomically elsewhere, so the CLI's folder only gets a report.
 */
function reportToCdk8sCli(env: NodeJS.ProcessEnv, profiles: readonly string[], outdir: string): void {
  const cliOutdir = env.CDK8S_OUTDIR;
  if (!cliOutdir) return;
  fs.mkdirSync(cliOutdir, { recursive: true });
  const report = [`# istio-pack synth report: manifests are in ${outdir}`, 'profiles:', ...profiles.map((name) => `  - ${name}`), ''].join('\n');
  fs.writeFileSync(path.join(cliOutdir, 'istio-pack-report.yaml'), report);
}

/** `istio-pack console [--port N]`: serves the page until interrupted. */
export async function runConsole(argv: readonly string[]): Promise<number> {
  try {
    let port = CONSOLE_PORT;
    const args = [...argv];
    while (args.length > 0) {
      const flag = args.shift() as string;
      if (flag === '--port' && /^\d{1,5}$/.test(args[0] ?? '') && Number(args[0]) <= 65535) port = Number(args.shift());
      else if (flag === '--port') throw new Error(`--port: expects a port number 0-65535, got ${JSON.stringify(args[0] ?? '')}`);
      else if (flag === '-h' || flag === '--help') {
        process.stdout.write(USAGE);
        return 0;
      } else throw new Error(`unknown argument ${JSON.stringify(flag)} for console`);
    }
    const { url } = await serveConsole({ port });
    process.stdout.write(`istio-pack console: ${url}\n(serving on 127.0.0.1 only; Ctrl-C stops it)\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`istio-pack: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Commands that talk to a cluster (src/cluster/). */
const CLUSTER_COMMANDS = new Set(['inspect', 'diff']);

/** Runs any command, the cluster commands and the console included; resolves to the process exit code. */
export function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (CLUSTER_COMMANDS.has(argv[0])) {
    // Loaded only here: @kubernetes/client-node takes about a second to load, which synth does not pay.
    const { runClusterCommand } = require('./cluster/commands') as typeof import('./cluster/commands');
    return runClusterCommand(argv, env);
  }
  // The console keeps serving after it resolved 0: its listening server holds the process open.
  if (argv[0] === 'console') return runConsole(argv.slice(1));
  return Promise.resolve(main(argv, env));
}

if (require.main === module) {
  void runCli(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
