import * as fs from 'fs';
import * as path from 'path';
import { readUserProfiles, readValuesFiles } from '../outputs/inputs';
import { renderProfile } from '../outputs/render-profile';
import { BUILTIN_PROFILES } from '../profiles/builtin-profiles';
import { diffObjects, diffReport } from './diff';
import { decideValues, readClusterFacts, validateInspectValues, valuesFileText } from './inspect';
import { ClusterError, KubeClient } from './kube-client';

/*
 * `istio-pack inspect` and `istio-pack diff`. src/cli.ts loads this module only for these commands:
 * @kubernetes/client-node takes about a second to load, which synth does not pay.
 */

export const CLUSTER_USAGE = `Usage: istio-pack inspect [--context C] [--kubeconfig FILE] [-o FILE]
       istio-pack diff -p PROFILE [-f FILE]... [--context C] [--kubeconfig FILE]

inspect  reads the cluster and writes a values file for it: Kubernetes version (>= 1.28), Pod and
         Service ranges as trafficCapture.includeIPRanges, global.platform, and global.revision
         next to an existing Istio control plane. Prints what it decided and why. Without -o the
         values go to stdout and the summary to stderr. Exit 0, or 1 on error.
diff     server-side dry-run apply (dryRun=All, field manager istio-pack) of the profile's objects
         and a diff of each against the live object. Exit 0: no differences, 1: differences, 2: error.

Connection (as kubectl): --kubeconfig FILE, else KUBECONFIG, else ~/.kube/config, else the pod's
service account; --context NAME picks a context of the kubeconfig.
`;

interface ClusterArguments {
  readonly command: 'inspect' | 'diff';
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly out?: string;
  readonly profile?: string;
  readonly valuesFiles: readonly string[];
}

/** Parses `inspect …` / `diff …` arguments. */
export function parseClusterArguments(argv: readonly string[]): ClusterArguments | 'help' {
  const [command, ...rest] = argv;
  if (command !== 'inspect' && command !== 'diff') throw new Error(`unknown command ${JSON.stringify(command)}`);
  const args = [...rest];
  const valuesFiles: string[] = [];
  let kubeconfig: string | undefined;
  let context: string | undefined;
  let out: string | undefined;
  let profile: string | undefined;
  while (args.length > 0) {
    const flag = args.shift() as string;
    const value = () => {
      const next = args.shift();
      if (next === undefined || next.startsWith('-')) throw new Error(`${flag}: expects a value`);
      return next;
    };
    if (flag === '-h' || flag === '--help') return 'help';
    if (flag === '--kubeconfig') kubeconfig = value();
    else if (flag === '--context') context = value();
    else if (command === 'inspect' && (flag === '-o' || flag === '--out')) out = value();
    else if (command === 'diff' && (flag === '-p' || flag === '--profile')) {
      if (profile !== undefined) throw new Error(`${flag}: diff compares one profile, got ${profile} and more`);
      profile = value();
    } else if (command === 'diff' && (flag === '-f' || flag === '--values')) valuesFiles.push(value());
    else throw new Error(`${command}: unknown argument ${JSON.stringify(flag)}\n\n${CLUSTER_USAGE}`);
  }
  if (command === 'diff' && profile === undefined) throw new Error('diff: -p PROFILE is required');
  return { command, kubeconfig, context, out, profile, valuesFiles };
}

