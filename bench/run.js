#!/usr/bin/env node
/**
 * istio-pack benchmark: cold-process timings, scaling with the number of gateways and of fleet
 * clusters, peak memory and output size. Prints a report and writes BENCHMARKS.md. Run with `npm run bench` (after `npm ci`).
 *
 * Every figure is the median (and min–max) of several runs of a fresh process, measured here with
 * wall-clock time; timings are never asserted in tests.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { HELM_BUILDS, helmBinary } = require('../test/support/helm-binaries');
const { CHROMIUM } = require('./chromium');
const { RESERVED_PROFILE_NAMES } = require('../lib/profiles/user-profile');

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS || 7);
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-bench-'));
const PROBE = path.join(__dirname, 'rss-probe.js');

/** Runs a command once; returns seconds and the peak RSS (MiB) reported by the probe. */
function runOnce(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  }
  const rssKib = Number(String(result.output[3] ?? '').trim().split('\n').pop());
  return { seconds, rssMib: Number.isFinite(rssKib) && rssKib > 0 ? rssKib / 1024 : undefined };
}

/** Runs a command `RUNS` times after one warm-up run (file cache), returns the samples. */
function measure(label, command, args, options = {}) {
  runOnce(command, args, options);
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(runOnce(command, args, options));
  const stats = summarise(samples.map((s) => s.seconds));
  const rss = samples.map((s) => s.rssMib).filter((v) => v !== undefined);
  const result = { label, ...stats, rssMib: rss.length > 0 ? Math.max(...rss) : undefined };
  process.stdout.write(`${label.padEnd(58)} ${formatSeconds(result)}${result.rssMib ? `  peak RSS ${result.rssMib.toFixed(0)} MiB` : ''}\n`);
  return result;
}

function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

const formatSeconds = (r) => `${r.median.toFixed(3)} s (${r.min.toFixed(3)}–${r.max.toFixed(3)})`;

