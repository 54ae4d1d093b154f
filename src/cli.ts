#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { SynthOptions, synthesize } from './outputs/synth';

const USAGE = `Usage: istio-pack [synth] [options]

Synthesises dist/<profile>/ (manifests + kustomization.yaml) and profiles/<built-in>.yaml.

Options:
  -p, --profile NAME   synthesise only this profile (repeatable; comma lists allowed)
  -f, --values FILE    user values file applied to every profile (repeatable, later wins)
      --crds FILE      emit the CRDs of this file (e.g. Istio's crd-all.gen.yaml) instead of generated ones
  -o, --out DIR        output folder (default: dist)
  -h, --help           show this help

Environment (same meaning, used by "npx cdk8s synth"):
  ISTIO_PACK_PROFILES=demo,minimal   ISTIO_PACK_VALUES=a.yaml,b.yaml   ISTIO_PACK_CRDS=crds.yaml
`;

/** Parses command-line arguments and the ISTIO_PACK_* environment into synth options. */
export function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv): SynthOptions | 'help' {
  const list = (text: string | undefined) => (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
  const profiles: string[] = list(env.ISTIO_PACK_PROFILES);
  const valuesFiles: string[] = list(env.ISTIO_PACK_VALUES);
  let crdFile = env.ISTIO_PACK_CRDS || undefined;
  let outdir: string | undefined;
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
      case '-h': case '--help': return 'help';
      default: throw new Error(`unknown argument ${JSON.stringify(flag)}\n\n${USAGE}`);
    }
  }
  return { profiles: profiles.length > 0 ? profiles : undefined, valuesFiles, crdFile, outdir };
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
    const lines = result.profiles.map((profile) => `  ${path.relative(process.cwd(), path.join(result.outdir, profile.name)) || '.'}/ (${profile.files.size - 1} files)`);
    process.stdout.write(`istio-pack: synthesised ${result.profiles.length} profile(s)\n${lines.join('\n')}\n`);
    reportToCdk8sCli(env, result.profiles.map((profile) => profile.name), result.outdir);
    return 0;
  } catch (error) {
    process.stderr.write(`istio-pack: ${(error as Error).message}\nNothing was written.\n`);
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

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process.env);
}
