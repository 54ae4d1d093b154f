import * as fs from 'fs';
import * as path from 'path';

/**
 * dist/console/index.html: the console page as one self-contained file. The script is the bundle that
 * `npm run build` makes (scripts/build-console.mjs → lib/console/app.js): the values model, the rules,
 * the components, the profiles and the render path, compiled for the browser. No external request
 * (no CDN, font or image): it works from file:// and air-gapped. Same bundle, same bytes.
 */

/** Folder of the console in the manifests output (dist/console/). */
export const CONSOLE_FOLDER = 'console';

/** Where `npm run build` writes the bundle: lib/console/app.js, two levels above this file in src/ and lib/. */
export const CONSOLE_BUNDLE = path.join(__dirname, '..', '..', 'lib', 'console', 'app.js');

/** The bundle's text. @throws Error saying how to build it when it is missing. */
export function readConsoleBundle(file: string = CONSOLE_BUNDLE): string {
  if (!fs.existsSync(file)) {
    throw new Error(`console: the page's script ${path.relative(process.cwd(), file) || file} is missing; run npm run build (it bundles src/console/browser with esbuild)`);
  }
  return fs.readFileSync(file, 'utf8');
}

const STYLE = `
:root { --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --accent: #ff6a00; --bad: #cf222e; --ok: #1a7f37; --bg: #f6f8fa; --changed: #fff3e0; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; padding: 10px 16px; background: #fff; border-bottom: 3px solid var(--accent); position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 18px; margin: 0 16px 0 0; }
.muted { color: var(--muted); font-weight: normal; }
main { display: grid; grid-template-columns: minmax(380px, 1fr) minmax(420px, 1.1fr); gap: 16px; padding: 16px; align-items: start; }
.form { display: flex; flex-direction: column; gap: 12px; }
fieldset { border: 1px solid var(--line); border-radius: 6px; background: #fff; margin: 0; padding: 8px 12px 12px; min-width: 0; }
fieldset fieldset { background: #fafbfc; margin-top: 8px; }
legend { font-weight: 600; padding: 0 4px; }
.section > legend { font-size: 15px; color: var(--accent); }
details.section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
details.section > summary { font-weight: 600; font-size: 15px; color: var(--accent); cursor: pointer; }
details.group { margin: 6px 0 0 8px; }
details.group > summary, details.more > summary { cursor: pointer; font-weight: 600; }
.field { padding: 6px 0; border-bottom: 1px dashed #eaeef2; }
.field:last-child { border-bottom: 0; }
.field .label { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px; }
.field label { font-weight: 500; }
.field .path { font-size: 11px; color: var(--muted); }
.field .help { font-size: 12px; color: var(--muted); }
.field .mark, .field .reset { display: none; }
.field.changed { background: var(--changed); margin: 0 -6px; padding: 6px; border-radius: 4px; }
.field.changed .mark { display: inline; font-size: 11px; color: #9a4d00; border: 1px solid #f0b37e; border-radius: 8px; padding: 0 6px; }
.field.changed .reset { display: inline; border: 0; background: none; cursor: pointer; padding: 0 4px; }
input[type=text], input[type=number], input[type=password], select, textarea { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; width: 100%; max-width: 100%; background: #fff; }
input[type=number] { max-width: 12em; }
select { width: auto; min-width: 12em; }
textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.field.boolean { display: grid; grid-template-columns: auto 1fr; column-gap: 8px; }
.field.boolean > .label { grid-column: 2; grid-row: 1; }
.field.boolean > input { grid-column: 1; grid-row: 1; margin-top: 4px; }
.field.boolean > .help, .field.boolean > .error { grid-column: 2; }
.field.invalid input, .field.invalid select, .field.invalid textarea { border-color: var(--bad); outline: 1px solid var(--bad); }
.error { color: var(--bad); font-size: 12px; white-space: pre-wrap; font-family: ui-monospace, monospace; }
.error:empty { display: none; }
.list.compact .item { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: flex-end; padding: 6px 8px; }
.list.compact .item > legend { font-weight: 500; }
.list.compact .field { border: 0; padding: 2px 0; }
.list.compact .field .help, .list.compact .field .path { display: none; }
.list.compact .field input[type=text] { width: 9em; }
.list.compact .field input[type=number] { width: 7em; }
.list.compact .field.changed { margin: 0; padding: 2px 4px; }
.list.compact .field .mark { display: none !important; }
fieldset.item.new { border-left: 4px solid #f0b37e; }
.list.compact button.remove { order: 99; float: none; }
.ranges .all { display: block; margin-bottom: 4px; }
button { font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: .45; cursor: not-allowed; }
button.remove { float: right; font-size: 12px; color: var(--bad); }
button.add { margin-top: 8px; }
.outputs { position: sticky; top: 70px; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; max-height: calc(100vh - 90px); display: flex; flex-direction: column; min-width: 0; }
#status { padding: 8px 10px; border-radius: 4px; margin-bottom: 10px; max-height: 30vh; overflow: auto; }
#status.ok { background: #dafbe1; color: var(--ok); }
#status.bad { background: #ffebe9; color: var(--bad); }
#status ul { margin: 4px 0 0; padding-left: 18px; font-family: ui-monospace, monospace; font-size: 12px; }
#status a { color: inherit; }
.tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--line); margin-bottom: 8px; }
.tabs button { border-radius: 4px 4px 0 0; border-bottom: 0; }
.tabs button.active { background: var(--accent); color: #fff; border-color: var(--accent); }
.tab { overflow: auto; min-height: 0; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 6px 0; }
pre.code { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 8px; font-size: 12px; overflow: auto; white-space: pre; margin: 0; max-height: 60vh; }
pre.code.stale, .objects-wrap.stale { opacity: .5; }
.preview { display: grid; grid-template-columns: minmax(0, 1fr); gap: 8px; }
.objects-wrap { max-height: 32vh; overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
#objects { border-collapse: collapse; width: 100%; font-size: 12px; }
#objects th, #objects td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eaeef2; }
#objects th { position: sticky; top: 0; background: #f6f8fa; }
#objects tr.file td { font-weight: 600; background: #fafbfc; cursor: pointer; }
#objects tr.object { cursor: pointer; }
#objects tr.selected td { background: #fff1e6; }
#objects tr.added .status { color: var(--ok); font-weight: 600; }
#objects tr.changed .status { color: #9a4d00; font-weight: 600; }
#objects tr.removed .status { color: var(--bad); font-weight: 600; }
#objects tr.removed td { text-decoration: line-through; }
#object-yaml { max-height: 40vh; }
.banner.error { flex-basis: 100%; background: #ffebe9; padding: 6px 10px; border-radius: 4px; }
dialog { width: min(720px, 90vw); border: 1px solid var(--line); border-radius: 6px; }
dialog textarea { width: 100%; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } .outputs { position: static; max-height: none; } }
`;

/** The page: markup, style and the bundle inlined. `</script` in the bundle is escaped so it cannot end the tag. */
export function consolePage(bundle: string): string {
  const script = bundle.replace(/<\/(script)/gi, '<\\/$1');
  return [
    '<!doctype html>',
    '<!-- Generated by istio-pack (npx cdk8s synth). Do not edit: the console page, self-contained (no external requests). -->',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // The page loads nothing: only its inline script and style, and blob: URLs for downloads.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'unsafe-inline\'; style-src \'unsafe-inline\'; img-src data:; connect-src \'none\'">',
    '<title>istio-pack console</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<div id="app"><noscript>The istio-pack console needs JavaScript.</noscript></div>',
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