/** A values file with `count` ingress gateways, each with its own name and nodePorts. */
function gatewaysValues(count) {
  const lines = ['gateways:', '  ingress:'];
  for (let i = 0; i < count; i++) {
    lines.push(`    - gatewayName: ${i === 0 ? 'ingressgateway' : `ingress-${i}`}`, '      serviceType: NodePort', '      ports:');
    lines.push('        - { name: status-port, port: 15021, targetPort: 15021 }');
    lines.push(`        - { name: http2, port: 80, targetPort: 8080, nodePort: ${30000 + (i % 2700) * 2} }`);
    lines.push(`        - { name: https, port: 443, targetPort: 8443, nodePort: ${30001 + (i % 2700) * 2} }`);
  }
  const file = path.join(WORK, `gateways-${count}.yaml`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const FLEET_RUNS = Number(process.env.BENCH_FLEET_RUNS || 3);
const FLEET_SIZES = [1, 10, 50, 500];

/**
 * A project folder holding a fleet of `count` clusters (clusters/<name>.yaml): mesh1 on two networks,
 * every fifth cluster a remote of the cluster before it, so east-west gateways, cross-network and
 * istiod exposure are all rendered.
 */
function fleetProject(count) {
  const project = path.join(WORK, `fleet-${count}`);
  fs.mkdirSync(path.join(project, 'clusters'), { recursive: true });
  const name = (i) => `c${String(i).padStart(3, '0')}`;
  for (let i = 0; i < count; i++) {
    const remote = i % 5 === 4;
    const lines = ['meshID: mesh1', `network: network${((remote ? i - 1 : i) % 2) + 1}`];
    if (remote) lines.push('role: remote', `primary: ${name(i - 1)}`, `istiodAddress: eastwest-${name(i - 1)}.example.com`);
    fs.writeFileSync(path.join(project, 'clusters', `${name(i)}.yaml`), `${lines.join('\n')}\n`);
  }
  return project;
}

/**
 * Synthesises a fleet project into a new output folder per run (a cold write of every cluster, in a
 * child process so its peak RSS is its own), after one warm-up run for the small fleets (the large
 * ones warm the file cache by themselves); returns the samples' summary.
 */
function measureFleet(count) {
  const project = fleetProject(count);
  const samples = [];
  for (let run = count < 100 ? -1 : 0; run < FLEET_RUNS; run++) {
    const outdir = path.join(project, 'out');
    const sample = runOnce(process.execPath, ['-r', PROBE, path.join(ROOT, 'lib', 'cli.js'), 'synth', '-o', outdir], { cwd: project });
    if (run >= 0) samples.push(sample);
    if (run < FLEET_RUNS - 1) fs.rmSync(outdir, { recursive: true, force: true });
  }
  const stats = summarise(samples.map((sample) => sample.seconds));
  const result = { count, ...stats, rssMib: Math.max(...samples.map((sample) => sample.rssMib ?? 0)), bytes: folderBytes(path.join(project, 'out', 'clusters')), project };
  process.stdout.write(`${`fleet: ${String(count).padStart(3)} clusters, cold synth`.padEnd(58)} ${formatSeconds(result)}  peak RSS ${result.rssMib.toFixed(0)} MiB\n`);
  return result;
}

/** Every file below `folder` → its mtime (ns). */
function mtimes(folder, prefix = '', into = new Map()) {
  for (const entry of fs.readdirSync(path.join(folder, prefix), { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) mtimes(folder, relative, into);
    else into.set(relative, fs.statSync(path.join(folder, relative), { bigint: true }).mtimeNs);
  }
  return into;
}

/** Re-synthesis of the largest fleet after one cluster file changed: time, and how many files were rewritten. */
function measureFleetChange(fleet) {
  const clusters = path.join(fleet.project, 'out', 'clusters');
  const before = mtimes(clusters);
  fs.appendFileSync(path.join(fleet.project, 'clusters', 'c007.yaml'), 'values:\n  istiod:\n    env:\n      PILOT_ENABLE_STATUS: "true"\n');
  const sample = runOnce(process.execPath, ['-r', PROBE, path.join(ROOT, 'lib', 'cli.js'), 'synth', '-o', path.join(fleet.project, 'out')], { cwd: fleet.project });
  const after = mtimes(clusters);
  const rewritten = [...after.entries()].filter(([file, mtime]) => before.get(file) !== mtime).map(([file]) => file).sort();
  process.stdout.write(`${`fleet: ${fleet.count} clusters, one changed, re-synth`.padEnd(58)} ${sample.seconds.toFixed(3)} s  peak RSS ${sample.rssMib?.toFixed(0)} MiB, ${rewritten.length} of ${after.size} files rewritten\n`);
  return { ...sample, rewritten, files: after.size };
}

function folderBytes(folder) {
  let total = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size;
  }
  return total;
}

/**
 * Chart render time for the default and demo profiles with the real Helm builds the tests use
 * (dev dependencies, extracted by test/support/helm-binaries.js).
 */
function chartRenderFigures() {
  const chartDir = path.join(ROOT, 'charts', 'istio');
  const figures = HELM_BUILDS.flatMap((build) => ['default', 'demo'].map((profile) => ({
    profile: `${profile} (helm ${build.version})`,
    ...measure(`chart render: ${profile}, helm ${build.version}`, helmBinary(build), [
      'template', 'istio', chartDir, '--namespace', 'istio-system', '--kube-version', '1.32.0',
      '--values', path.join(ROOT, 'profiles', `${profile}.yaml`),
    ]),
  })));
  return { renderer: HELM_BUILDS.map((build) => `helm ${build.version}`).join(', '), figures, chartBytes: folderBytes(chartDir) };
}

/**
 * The console page: its size (raw and gzip) and, in Chromium, the time from a change in the form to the
 * updated preview of the default profile. Skipped with a note when chromium is not installed.
 */
function consoleFigures(pageFile) {
  const bundleBytes = fs.statSync(path.join(ROOT, 'lib', 'console', 'app.js')).size;
  const html = fs.readFileSync(pageFile);
  const sizes = { bundleBytes, pageBytes: html.length, pageGzipBytes: zlib.gzipSync(html, { level: 9 }).length };
  if (!fs.existsSync(CHROMIUM)) {
    process.stdout.write(`console preview: skipped (${CHROMIUM} is missing: apt-get install chromium)\n`);
    return { ...sizes, skipped: true };
  }
  const result = spawnSync(process.execPath, [path.join(__dirname, 'console-preview.js'), pageFile, String(Math.max(RUNS * 2, 10))], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench/console-preview.js failed:\n${result.stderr}`);
  const measured = JSON.parse(result.stdout.trim().split('\n').pop());
  const endToEnd = summarise(measured.endToEnd.map((ms) => ms / 1000));
  const render = summarise(measured.render.map((ms) => ms / 1000));
  process.stdout.write(`${'console: change → preview updated (default profile)'.padEnd(58)} ${formatSeconds(endToEnd)}\n`);
  process.stdout.write(`${'console: preview render alone, as the page reports it'.padEnd(58)} ${formatSeconds(render)}\n`);
  return { ...sizes, firstPreview: measured.firstPreview / 1000, endToEnd, render, changes: measured.endToEnd.length };
}

function main() {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'cli.js'))) throw new Error('lib/cli.js is missing: run `npm ci` (or `npm run build`) first');
  const node = process.execPath;
  const began = Date.now();
  process.stdout.write(`istio-pack benchmark: ${os.cpus().length} CPUs, Node ${process.version}, ${RUNS} runs per figure\n\n`);

  const baseline = measure('baseline: node -e "require(\'cdk8s\')"', node, ['-r', PROBE, '-e', "require('cdk8s')"]);
  const outdir = path.join(WORK, 'dist');
  const entry = measure('full synth, all profiles + chart: node lib/cli.js', node, ['-r', PROBE, 'lib/cli.js', 'synth', '-o', outdir, '--chart-out', path.join(WORK, 'chart'), '--profiles-out', path.join(WORK, 'profiles')]);

  // The cdk8s CLI runs the app from cdk8s.yaml in its working folder: give it a copy of the project
  // shape (cdk8s.yaml + profiles/) that points at this checkout's compiled generator.
  const cliProject = path.join(WORK, 'cli-project');
  fs.mkdirSync(path.join(cliProject, 'profiles'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(cliProject, 'node_modules'), 'dir');
  const app = `"${node}" "${path.join(ROOT, 'lib', 'cli.js')}" synth`;
  fs.writeFileSync(path.join(cliProject, 'cdk8s.yaml'), `language: typescript\napp: ${JSON.stringify(app)}\noutput: .cdk8s.out\n`);
  const viaNpx = measure('full synth, all profiles + chart: npx cdk8s synth', 'npx', ['--no-install', 'cdk8s', 'synth'], { cwd: cliProject });
  const viaCli = measure('full synth, all profiles + chart: npx cdk8s synth --no-check-upgrade', 'npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], { cwd: cliProject });

  const scaling = [1, 10, 50, 200].map((count) => {
    const values = gatewaysValues(count);
    return { count, ...measure(`scaling: ${String(count).padStart(3)} ingress gateways (profile default)`, node, ['-r', PROBE, 'lib/cli.js', 'synth', '-p', 'default', '-f', values, '-o', path.join(WORK, `scale-${count}`)]) };
  });

  // Profile folders only: the manifests folder also holds its marker and istio-pack's own folders
  // (helm-values/, gitops/, clusters/, console/: the names no profile may take).
  const profileFolders = fs.readdirSync(outdir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !RESERVED_PROFILE_NAMES.includes(entry.name))
    .map((entry) => entry.name)
    .sort();
  const sizes = profileFolders.map((profile) => ({ profile, bytes: folderBytes(path.join(outdir, profile)) }));
  const fleets = FLEET_SIZES.map(measureFleet);
  const fleetChange = measureFleetChange(fleets[fleets.length - 1]);
  const chartRenders = chartRenderFigures();
  const consolePage = consoleFigures(path.join(outdir, 'console', 'index.html'));
  const elapsed = (Date.now() - began) / 1000;

  const ratioEntry = entry.median / baseline.median;
  const ratioScale = scaling[3].median / scaling[0].median;
  const peakRss = Math.max(...[entry, ...scaling].map((r) => r.rssMib ?? 0));
  const fleetOf = (count) => fleets.find((r) => r.count === count);
  const fleetRatio = fleetOf(500).median / fleetOf(10).median;
  const fleetPeak = fleetOf(500).rssMib;
  const perCluster = (count) => (fleetOf(count).median / count) * 1000;
  const verdict = (ok) => (ok ? 'met' : '**missed**');

  const report = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.js). Every figure: median and min–max of',
    `${RUNS} cold processes after one warm-up run, wall-clock time.`,
    '',
    `- Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- Node ${process.version}, ${os.platform()} ${os.arch()}`,
    `- Benchmark wall time: ${elapsed.toFixed(0)} s`,
    `- Load average (1, 5, 15 min) at the end: ${os.loadavg().map((load) => load.toFixed(1)).join(', ')} — other work on the machine slows every figure alike`,
    '',
    '## Timings',
    '',
    '| figure | median | min–max | ratio to baseline | peak RSS |',
    '|---|---|---|---|---|',
    ...[baseline, entry, viaNpx, viaCli].map((r) => `| ${r.label} | ${r.median.toFixed(3)} s | ${r.min.toFixed(3)}–${r.max.toFixed(3)} s | ${(r.median / baseline.median).toFixed(2)}× | ${r.rssMib ? `${r.rssMib.toFixed(0)} MiB` : '–'} |`),
    '',
    '## Scaling with the number of ingress gateways',
    '',
    '| gateways | median | min–max | peak RSS |',
    '|---|---|---|---|',
    ...scaling.map((r) => `| ${r.count} | ${r.median.toFixed(3)} s | ${r.min.toFixed(3)}–${r.max.toFixed(3)} s | ${r.rssMib?.toFixed(0) ?? '–'} MiB |`),
    '',
    `200 gateways / 1 gateway: ${ratioScale.toFixed(2)}×`,
    '',
    '## Fleets (clusters/<name>.yaml → dist/clusters/<name>/)',
    '',
    `Mesh of two networks, every fifth cluster a remote; each figure: median and min–max of ${FLEET_RUNS} runs of a child`,
    'process (`node lib/cli.js synth -o out`, which also writes the 7 built-in profiles) into a new output folder, after one',
    'warm-up run below 100 clusters. Peak RSS is the child\'s own (getrusage maxRSS).',
    '',
    '| clusters | median | min–max | per cluster | peak RSS | bytes of dist/clusters |',
    '|---|---|---|---|---|---|',
    ...fleets.map((r) => `| ${r.count} | ${r.median.toFixed(3)} s | ${r.min.toFixed(3)}–${r.max.toFixed(3)} s | ${(r.median / r.count * 1000).toFixed(0)} ms | ${r.rssMib.toFixed(0)} MiB | ${r.bytes} |`),
    '',
    `Re-synthesis of the ${fleets[fleets.length - 1].count}-cluster fleet after one cluster file changed: ${fleetChange.seconds.toFixed(3)} s, ` +
      `${fleetChange.rewritten.length} of ${fleetChange.files} files rewritten (${fleetChange.rewritten.join(', ')}); every other file kept its mtime.`,
    '',
    '## Output size per profile',
    '',
    '| profile | bytes |',
    '|---|---|',
    ...sizes.map((s) => `| ${s.profile} | ${s.bytes} |`),
    '',
    '## Chart render',
    '',
    `Rendering charts/istio with \`-f profiles/<profile>.yaml\`, renderer: ${chartRenders.renderer}.`,
    '',
    '| profile | median | min–max | bytes of chart |',
    '|---|---|---|---|',
    ...chartRenders.figures.map((r) => `| ${r.profile} | ${r.median.toFixed(3)} s | ${r.min.toFixed(3)}–${r.max.toFixed(3)} s | ${chartRenders.chartBytes} |`),
    '',
    '## Console page',
    '',
    `dist/console/index.html: ${consolePage.pageBytes} bytes (${consolePage.pageGzipBytes} gzip), of which the bundled generator (lib/console/app.js) ${consolePage.bundleBytes} bytes.`,
    '',
    ...(consolePage.skipped
      ? ['Preview timings skipped: chromium is not installed.', '']
      : [
        `In Chromium (${CHROMIUM}), ${consolePage.changes} changes of one field (tracing.sampling), default profile; first preview after opening the page: ${consolePage.firstPreview.toFixed(3)} s.`,
        '',
        '| figure | median | min–max |',
        '|---|---|---|',
        `| change → preview updated (what the user waits for) | ${consolePage.endToEnd.median.toFixed(3)} s | ${consolePage.endToEnd.min.toFixed(3)}–${consolePage.endToEnd.max.toFixed(3)} s |`,
        `| preview render alone (validate, render, compare with the profile) | ${consolePage.render.median.toFixed(3)} s | ${consolePage.render.min.toFixed(3)}–${consolePage.render.max.toFixed(3)} s |`,
        '',
      ]),
    '## Targets',
    '',
    '| target | value | status |',
    '|---|---|---|',
    `| full synth through the project entry point ≤ 3× baseline | ${ratioEntry.toFixed(2)}× | ${verdict(ratioEntry <= 3)} |`,
    `| full synth through npx cdk8s synth ≤ 1.5 s | ${viaNpx.median.toFixed(3)} s (${viaCli.median.toFixed(3)} s with --no-check-upgrade) | ${verdict(viaNpx.median <= 1.5)} |`,
    `| 200 gateways ≤ 5× the 1-gateway time | ${ratioScale.toFixed(2)}× | ${verdict(ratioScale <= 5)} |`,
    `| peak RSS ≤ 250 MB | ${peakRss.toFixed(0)} MiB | ${verdict(peakRss * 1.048576 <= 250)} |`,
    `| fleet: 500 clusters within 25× the time of 10 | ${fleetRatio.toFixed(2)}× | ${verdict(fleetRatio <= 25)} |`,
    `| fleet: 500 clusters under 1 GB peak RSS | ${fleetPeak.toFixed(0)} MiB | ${verdict(fleetPeak * 1.048576 < 1000)} |`,
    `| fleet: linear growth (time per cluster at 500 ≤ at 50) | ${perCluster(500).toFixed(0)} ms vs ${perCluster(50).toFixed(0)} ms | ${verdict(perCluster(500) <= perCluster(50) * 1.1)} |`,
    consolePage.skipped
      ? '| console preview of default updated ≤ 300 ms after a change | not measured (no chromium) | – |'
      : `| console preview of default updated ≤ 300 ms after a change | ${(consolePage.endToEnd.median * 1000).toFixed(0)} ms | ${verdict(consolePage.endToEnd.median <= 0.3)} |`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), report);
  process.stdout.write(`\n${report}`);
}

try {
  main();
} finally {
  fs.rmSync(WORK, { recursive: true, force: true });
}
