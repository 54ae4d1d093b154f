import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { Browser, Page } from 'playwright-core';
import { renderChart } from '../src/outputs/chart';
import { resolveValues } from '../src/values/resolve';
import { CHROMIUM_LAUNCH, SCREENSHOTS, browserAvailable, bundleFormPage, formPageHtml } from './support/form-page';
import { HELMS, writeChartFolder } from './support/helm';
import { helmObjects, objectDifferences, synthObjects } from './support/parity';

/**
 * charts/istio/values.schema.json in the form renderers that show it: react-jsonschema-form 4.2.3 (as
 * OpenShift's console pins it) and 6.11.1 (the current major), in Debian's chromium. What a user sees:
 * every control labelled with the model's title, no "Unsupported field" box, the chart's defaults
 * valid, a bad node port flagged at its field, and the ACK console's fields, filled in the form, give
 * values that real Helm renders exactly as the CLI synthesises them.
 */

// Functions run in the page by page.evaluate: DOM globals, typed loosely (the project compiles without the DOM lib).
declare const document: any;
declare const window: any;
declare const CSS: any;

const files = renderChart();
const schema = JSON.parse(files.get('values.schema.json') as string);
const chartDefaults = yaml.load(files.get('values.yaml') as string) as Record<string, unknown>;

/** Every title and property key of the schema. */
function schemaTitlesAndKeys(): { titles: Set<string>; keys: Set<string> } {
  const titles = new Set<string>();
  const keys = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'title' && typeof value === 'string') titles.add(value);
        if (key === 'properties' && value !== null && typeof value === 'object') Object.keys(value).forEach((name) => keys.add(name));
        visit(value);
      }
    }
  };
  visit(schema);
  return { titles, keys };
}

/** What the form shows for each input, select and textarea: id, type, label text, bounds, options. */
async function controls(page: Page): Promise<Array<{ id: string; type: string; label: string | null; min: string | null; max: string | null; options: string[] }>> {
  return page.evaluate(() => [...document.querySelectorAll('#root input, #root select, #root textarea')].map((control) => {
    const element = control as any;
    const byFor = element.id ? document.querySelector(`label[for="${CSS.escape(element.id)}"]`) : null;
    const label = byFor ?? element.closest('label');
    const options = element.tagName === 'SELECT' ? [...element.options].map((option: any) => option.text) : [];
    return { id: element.id, type: element.type, label: label ? (label.textContent ?? '').replace(/\*$/, '').trim() : null, min: element.getAttribute('min'), max: element.getAttribute('max'), options };
  }));
}

/** Clicks the "add item" button of the list whose fieldset has `id` (not that of a nested list). */
async function addItem(page: Page, id: string): Promise<void> {
  const clicked = await page.evaluate((listId) => {
    const list = document.getElementById(listId);
    const button = [...(list?.querySelectorAll('button') ?? [])]
      .filter((candidate) => /add/i.test(`${candidate.className} ${candidate.getAttribute('aria-label') ?? ''} ${candidate.title}`))
      .find((candidate) => candidate.closest('fieldset') === list);
    button?.click();
    return button !== undefined;
  }, id);
  expect({ id, clicked }).toEqual({ id, clicked: true });
}

/** The error text the form shows next to a field. */
async function fieldErrorText(page: Page, id: string): Promise<string> {
  return page.evaluate((fieldId) => {
    const field = document.getElementById(fieldId);
    const group = field?.closest('.form-group, .field');
    return [...(group?.querySelectorAll('.error-detail, .text-danger, [class*="error"]') ?? [])].map((node) => node.textContent).join(' ');
  }, id);
}

/** An errors list's property paths in dotted form (`.a.b.0.c`), whatever bracket style the renderer uses. */
function dottedProperty(property: string): string {
  return property.replace(/\[(\d+)\]/g, '.$1').replace(/\['([^']+)'\]/g, '.$1');
}

const RENDERERS = [['rjsf 4.2.3', 'rjsf4-page.js'], ['rjsf 6.11.1', 'rjsf6-page.js']] as const;
const run = browserAvailable() ? describe : describe.skip;

