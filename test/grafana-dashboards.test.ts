import { GRAFANA_SCHEMA_VERSION, ISTIO_DASHBOARDS, istioDashboardFiles } from '../src/components/grafana-dashboards';

type Json = Record<string, any>;

const DATASOURCE_UID = 'test-prometheus-uid';

/**
 * Every metric a dashboard may query. Proxy metrics: istio.io/latest/docs/reference/config/metrics;
 * istiod metrics: istio/istio 1.30.3 monitoring.go files; process/go: Prometheus client default collectors.
 * A typo in a dashboard expression shows up as a name missing from this list.
 */
const ALLOWED_METRICS = new Set([
  'istio_requests_total',
  'istio_request_duration_milliseconds_bucket',
  'istio_request_bytes_bucket',
  'istio_response_bytes_bucket',
  'istio_tcp_sent_bytes_total',
  'istio_tcp_received_bytes_total',
  'pilot_info',
  'pilot_xds',
  'pilot_services',
  'pilot_virt_services',
  'pilot_xds_pushes',
  'pilot_push_triggers',
  'pilot_proxy_convergence_time_bucket',
  'pilot_xds_push_time_bucket',
  'pilot_total_xds_rejects',
  'pilot_total_xds_internal_errors',
  'pilot_xds_write_timeout',
  'pilot_xds_expired_nonce',
  'pilot_conflict_inbound_listener',
  'pilot_conflict_outbound_listener_tcp_over_current_tcp',
  'pilot_k8s_cfg_events',
  'sidecar_injection_requests_total',
  'sidecar_injection_success_total',
  'sidecar_injection_skip_total',
  'sidecar_injection_failure_total',
  'istiod_uptime_seconds',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'go_memstats_heap_inuse_bytes',
  'go_goroutines',
]);

/** Labels the dashboards may match or group on: Istio standard labels, istiod metric labels, scrape labels. */
const ALLOWED_LABELS = new Set([
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'destination_service',
  'destination_service_namespace',
  'destination_workload',
  'destination_workload_namespace',
  'response_code',
  'request_protocol',
  'connection_security_policy',
  'le',
  'type',
  'event',
  'version',
  'app',
  'pod',
]);

const ALLOWED_FUNCTIONS = new Set(['sum', 'max', 'min', 'rate', 'increase', 'histogram_quantile']);
const PANEL_TYPES = new Set(['row', 'timeseries', 'stat', 'table']);

/** Panels including those nested in collapsed rows. */
function panelsOf(dashboard: Json): Json[] {
  return (dashboard.panels as Json[]).flatMap((p) => [p, ...((p.panels as Json[] | undefined) ?? [])]);
}

function targetsOf(dashboard: Json): Json[] {
  return panelsOf(dashboard).flatMap((p) => (p.targets as Json[] | undefined) ?? []);
}

/** PromQL of panel targets plus the selector part of `label_values(...)` variable queries. */
function expressionsOf(dashboard: Json): string[] {
  const variableExprs = (dashboard.templating.list as Json[]).map((v) => {
    const match = /^label_values\((.*),\s*(\w+)\)$/.exec(v.query as string);
    if (match === null) throw new Error(`unexpected variable query ${v.query}`);
    return match[1];
  });
  return [...targetsOf(dashboard).map((t) => t.expr as string), ...variableExprs];
}

function stripStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

/** Splits an expression into metric names, function names and label names, ignoring string contents. */
function tokensOf(expr: string): { metrics: string[]; functions: string[]; labels: string[] } {
  let rest = stripStrings(expr);
  const labels: string[] = [];
  rest = rest.replace(/\{([^}]*)\}/g, (_, body: string) => {
    for (const m of body.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.push(m[1]);
    return '';
  });
  rest = rest.replace(/\b(?:by|without)\s*\(([^)]*)\)/g, (_, list: string) => {
    labels.push(...list.split(',').map((l) => l.trim()).filter((l) => l !== ''));
    return '';
  });
  rest = rest.replace(/\[[^\]]*\]/g, '');
  const metrics: string[] = [];
  const functions: string[] = [];
  for (const m of rest.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    (m[2] === undefined ? metrics : functions).push(m[1]);
  }
  return { metrics, functions, labels };
}

/** True when (), {} and [] nest properly outside string literals. */
function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  const stack: string[] = [];
  for (const ch of stripStrings(expr)) {
    if (ch === '(' || ch === '{' || ch === '[') stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0;
}

