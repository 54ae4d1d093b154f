import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** One file as sigs.k8s.io/yaml decodes it: the non-empty documents, or the decode error. */
export interface GoDecodedFile {
  readonly path: string;
  /** Each document converted to JSON by YAMLToJSON, then parsed: the objects kubectl would send. */
  readonly documents: unknown[];
  /** Set when a document does not decode (`documents` then holds those before it). */
  readonly error?: string;
}

const TOOL = path.resolve(__dirname, '..', 'tools', 'yaml-decode');
/** Files per run: keeps the command line short. */
const BATCH = 200;

let binary: string | undefined;

/** Builds test/tools/yaml-decode once per test process (GOPATH mode, Debian's Go packages). */
function yamlDecodeBinary(): string {
  if (binary !== undefined) return binary;
  const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-yaml-decode-')), 'yaml-decode');
  const build = spawnSync('go', ['build', '-o', target, '.'], {
    cwd: TOOL,
    encoding: 'utf8',
    env: { ...process.env, GOPATH: '/usr/share/gocode', GO111MODULE: 'off', GOFLAGS: '', GOCACHE: path.join(os.tmpdir(), 'istio-pack-go-cache') },
  });
  if (build.error !== undefined || build.status !== 0) {
    throw new Error(`building test/tools/yaml-decode failed (needs Debian packages golang-go, golang-k8s-sigs-yaml-dev): ${build.error?.message ?? build.stderr}`);
  }
  binary = target;
  return binary;
}

/** Decodes multi-document YAML files with Go's sigs.k8s.io/yaml (YAML 1.1 rules, as kubectl reads manifests). */
export function goDecodeFiles(files: readonly string[]): GoDecodedFile[] {
  const tool = yamlDecodeBinary();
  const decoded: GoDecodedFile[] = [];
  for (let start = 0; start < files.length; start += BATCH) {
    const result = spawnSync(tool, files.slice(start, start + BATCH), { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (result.error !== undefined || result.status !== 0) throw new Error(`yaml-decode failed: ${result.error?.message ?? result.stderr}`);
    decoded.push(...(JSON.parse(result.stdout) as { files: GoDecodedFile[] }).files);
  }
  return decoded;
}

/** Decodes one multi-document YAML text with Go's sigs.k8s.io/yaml; throws the decode error. */
export function goDecode(text: string): unknown[] {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-go-yaml-'));
  try {
    const file = path.join(folder, 'input.yaml');
    fs.writeFileSync(file, text);
    const [decoded] = goDecodeFiles([file]);
    if (decoded.error !== undefined) throw new Error(`sigs.k8s.io/yaml: ${decoded.error}`);
    return decoded.documents;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