run.each(RENDERERS)('values.schema.json rendered by %s in chromium', (renderer, entry) => {
  let browser: Browser;
  let bundle: string;
  let workdir: string;
  let chartDir: string;
  const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `form-${entry.replace('-page.js', '')}-${name}.png`), fullPage: false });

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    bundle = await bundleFormPage(entry);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch(CHROMIUM_LAUNCH);
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-forms-'));
    chartDir = path.join(workdir, 'istio');
    writeChartFolder(chartDir, files);
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(workdir, { recursive: true, force: true });
  });

  async function openForm(formData: unknown): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.setContent(formPageHtml(bundle, schema, formData));
    await page.waitForSelector('#root_addons_prometheus_enabled');
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate(() => window.formPage.renderer)).toBe(renderer);
    return page;
  }

  test('every control is labelled with its title, none is unsupported, choices have names, bounds reach the inputs', async () => {
    // GIVEN the form with the chart defaults
    const page = await openForm(chartDefaults);
    await screenshot(page, 'defaults');

    // WHEN
    const shown = await controls(page);
    const text = await page.evaluate(() => document.body.innerText);

    // THEN no "Unsupported field" box, and every control's label is a title of the schema, never a raw key
    expect(text).not.toContain('Unsupported field');
    expect(shown.length).toBeGreaterThan(140);
    const { titles, keys } = schemaTitlesAndKeys();
    const unlabelled = shown.filter((control) => !control.label || !titles.has(control.label)).map((control) => `${control.id}: ${control.label}`);
    expect(unlabelled).toEqual([]);
    expect(shown.filter((control) => keys.has(control.label!) && !titles.has(control.label!)).map((control) => control.label)).toEqual([]);
    expect(shown.filter((control) => /^item/i.test(control.label!))).toEqual([]);
    const label = (id: string) => shown.find((control) => control.id === id)?.label;
    expect(label('root_gateways_ingress_0_gatewayName')).toBe('Gateway name');
    expect(label('root_gateways_ingress_0_replicaCount')).toBe('Replicas');
    expect(label('root_gateways_ingress_0_ports_1_nodePort')).toBe('Node port');
    // choices: the "" of global.variant and global.platform has a name
    const variant = shown.find((control) => control.id === 'root_global_variant')!;
    expect(variant.options).toEqual(['Default image', 'Distroless', 'Debug']);
    expect(shown.find((control) => control.id === 'root_global_platform')!.options).toContain('None (generic Kubernetes)');
    // optional integers keep the browser's bounds
    const nodePort = shown.find((control) => control.id === 'root_gateways_ingress_0_ports_1_nodePort')!;
    expect([nodePort.type, nodePort.min, nodePort.max]).toEqual(['number', '30000', '32767']);
    // tolerations are typed lists: adding one shows labelled fields
    await addItem(page, 'root_istiod_tolerations');
    const afterAdd = await controls(page);
    expect(afterAdd.filter((control) => control.id.startsWith('root_istiod_tolerations_0_')).map((control) => control.label))
      .toEqual(['Taint key', 'Operator', 'Taint value', 'Effect', 'Toleration seconds']);
    await page.close();
  });

  test('the chart defaults validate; the form starts from the schema defaults without errors', async () => {
    const page = await openForm(chartDefaults);
    expect(await page.evaluate(() => window.formPage.errors())).toEqual([]);
    await page.close();
    const blank = await openForm(undefined);
    expect(await blank.evaluate(() => window.formPage.errors())).toEqual([]);
    // what the form fills in from the schema is what the chart defaults to
    const filled = await blank.evaluate(() => window.formPage.formData());
    expect(resolveValues([{ source: 'form', values: filled }])).toEqual(resolveValues([]));
    await blank.close();
  });

  test('nodePort 80 is flagged at its field', async () => {
    // GIVEN
    const page = await openForm(chartDefaults);

    // WHEN the user types 80 as the https node port of a NodePort gateway
    await page.selectOption('#root_gateways_ingress_0_serviceType', { label: 'NodePort' });
    await page.fill('#root_gateways_ingress_0_ports_1_nodePort', '80');
    await page.locator('#root_gateways_ingress_0_ports_1_nodePort').blur();
    await page.locator('#root_gateways_ingress_0_ports_1_nodePort').scrollIntoViewIfNeeded();
    await screenshot(page, 'nodeport-80');

    // THEN
    const errors = (await page.evaluate(() => window.formPage.errors())) as Array<{ property: string; message: string }>;
    expect(errors.map((error) => dottedProperty(error.property))).toEqual(['.gateways.ingress.0.ports.1.nodePort']);
    expect(errors[0].message).toContain('30000');
    expect(await fieldErrorText(page, 'root_gateways_ingress_0_ports_1_nodePort')).toContain('30000');
    await page.close();
  });

  test('the ACK console fields filled in the form render with Helm exactly as the CLI', async () => {
    // GIVEN the form with the chart defaults
    const page = await openForm(chartDefaults);

    // WHEN the user fills the ACK sections (seed 002): Prometheus, Grafana, Kiali with a users Secret,
    // Jaeger with 50% sampling, a permitted range, and a second ingress gateway on node port 31380
    await page.check('#root_addons_prometheus_enabled');
    await page.check('#root_addons_grafana_enabled');
    await page.check('#root_addons_kiali_enabled');
    await page.selectOption('#root_addons_kiali_auth_strategy', { label: 'User name and password' });
    await page.fill('#root_addons_kiali_auth_basic_htpasswdSecret_name', 'kiali-users');
    await page.check('#root_addons_jaeger_enabled');
    await page.fill('#root_tracing_sampling', '50');
    await addItem(page, 'root_trafficCapture_excludeIPRanges');
    await page.fill('#root_trafficCapture_excludeIPRanges_0', '10.0.0.0/8');
    await addItem(page, 'root_gateways_ingress');
    await page.fill('#root_gateways_ingress_1_gatewayName', 'ingressgateway-internal');
    await page.selectOption('#root_gateways_ingress_1_serviceType', { label: 'NodePort' });
    await page.fill('#root_gateways_ingress_1_ports_1_nodePort', '31380');
    await page.locator('#root_gateways_ingress_1_ports_1_nodePort').blur();
    await page.locator('#root_addons_kiali_enabled').scrollIntoViewIfNeeded();
    await screenshot(page, 'ack-filled');
    const formData = await page.evaluate(() => window.formPage.formData());
    const errors = await page.evaluate(() => window.formPage.errors());
    await page.close();

    // THEN the form has no errors, the values are what the user chose, and Helm renders them as the CLI does
    expect(errors).toEqual([]);
    const resolved = resolveValues([{ source: 'form', values: formData }]);
    expect(resolved.addons.kiali.auth).toMatchObject({ strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' } } });
    expect([resolved.tracing.sampling, resolved.trafficCapture.excludeIPRanges]).toEqual([50, ['10.0.0.0/8']]);
    expect(resolved.gateways.ingress.map((gateway) => [gateway.gatewayName, gateway.serviceType, gateway.ports[1].nodePort]))
      .toEqual([['ingressgateway', 'LoadBalancer', undefined], ['ingressgateway-internal', 'NodePort', 31380]]);
    const valuesFile = path.join(workdir, `ack-${entry}.json`);
    fs.writeFileSync(valuesFile, JSON.stringify(formData, null, 2));
    const synth = synthObjects('default', formData);
    const results = await Promise.all(HELMS.map((helm) => helm.templateAsync(chartDir, [valuesFile])));
    for (const [index, result] of results.entries()) {
      if (!result.ok) throw new Error(`${HELMS[index].name}: ${result.error}`);
      expect(objectDifferences(helmObjects(result.text), synth)).toEqual([]);
    }
    expect(objectDifferences(synth, synthObjects('default'))).not.toEqual([]);
  });
});
