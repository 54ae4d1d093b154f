import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { Browser, Page } from 'playwright-core';
import { consolePage, readConsoleBundle } from '../src/console/console-page';
import { CHROMIUM_LAUNCH, SCREENSHOTS, browserAvailable } from './support/form-page';
import { goDecode, goDecodeFiles } from './support/go-yaml';
import { HELMS } from './support/helm';
import { objectKey } from './support/objects';
import { Workspace } from './support/workspace';

/**
 * The console page (dist/console/index.html) in Debian's Chromium, driven by playwright-core the way a
 * person uses it: fill the ACK form, read the messages at the fields, download the files, switch
 * language, look at the preview. What it produces is checked against the outside: the CLI run on the
 * downloaded file, real Helm 3 and 4 on the chart, `kubectl kustomize` on dist/.
 */

const REPO = path.resolve(__dirname, '..');
const PAGE_URL = `file://${path.join(REPO, 'dist', 'console', 'index.html')}`;
const CLI = path.join(REPO, 'lib', 'cli.js');
const SHOTS = path.join(SCREENSHOTS, 'console');
const BROWSER_TIMEOUT = 300_000;

const run = browserAvailable() ? describe : describe.skip;

let browser: Browser;
let workspace: Workspace;
/** Requests the pages made to anything but the page itself (must stay empty: the page works air-gapped). */
const outsideRequests: string[] = [];

beforeAll(async () => {
  workspace = new Workspace();
  if (!browserAvailable()) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch(CHROMIUM_LAUNCH);
  fs.mkdirSync(SHOTS, { recursive: true });
}, BROWSER_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  workspace?.cleanup();
});

/** Opens the page from file:// and waits for its first preview. */
async function openConsole(url = PAGE_URL): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (!/^(file|blob|data):/.test(request.url()) && request.url() !== url) outsideRequests.push(request.url());
  });
  (page as any).pageErrors = errors;
  await page.goto(url);
  await page.waitForSelector('body[data-preview-generation]');
  return page;
}

/** The preview generation counter; {@link settled} waits until it passes the given one. */
async function generation(page: Page): Promise<number> {
  return Number(await page.getAttribute('body', 'data-preview-generation'));
}

async function settled(page: Page, after: number): Promise<void> {
  await page.waitForFunction((n) => Number((globalThis as any).document.body.dataset.previewGeneration) > n, after);
}

/** The message shown at the field of `path`. */
async function fieldError(page: Page, fieldPath: string): Promise<string> {
  return (await page.locator(`[data-path="${fieldPath}"] > .error`).first().textContent()) ?? '';
}

