import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ChartRenderer } from './support/helm';

/**
 * The renderer the chart tests use must behave like Helm where the chart relies on it. These cases
 * run against whichever renderer is in use (helm itself when it is on PATH).
 */
let chartDir: string;

function writeChart(templates: Record<string, string>, values: string, extraFiles: Record<string, string> = {}): void {
  fs.rmSync(chartDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(chartDir, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 1.2.3\nappVersion: "9.9"\n');
  fs.writeFileSync(path.join(chartDir, 'values.yaml'), values);
  for (const [name, text] of Object.entries(templates)) fs.writeFileSync(path.join(chartDir, 'templates', name), text);
  for (const [name, text] of Object.entries(extraFiles)) {
    fs.mkdirSync(path.dirname(path.join(chartDir, name)), { recursive: true });
    fs.writeFileSync(path.join(chartDir, name), text);
  }
}

function overlay(text: string): string {
  const file = path.join(chartDir, '..', `overlay-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  chartDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-render-')), 'probe');
});

describe(`chart renderer (${ChartRenderer.get().name})`, () => {
  test('values files coalesce: maps merge, lists replace, null removes', () => {
    // GIVEN
    writeChart({ 'cm.yaml': 'kind: ConfigMap\nmetadata: {name: v}\ndata: {{ toJson .Values }}\n' }, 'a: {b: 1, c: 2}\nlist: [1, 2]\ngone: x\n');

    // WHEN
    const result = ChartRenderer.get().render(chartDir, [overlay('a: {c: 3}\nlist: [9]\ngone: null\n')]);

    // THEN
    if (!result.ok) throw new Error(result.error);
    expect(result.documents[0].data).toEqual({ a: { b: 1, c: 3 }, list: [9] });
  });

  test('include, tpl, .Release, .Chart, .Capabilities and .Files work; _ files are not rendered', () => {
    // GIVEN
    writeChart({
      '_helpers.tpl': '{{- define "probe.name" -}}{{ .Chart.Name }}-{{ .Release.Name }}{{- end -}}',
      'cm.yaml': [
        'kind: ConfigMap',
        'metadata: {name: {{ include "probe.name" . }}}',
        'data:',
        '  tpl: {{ tpl "{{ .Values.x }}-y" . | toJson }}',
        '  kube: {{ .Capabilities.KubeVersion.Version | toJson }}',
        '  app: {{ .Chart.AppVersion | toJson }}',
        '  namespace: {{ .Release.Namespace | toJson }}',
        '  file: {{ .Files.Get "files/hello.txt" | toJson }}',
      ].join('\n'),
    }, 'x: value\n', { 'files/hello.txt': 'hello' });

    // WHEN
    const result = ChartRenderer.get().render(chartDir);

    // THEN
    if (!result.ok) throw new Error(result.error);
    expect(result.documents).toHaveLength(1);
    expect(result.documents[0].metadata.name).toBe('probe-istio');
    expect(result.documents[0].data).toMatchObject({ tpl: 'value-y', app: '9.9', namespace: 'istio-system', file: 'hello' });
    expect(result.documents[0].data.kube).toMatch(/^v1\.\d+/);
  });

  test('fail and required stop the render with their message', () => {
    // GIVEN
    writeChart({ 'x.yaml': '{{- if .Values.bad }}{{ fail "bad: must be false, got true" }}{{ end }}\nkind: A\nmetadata: {name: {{ required "name is required" .Values.name }}}\n' }, 'bad: false\nname: ""\n');

    // WHEN
    const missing = ChartRenderer.get().render(chartDir);
    const bad = ChartRenderer.get().render(chartDir, [overlay('bad: true\nname: n\n')]);

    // THEN
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toContain('name is required');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain('bad: must be false, got true');
  });

  test('missing values render as empty, documents split on ---, empty documents dropped', () => {
    // GIVEN
    writeChart({ 'two.yaml': '---\nkind: A\nmetadata: {name: a}\nv: "{{ .Values.nothing }}"\n---\n---\nkind: B\nmetadata: {name: b}\n' }, '{}\n');

    // WHEN
    const result = ChartRenderer.get().render(chartDir);

    // THEN
    if (!result.ok) throw new Error(result.error);
    expect(result.documents.map((d) => d.kind)).toEqual(['A', 'B']);
    expect(result.documents[0].v).toBe('');
  });
});