/** Output streams, replaceable in tests. */
export interface Streams {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_STREAMS: Streams = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs `inspect` or `diff`; resolves to the exit code. Errors are one message, never a stack trace. */
export async function runClusterCommand(argv: readonly string[], env: NodeJS.ProcessEnv, streams: Streams = PROCESS_STREAMS, cwd = process.cwd()): Promise<number> {
  const name = argv[0] === 'diff' ? 'diff' : 'inspect';
  let parsed: ClusterArguments | 'help';
  try {
    parsed = parseClusterArguments(argv);
  } catch (error) {
    streams.stderr(`istio-pack ${name}: ${(error as Error).message}\n`);
    return name === 'diff' ? 2 : 1;
  }
  if (parsed === 'help') {
    streams.stdout(CLUSTER_USAGE);
    return 0;
  }
  try {
    return parsed.command === 'inspect' ? await inspect(parsed, env, streams, cwd) : await diff(parsed, env, streams, cwd);
  } catch (error) {
    // ClusterError and ValuesError messages are written for users; anything else is shown the same way.
    const message = error instanceof ClusterError ? error.message : (error as Error).message;
    const written = parsed.command === 'inspect' && parsed.out ? `${message.endsWith('.') ? '' : '.'} Nothing was written.` : '';
    streams.stderr(`istio-pack ${parsed.command}: ${message}${written}\n`);
    return parsed.command === 'diff' ? 2 : 1;
  }
}

async function inspect(args: ClusterArguments, env: NodeJS.ProcessEnv, streams: Streams, cwd: string): Promise<number> {
  const target = args.out === undefined ? undefined : path.resolve(cwd, args.out);
  if (target) checkInspectTarget(target, args.out as string);
  const client = KubeClient.connect({ kubeconfig: args.kubeconfig && path.resolve(cwd, args.kubeconfig), context: args.context, env });
  const facts = await readClusterFacts(client);
  const result = decideValues(facts);
  validateInspectValues(result);
  const text = valuesFileText(facts, result);
  const summary = [`istio-pack inspect: context ${facts.context} (${facts.server})`, ...result.summary.map((line) => `  ${line}`)];
  if (target) {
    // Written beside the target, then renamed over it: a reader never sees half a file.
    const staging = path.join(path.dirname(target), `.${path.basename(target)}.istio-pack-${process.pid}`);
    fs.writeFileSync(staging, text);
    fs.renameSync(staging, target);
    summary.push(`Wrote ${args.out}: istio-pack synth -p ${result.profile} -f ${args.out}`);
    streams.stdout(`${summary.join('\n')}\n`);
  } else {
    streams.stderr(`${summary.join('\n')}\n`);
    streams.stdout(text);
  }
  return 0;
}

/** First line of every file inspect writes: it overwrites only such files. */
const INSPECT_HEADER = '# Written by istio-pack inspect';

function checkInspectTarget(target: string, label: string): void {
  if (!fs.existsSync(target)) {
    if (!fs.existsSync(path.dirname(target))) throw new ClusterError(`-o ${label}: folder ${path.dirname(label)} does not exist`);
    return;
  }
  if (!fs.statSync(target).isFile() || !fs.readFileSync(target, 'utf8').startsWith(INSPECT_HEADER)) {
    throw new ClusterError(`-o ${label}: exists and was not written by istio-pack inspect; choose another file or remove it`);
  }
}

async function diff(args: ClusterArguments, env: NodeJS.ProcessEnv, streams: Streams, cwd: string): Promise<number> {
  // Rendered first: bad values or an unknown profile fail before any request.
  const available = [...BUILTIN_PROFILES, ...readUserProfiles(path.join(cwd, 'profiles'))];
  const profile = available.find((candidate) => candidate.name === args.profile);
  if (!profile) throw new Error(`profile: must be one of ${available.map((p) => p.name).join(', ')}, got ${JSON.stringify(args.profile)}`);
  const userValues = readValuesFiles(args.valuesFiles.map((file) => path.resolve(cwd, file)));
  const rendered = renderProfile(profile, { userValues });
  const objects = [...rendered.objects.values()].flat();

  const client = KubeClient.connect({ kubeconfig: args.kubeconfig && path.resolve(cwd, args.kubeconfig), context: args.context, env });
  const results = await diffObjects(client, objects);
  streams.stdout(`istio-pack diff: profile ${profile.name} against context ${client.context} (${client.server})\n${diffReport(results)}`);
  return results.some((result) => result.state !== 'unchanged') ? 1 : 0;
}
