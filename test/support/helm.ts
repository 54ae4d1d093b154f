import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';

const REPO = path.resolve(__dirname, '..', '..');

/** Result of rendering a chart: the documents, or the error text Helm (or the renderer) printed. */
export type RenderResult = { readonly ok: true; readonly documents: Array<Record<string, any>> } | { readonly ok: false; readonly error: string };

/**
 * Renders charts like `helm template`: with the real `helm` when it is on PATH, otherwise with
 * test/tools/helm-render (Go text/template + sprig + sigs.k8s.io/yaml, Helm's engine libraries),
 * built once per test process from Debian's golang-go and Go library packages.
 */
export class ChartRenderer {
  private static instance: ChartRenderer | undefined;

  /** The renderer for this test process. */
  public static get(): ChartRenderer {
    ChartRenderer.instance ??= ChartRenderer.create();
    return ChartRenderer.instance;
  }

  private static create(): ChartRenderer {
    if (spawnSync('helm', ['version'], { stdio: 'ignore' }).status === 0) return new ChartRenderer('helm');
    const binary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'helm-render-')), 'helm-render');
    try {
      execFileSync('go', ['build', '-o', binary, './test/tools/helm-render/'], {
        cwd: REPO,
        env: { ...process.env, GOPATH: '/usr/share/gocode', GO111MODULE: 'off', GOCACHE: path.join(os.tmpdir(), 'istio-pack-gocache') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      throw new Error(`cannot build test/tools/helm-render (needs Debian golang-go, golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev; .ci/run installs them): ${(error as any).stderr ?? error}`);
    }
    return new ChartRenderer(binary);
  }

  private constructor(public readonly binary: string) {}

  /** Which renderer is in use, for test names and reports. */
  public get name(): string {
    return this.binary === 'helm' ? 'helm' : 'helm-render (Go text/template + sprig)';
  }

  /** Renders `chartDir` with the values files in order. */
  public render(chartDir: string, valueFiles: readonly string[] = []): RenderResult {
    const values = valueFiles.flatMap((file) => ['-f', file]);
    const args = this.binary === 'helm'
      ? ['template', 'istio', chartDir, '-n', 'istio-system', '--kube-version', '1.30.0', ...values]
      : [...values, chartDir];
    const result = spawnSync(this.binary, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (result.status !== 0) return { ok: false, error: `${result.stderr}${result.stdout}` };
    const documents = (yaml.loadAll(result.stdout) as Array<Record<string, any>>).filter((doc) => doc !== null && doc !== undefined);
    return { ok: true, documents };
  }
}

/** TEMPORARY (replaced by the real Helm setup): the Helm 3 and 4 binaries extracted by hand. */
export interface HelmBinary {
  readonly version: string;
  template(chartDir: string, valueFiles: readonly string[]): { ok: true; text: string } | { ok: false; error: string };
}

function helmAt(version: string, binary: string): HelmBinary {
  return {
    version,
    template: (chartDir, valueFiles) => {
      const result = spawnSync(binary, ['template', 'istio', chartDir, '-n', 'istio-system', '--kube-version', '1.32.0', ...valueFiles.flatMap((file) => ['-f', file])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      return result.status === 0 ? { ok: true, text: result.stdout } : { ok: false, error: `${result.stderr}${result.stdout}` };
    },
  };
}

export const HELMS: readonly HelmBinary[] = [helmAt('3.17.3', '/tmp/helm31/helm/helm'), helmAt('4.1.4', '/tmp/helm33/helm/helm')];