/** Reads `read` until it returns `wanted` (validation runs on the input event) or 10 s pass; returns the last reading. */
async function poll<T>(read: () => Promise<T>, wanted: T): Promise<T> {
  const until = Date.now() + 10_000;
  let value = await read();
  while (value !== wanted && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

async function exportDisabled(page: Page): Promise<boolean[]> {
  return page.$$eval('button.export', (buttons) => buttons.map((b) => (b as any).disabled as boolean));
}

async function download(page: Page, button: string, file: string): Promise<string> {
  const [saved] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  await saved.saveAs(file);
  return fs.readFileSync(file, 'utf8');
}

/** What the CLI prints and writes for `-p <profile> -f <values>` into a fresh output folder. */
function cliSynth(profile: string, valuesFile: string, outName: string): { ok: boolean; stderr: string; out: string } {
  const out = path.join(workspace.root, outName);
  try {
    execFileSync('node', [CLI, '-o', out, '-p', profile, '-f', valuesFile], { cwd: workspace.root, encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, stderr: '', out };
  } catch (error) {
    return { ok: false, stderr: String((error as any).stderr), out };
  }
}

/** The preview's files as the page holds them. */
async function previewFiles(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => Object.fromEntries((globalThis as any).istioPackConsole.snapshot.preview.files));
}

describe('the page file', () => {
  test('dist/console/index.html is the current bundle wrapped by consolePage (rebuild: npm run build && npm run synth)', () => {
    expect(fs.readFileSync(path.join(REPO, 'dist', 'console', 'index.html'), 'utf8')).toBe(consolePage(readConsoleBundle()));
  });

  test('the bundle is built deterministically: two builds give the bytes of lib/console/app.js', () => {
    const built = fs.readFileSync(path.join(REPO, 'lib', 'console', 'app.js'));
    for (const name of ['build-a', 'build-b']) {
      const out = path.join(workspace.root, name);
      execFileSync('node', [path.join(REPO, 'scripts', 'build-console.mjs'), '--out', out], { cwd: REPO, stdio: 'pipe' });
      expect(fs.readFileSync(path.join(out, 'app.js')).equals(built)).toBe(true);
    }
  });

  test('the page references nothing outside itself (no src=, href= to other places, no @import or url())', () => {
    const html = fs.readFileSync(path.join(REPO, 'dist', 'console', 'index.html'), 'utf8');
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });
});

run('the console in Chromium', () => {
  test('ACK form as seed 002 shows → downloaded values.yaml: the CLI renders what the preview shows, real Helm renders the same', async () => {
    // GIVEN the page, opened from file://
    const page = await openConsole();
    await page.screenshot({ path: path.join(SHOTS, '01-start.png') });

    // WHEN the ACK sections are filled as the seed's form: Prometheus, Grafana, injection on, Kiali with
    // a user and password hash, Jaeger tracing with 50% sampling, permitted range 10.0.0.0/8, and a
    // second ingress gateway on NodePort 31380
    await page.check('[name="addons.prometheus.enabled"]');
    await page.check('[name="addons.grafana.enabled"]');
    expect(await page.isChecked('[name="sidecarInjection.enabled"]')).toBe(true);
    expect(await page.isVisible('[name="addons.kiali.auth.strategy"]')).toBe(false);
    await page.check('[name="addons.kiali.enabled"]');
    await page.selectOption('[name="addons.kiali.auth.strategy"]', 'basic');
    const hash = `$2y$10$${'N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'}`;
    await page.fill('[name="addons.kiali.auth.basic.htpasswd"]', `admin:${hash}`);
    await page.check('[name="addons.jaeger.enabled"]');
    await page.check('[name="tracing.enabled"]');
    await page.fill('[name="tracing.sampling"]', '50');
    await page.fill('[name="trafficCapture.excludeIPRanges"]', '10.0.0.0/8');
    expect(await page.isChecked('[name="trafficCapture.includeIPRanges:all"]')).toBe(true);
    await page.click('[data-add="gateways.ingress"]');
    await page.fill('[name="gateways.ingress[1].gatewayName"]', 'nodeport-ingressgateway');
    await page.selectOption('[name="gateways.ingress[1].serviceType"]', 'NodePort');
    const before = await generation(page);
    await page.fill('[name="gateways.ingress[1].ports[1].nodePort"]', '31380');
    await settled(page, before);

    // THEN the values are valid, the changed fields are marked, export is enabled
    expect(await page.textContent('#status')).toContain('Values are valid');
    expect(await page.getAttribute('[data-path="tracing.sampling"]', 'class')).toContain('changed');
    expect(await exportDisabled(page)).not.toContain(true);
    await page.screenshot({ path: path.join(SHOTS, '02-ack-filled.png'), fullPage: true });

    // WHEN values.yaml is downloaded
    const valuesFile = path.join(workspace.root, 'ack-values.yaml');
    const downloaded = await download(page, '#download-values', valuesFile);

    // THEN it holds what was filled in, nothing else but the profile's (default: nothing)
    const values = yaml.load(downloaded) as any;
    expect(values).toEqual({
      addons: {
        grafana: { enabled: true }, jaeger: { enabled: true }, prometheus: { enabled: true },
        kiali: { enabled: true, auth: { strategy: 'basic', basic: { htpasswd: [`admin:${hash}`] } } },
      },
      tracing: { enabled: true, sampling: 50 },
      trafficCapture: { excludeIPRanges: ['10.0.0.0/8'] },
      gateways: { ingress: [{}, { gatewayName: 'nodeport-ingressgateway', serviceType: 'NodePort', ports: [
        { name: 'status-port', port: 15021, targetPort: 15021 },
        { name: 'http2', port: 80, targetPort: 8080, nodePort: 31380 },
        { name: 'https', port: 443, targetPort: 8443 },
      ] }] },
    });

    // AND the CLI given that file writes exactly the files the preview showed
    const cli = cliSynth('default', valuesFile, 'ack-out');
    expect(cli.stderr).toBe('');
    const files = await previewFiles(page);
    const written = fs.readdirSync(path.join(cli.out, 'default')).sort();
    expect(Object.keys(files).sort()).toEqual(written);
    for (const file of written) expect(files[file]).toBe(fs.readFileSync(path.join(cli.out, 'default', file), 'utf8'));
    expect(written).toEqual(expect.arrayContaining(['istio-nodeport-ingressgateway.yaml', 'kiali.yaml', 'jaeger.yaml', 'prometheus.yaml', 'grafana.yaml']));

    // AND real Helm 3 and 4, given the same file with the chart, render the same objects
    const dist = goDecodeFiles(written.filter((f) => f !== 'kustomization.yaml' && f !== 'namespace.yaml').map((f) => path.join(cli.out, 'default', f)))
      .flatMap((file) => file.documents) as Array<Record<string, any>>;
    for (const helm of HELMS) {
      const result = helm.template(path.join(REPO, 'charts', 'istio'), [valuesFile]);
      if (!result.ok) throw new Error(result.error);
      const chart = goDecode(result.text) as Array<Record<string, any>>;
      expect(chart.map(objectKey).sort()).toEqual(dist.map(objectKey).sort());
      const byKey = new Map(chart.map((object) => [objectKey(object), object]));
      for (const object of dist) expect(byKey.get(objectKey(object))).toEqual(object);
    }
    const nodePortService = dist.find((object) => object.kind === 'Service' && object.metadata.name === 'istio-nodeport-ingressgateway')!;
    expect(nodePortService.spec.type).toBe('NodePort');
    expect(nodePortService.spec.ports.find((port: any) => port.name === 'http2').nodePort).toBe(31380);
    expect((page as any).pageErrors).toEqual([]);
    await page.close();
  }, BROWSER_TIMEOUT);

  test.each([
    ['nodePort 80', 'gateways.ingress[0].ports[1].nodePort', '80', 'gateways.ingress[0].ports[1].nodePort', 'gateways.ingress[0].ports[1].nodePort: must be 30000-32767, got 80'],
    ['CIDR 10.0.0.0/33', 'trafficCapture.excludeIPRanges', '10.0.0.0/33', 'trafficCapture.excludeIPRanges', 'trafficCapture.excludeIPRanges[0]: must be a CIDR such as 10.0.0.0/8 or fd00::/8, got "10.0.0.0/33"'],
    ['min > max replicas', 'gateways.ingress[0].minReplicas', '6', 'gateways.ingress[0].minReplicas', 'gateways.ingress[0].minReplicas: must be <= maxReplicas (5), got 6'],
  ])('%s: the CLI\'s message at the field, export disabled until it is fixed', async (name, input, value, field, message) => {
    // GIVEN the page
    const page = await openConsole();

    // WHEN the bad value is typed
    await page.fill(`[name="${input}"]`, value);

    // THEN the field shows the message naming the path, the status lists it, export is disabled
    expect(await poll(() => fieldError(page, field), message)).toBe(message);
    expect(await page.getAttribute(`[data-path="${field}"]`, 'class')).toContain('invalid');
    expect(await page.textContent('#status')).toContain(message);
    expect(await exportDisabled(page)).not.toContain(false);
    await page.screenshot({ path: path.join(SHOTS, `03-bad-${name.replace(/[^a-z0-9]+/gi, '-')}.png`) });

    // AND the CLI, given the same values, prints the same message
    const overlay = await page.evaluate(() => (globalThis as any).istioPackConsole.snapshot.overlay);
    const file = workspace.write(`bad-${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`, yaml.dump(overlay));
    const cli = cliSynth('default', file, `bad-out-${name.replace(/[^a-z0-9]+/gi, '-')}`);
    expect(cli.ok).toBe(false);
    expect(cli.stderr.split('\n')).toContain(`  ${message}`);

    // WHEN the value is cleared (back to the profile's)
    await page.fill(`[name="${input}"]`, '');

    // THEN the message goes and export comes back
    expect(await poll(() => fieldError(page, field), '')).toBe('');
    expect(await exportDisabled(page)).not.toContain(true);
    await page.close();
  }, BROWSER_TIMEOUT);

  test('importing profiles/demo.yaml selects demo with nothing changed and exports the file unchanged', async () => {
    // GIVEN the page and the generated demo profile file
    const page = await openConsole();
    const demoFile = path.join(REPO, 'profiles', 'demo.yaml');
    const original = fs.readFileSync(demoFile, 'utf8');

    // WHEN it is imported
    const before = await generation(page);
    await page.setInputFiles('#import-file', demoFile);
    await settled(page, before);

    // THEN the profile is demo, nothing differs from it, and values.yaml is the file as it was
    expect(await page.inputValue('#profile')).toBe('demo');
    expect(await page.evaluate(() => (globalThis as any).istioPackConsole.snapshot.overlay)).toEqual({});
    expect(await download(page, '#download-values', path.join(workspace.root, 'demo-roundtrip.yaml'))).toBe(original);

    // WHEN a field is changed and changed back, values.yaml is regenerated from the model: same values, same body
    await page.check('[name="addons.kiali.enabled"]').catch(() => undefined);
    await page.uncheck('[name="addons.kiali.enabled"]');
    await page.check('[name="addons.kiali.enabled"]');
    const regenerated = await page.textContent('#values-yaml') ?? '';
    const body = (textOf: string) => textOf.split('\n').filter((line) => !line.startsWith('#')).join('\n');
    expect(body(regenerated)).toBe(body(original));
    await page.close();
  }, BROWSER_TIMEOUT);

  test('a pasted values.yaml with changes round-trips unchanged and shows the differences', async () => {
    const page = await openConsole();
    const pasted = '# mine\ntracing:\n  sampling: 50   # half\ngateways:\n  ingress:\n    - gatewayName: ingressgateway\n      serviceType: NodePort\n';
    await page.click('#paste');
    await page.fill('#paste-text', pasted);
    const before = await generation(page);
    await page.click('#paste-import');
    await settled(page, before);
    expect(await page.inputValue('#profile')).toBe('default');
    expect(await page.textContent('#values-yaml')).toBe(pasted);
    expect(await page.getAttribute('[data-path="tracing.sampling"]', 'class')).toContain('changed');
    expect(await page.inputValue('[name="gateways.ingress[0].serviceType"]')).toBe('NodePort');
    // the preview names what changes against the profile
    const changed = await page.$$eval('#objects tr.object.changed', (rows) => rows.map((row) => row.getAttribute('data-object')));
    expect(changed).toEqual(['Deployment/istio-system/istiod', 'Service/istio-system/istio-ingressgateway']);
    await page.close();
  }, BROWSER_TIMEOUT);

  test('the preview lists the objects of kubectl kustomize dist/<profile> and shows each file as dist/ holds it', async () => {
    const page = await openConsole();
    await page.click('[data-tab="preview"]');
    for (const profile of ['default', 'demo', 'minimal', 'empty', 'preview', 'remote', 'ambient']) {
      // WHEN the profile is chosen
      if (await page.inputValue('#profile') !== profile) {
        const before = await generation(page);
        await page.selectOption('#profile', profile);
        await settled(page, before);
      }
      // THEN the listed objects are those kubectl kustomize builds from dist/<profile>
      const listed = await page.$$eval('#objects tr.object', (rows) => rows.map((row) => [...row.querySelectorAll('td')].slice(1, 4).map((cell) => cell.textContent)));
      const built = (yaml.loadAll(execFileSync('kubectl', ['kustomize', path.join(REPO, 'dist', profile)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Array<Record<string, any>>)
        .filter((object) => object);
      expect(listed.map(([kind, namespace, name]) => `${kind}/${namespace}/${name}`).sort()).toEqual(built.map(objectKey).sort());
      // AND each file's text, as shown, is dist/<profile>/<file>
      const files = fs.readdirSync(path.join(REPO, 'dist', profile)).sort();
      const shown = await page.$$eval('#objects tr.file', (rows) => rows.map((row) => row.getAttribute('data-file')));
      expect([...shown, 'kustomization.yaml'].filter((f, i, all) => all.indexOf(f) === i).sort()).toEqual(files);
      for (const file of shown) {
        await page.click(`#objects tr.file[data-file="${file}"]`);
        expect(await page.textContent('#object-yaml')).toBe(fs.readFileSync(path.join(REPO, 'dist', profile, file as string), 'utf8'));
      }
    }
    await page.click('#objects tr.object >> nth=3');
    await page.screenshot({ path: path.join(SHOTS, '04-preview-ambient.png') });
    await page.close();
  }, BROWSER_TIMEOUT);

  test('the language switch shows the sections and ACK fields in Simplified Chinese and back', async () => {
    const page = await openConsole();
    expect(await page.textContent('#section-monitoring > legend')).toBe('Monitoring');
    await page.click('#language');
    expect(await page.textContent('#section-monitoring > legend')).toBe('监控');
    expect(await page.textContent('label[for="field-addons_prometheus_enabled"]')).toBe('启用 Prometheus');
    expect(await page.textContent('#section-egress > legend')).toBe('管控出口流量');
    expect(await page.textContent('[data-tab="preview"]')).toBe('预览');
    await page.screenshot({ path: path.join(SHOTS, '05-zh.png') });
    await page.click('#language');
    expect(await page.textContent('#section-monitoring > legend')).toBe('Monitoring');
    expect(await page.textContent('label[for="field-addons_prometheus_enabled"]')).toBe('Prometheus');
    await page.close();
  }, BROWSER_TIMEOUT);

  test('`istio-pack console` serves the same page on 127.0.0.1 and prints its URL', async () => {
    const child = spawn('node', [CLI, 'console', '--port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const match = /istio-pack console: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (match) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`console exited with ${code}`)));
      });
      const served = await (await fetch(url)).text();
      expect(served).toBe(fs.readFileSync(path.join(REPO, 'dist', 'console', 'index.html'), 'utf8'));
      expect((await fetch(`${url}other`)).status).toBe(404);
      const page = await openConsole(url);
      expect(await page.textContent('#status')).toContain('Values are valid');
      await page.close();
    } finally {
      child.kill();
    }
  }, BROWSER_TIMEOUT);

  test('no page asked for anything outside itself', () => {
    expect(outsideRequests).toEqual([]);
  });
});