/** Every `{ type: 'prometheus', uid }` datasource reference anywhere in the model. */
function prometheusRefs(node: unknown): Json[] {
  if (Array.isArray(node)) return node.flatMap(prometheusRefs);
  if (node === null || typeof node !== 'object') return [];
  const obj = node as Json;
  const own = obj.datasource?.type === 'prometheus' ? [obj.datasource as Json] : [];
  return [...own, ...Object.values(obj).flatMap(prometheusRefs)];
}

const built = ISTIO_DASHBOARDS.map((d) => ({ entry: d, json: d.build(DATASOURCE_UID) as Json }));

describe('grafana dashboards', () => {
  test('the four expected dashboards exist with unique uids and file names', () => {
    // GIVEN the shipped dashboard list
    // WHEN titles, uids and file names are collected
    const titles = ISTIO_DASHBOARDS.map((d) => d.title);
    const uids = ISTIO_DASHBOARDS.map((d) => d.uid);
    const fileNames = ISTIO_DASHBOARDS.map((d) => d.fileName);

    // THEN all four are there, each uid/file name once, and the built model agrees with the entry
    expect(titles).toEqual(['Istio Mesh Overview', 'Istio Service', 'Istio Workload', 'Istio Control Plane']);
    expect(fileNames).toEqual(['istio-mesh.json', 'istio-service.json', 'istio-workload.json', 'istio-control-plane.json']);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(fileNames).size).toBe(fileNames.length);
    for (const { entry, json } of built) {
      expect(json.uid).toBe(entry.uid);
      expect(json.title).toBe(entry.title);
      expect(json.uid.length).toBeLessThanOrEqual(40); // Grafana's uid limit
      expect(json.schemaVersion).toBeGreaterThanOrEqual(39);
      expect(json.schemaVersion).toBe(GRAFANA_SCHEMA_VERSION);
    }
  });

  test.each(built.map((b) => [b.entry.fileName, b.json]))('%s serialises deterministically under 200 KB', (_, json) => {
    // GIVEN a built dashboard
    // WHEN it is serialised, and built again
    const text = JSON.stringify(json);
    const again = JSON.stringify(ISTIO_DASHBOARDS.find((d) => d.uid === (json as Json).uid)!.build(DATASOURCE_UID));

    // THEN it is small enough for a ConfigMap and byte-identical across builds
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThan(200 * 1024);
    expect(again).toBe(text);
  });

  test.each(built.map((b) => [b.entry.fileName, b.json]))('%s has unique panel ids and non-overlapping grid positions', (_, json) => {
    // GIVEN the dashboard's panels
    const panels = panelsOf(json as Json);

    // WHEN ids and rectangles are compared
    const ids = panels.map((p) => p.id);

    // THEN ids are unique, types are supported, and no two panels share a grid cell
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(PANEL_TYPES.has(p.type)).toBe(true);
      const { x, y, w, h } = p.gridPos;
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(w).toBeGreaterThan(0);
      expect(h).toBeGreaterThan(0);
      expect(x + w).toBeLessThanOrEqual(24);
    }
    for (let i = 0; i < panels.length; i++) {
      for (let j = i + 1; j < panels.length; j++) {
        const a = panels[i].gridPos;
        const b = panels[j].gridPos;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        if (overlap) throw new Error(`panels ${panels[i].id} and ${panels[j].id} overlap`);
      }
    }
  });

  test.each(built.map((b) => [b.entry.fileName, b.json]))('%s queries only the datasource uid passed in', (_, json) => {
    // GIVEN the dashboard built for DATASOURCE_UID
    const dashboard = json as Json;

    // WHEN every panel, target and variable datasource is inspected
    const dataPanels = panelsOf(dashboard).filter((p) => p.type !== 'row');
    const targets = targetsOf(dashboard);

    // THEN each one points at that uid, and nothing refers to a templated datasource
    expect(targets.length).toBeGreaterThan(0);
    for (const p of dataPanels) expect(p.datasource).toEqual({ type: 'prometheus', uid: DATASOURCE_UID });
    for (const t of targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: DATASOURCE_UID });
    for (const v of dashboard.templating.list as Json[]) expect(v.datasource).toEqual({ type: 'prometheus', uid: DATASOURCE_UID });
    for (const ref of prometheusRefs(dashboard)) expect(ref.uid).toBe(DATASOURCE_UID);
    expect(JSON.stringify(dashboard)).not.toContain('${datasource}');
  });

  test.each(built.map((b) => [b.entry.fileName, b.json]))('%s PromQL uses only allow-listed metrics, functions and labels', (_, json) => {
    // GIVEN every expression of the dashboard
    const exprs = expressionsOf(json as Json);
    expect(exprs.length).toBeGreaterThan(0);

    for (const expr of exprs) {
      // WHEN it is tokenised
      const { metrics, functions, labels } = tokensOf(expr);

      // THEN brackets balance and every name is known
      expect({ expr, balanced: balanced(expr) }).toEqual({ expr, balanced: true });
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) expect({ expr, metric: m, allowed: ALLOWED_METRICS.has(m) }).toEqual({ expr, metric: m, allowed: true });
      for (const f of functions) expect({ expr, fn: f, allowed: ALLOWED_FUNCTIONS.has(f) }).toEqual({ expr, fn: f, allowed: true });
      for (const l of labels) expect({ expr, label: l, allowed: ALLOWED_LABELS.has(l) }).toEqual({ expr, label: l, allowed: true });
    }
  });

  test.each(built.map((b) => [b.entry.fileName, b.json]))('%s references only variables it defines', (_, json) => {
    // GIVEN the dashboard's variables and expressions
    const dashboard = json as Json;
    const defined = new Set((dashboard.templating.list as Json[]).map((v) => v.name as string));

    // WHEN $variables are collected (Grafana's $__ built-ins excepted)
    const used = expressionsOf(dashboard).flatMap((e) => [...e.matchAll(/\$(\w+)/g)].map((m) => m[1]))
      .filter((name) => !name.startsWith('__'));

    // THEN each is a templating variable
    for (const name of used) expect({ name, defined: defined.has(name) }).toEqual({ name, defined: true });
  });

  test('the checker itself catches a misspelled metric and unbalanced brackets', () => {
    // GIVEN expressions with a typo and a missing parenthesis
    const typo = 'sum(rate(istio_request_total{reporter="destination"}[$__rate_interval]))';
    const unbalanced = 'sum(rate(istio_requests_total{reporter="destination"}[$__rate_interval])';

    // WHEN they are checked
    const { metrics, labels } = tokensOf(typo);

    // THEN the typo is not allow-listed and the missing bracket is reported
    expect(metrics).toEqual(['istio_request_total']);
    expect(ALLOWED_METRICS.has(metrics[0])).toBe(false);
    expect(labels).toEqual(['reporter']);
    expect(balanced(unbalanced)).toBe(false);
    expect(balanced('sum by (le) (x{a="(}"})')).toBe(true);
  });

  test('istioDashboardFiles serialises every dashboard by file name', () => {
    // GIVEN a datasource uid
    // WHEN the files are rendered
    const files = istioDashboardFiles(DATASOURCE_UID);

    // THEN there is one parseable JSON document per dashboard, matching build()
    expect(Object.keys(files)).toEqual(ISTIO_DASHBOARDS.map((d) => d.fileName));
    for (const d of ISTIO_DASHBOARDS) expect(JSON.parse(files[d.fileName])).toEqual(d.build(DATASOURCE_UID));
  });

  test('key golden-signal queries are present', () => {
    // GIVEN all expressions, per dashboard
    const exprs = Object.fromEntries(built.map((b) => [b.entry.fileName, expressionsOf(b.json).join('\n')]));

    // THEN each dashboard covers what it promises
    expect(exprs['istio-mesh.json']).toContain('response_code!~"5.."');
    expect(exprs['istio-mesh.json']).toContain('sum by (destination_service)');
    expect(exprs['istio-service.json']).toContain('histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination", destination_service="$service"}');
    expect(exprs['istio-service.json']).toContain('istio_request_bytes_bucket');
    expect(exprs['istio-service.json']).toContain('istio_response_bytes_bucket');
    expect(exprs['istio-service.json']).toContain('sum by (source_workload, source_workload_namespace)');
    expect(exprs['istio-workload.json']).toContain('reporter="destination", destination_workload_namespace="$namespace", destination_workload="$workload"');
    expect(exprs['istio-workload.json']).toContain('source_workload_namespace="$namespace", source_workload="$workload"');
    for (const metric of ['pilot_xds{', 'pilot_xds_pushes', 'pilot_proxy_convergence_time_bucket', 'pilot_xds_push_time_bucket',
      'pilot_total_xds_rejects', 'pilot_total_xds_internal_errors', 'pilot_conflict_inbound_listener', 'pilot_k8s_cfg_events',
      'sidecar_injection_success_total', 'sidecar_injection_failure_total', 'process_cpu_seconds_total', 'go_goroutines',
      'process_resident_memory_bytes']) {
      expect(exprs['istio-control-plane.json']).toContain(metric);
    }
  });
});
