/*
 * Builds and runs test/tools/inject-render, the Go renderer of injection templates (Go's
 * text/template, sprig and istiod's template helpers). Needs the Debian packages golang-go,
 * golang-github-masterminds-sprig-dev and golang-k8s-sigs-yaml-dev (GOPATH mode).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A built renderer: `run` sends one request and returns its stdout; `dispose` removes the binary. */
export interface InjectRenderer {
  run(request: object): string;
  dispose(): void;
}

/** Builds the renderer into a fresh temporary folder; throws with the build output when it fails. */
export function buildInjectRenderer(): InjectRenderer {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-inject-render-'));
  const binary = path.join(workDir, 'inject-render');
  const build = spawnSync('go', ['build', '-o', binary, '.'], {
    cwd: path.join(__dirname, '..', 'tools', 'inject-render'),
    encoding: 'utf8',
    env: {
      ...process.env,
      GOPATH: '/usr/share/gocode',
      GO111MODULE: 'off',
      GOFLAGS: '',
      GOCACHE: path.join(os.tmpdir(), 'istio-pack-go-cache'),
    },
  });
  if (build.error !== undefined || build.status !== 0) {
    throw new Error(
      'building test/tools/inject-render failed (needs Debian packages golang-go, '
        + `golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev): ${build.error?.message ?? build.stderr}`,
    );
  }
  return {
    run(request: object): string {
      const result = spawnSync(binary, [], { input: JSON.stringify(request), encoding: 'utf8' });
      if (result.error) {
        throw result.error;
      }
      if (result.status !== 0) {
        throw new Error(`inject-render failed: ${result.stderr}`);
      }
      return result.stdout;
    },
    dispose(): void {
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}
