// Bundles the istio-pack console (src/console/browser/app.ts) for the browser with esbuild: the values
// model, its rules, the components, the profiles and the render path, the very code `synth` runs.
// Deterministic: no timestamps, paths relative to the project, fixed target; the same sources give the
// same bytes. Output: lib/console/app.js, which synth wraps into dist/console/index.html.
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shims = path.join(root, 'scripts', 'console-shims');
const unavailable = path.join(shims, 'unavailable.js');
// Node modules imported by cdk8s (App.synth, Helm, includes) and its HTTP dependencies; never called here.
const nodeOnly = ['fs', 'os', 'child_process', 'crypto', 'http', 'https', 'url', 'stream', 'assert', 'zlib', 'util', 'tty', 'net', 'events'];

/** Bundles the console into `outDir` (default lib/console) as app.js; returns its size and esbuild's metafile. */
export async function buildConsole(outDir = path.join(root, 'lib', 'console')) {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/console/browser/app.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    metafile: true,
    alias: { ...Object.fromEntries(nodeOnly.map((name) => [name, unavailable])), path: path.join(shims, 'path.js') },
    inject: [path.join(shims, 'process.js')],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const js = result.outputFiles[0].text;
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'app.js'), js);
  return { bytes: Buffer.byteLength(js), metafile: result.metafile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `--out DIR`: write DIR/app.js instead (the determinism test builds into temporary folders).
  const outIndex = process.argv.indexOf('--out');
  const outDir = outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : undefined;
  const { bytes } = await buildConsole(outDir);
  process.stdout.write(`console bundle: ${path.relative(root, path.join(outDir ?? path.join(root, 'lib', 'console'), 'app.js'))} (${(bytes / 1024).toFixed(0)} KiB)\n`);
}
