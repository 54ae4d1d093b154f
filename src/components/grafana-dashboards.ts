/**
 * Grafana dashboards for an Istio 1.30 mesh, written for istio-pack from Istio's documented metric names.
 *
 * They are deliberately not derived from upstream's `manifests/addons/dashboards`: every panel is declared
 * here as a small spec (title, unit, PromQL) and laid out by {@link buildDashboard}, so the JSON is ours and
 * is deterministic (sequential panel ids, computed grid positions, literal key order).
 *
 * Metric sources:
 * - proxy metrics (`istio_requests_total`, `istio_request_duration_milliseconds`, ...) and their labels:
 *   https://istio.io/latest/docs/reference/config/metrics/
 * - istiod metrics: istio/istio 1.30.3 `pilot/pkg/xds/monitoring.go`, `pkg/xds/monitoring.go`,
 *   `pilot/pkg/model/push_context.go`, `pilot/pkg/config/kube/crdclient/metrics.go`,
 *   `pkg/kube/inject/monitoring.go`, `pilot/pkg/bootstrap/monitoring.go`. istiod exports them without a
 *   `_total` suffix (`WithoutCounterSuffixes` in `pkg/monitoring/monitoring.go`), so names are used verbatim.
 * - `process_*` / `go_*` come from the Prometheus client's default registry, which istiod serves on :15014.
 */

/** A dashboard istio-pack ships: where to write it and how to build its Grafana JSON model. */
export interface GrafanaDashboard {
  /** File name inside the dashboards ConfigMap / provisioning directory. */
  readonly fileName: string;
  /** Dashboard title as shown in Grafana. */
  readonly title: string;
  /** Stable dashboard uid, so links and provisioning updates survive re-imports. */
  readonly uid: string;
  /** Builds the dashboard JSON model; every query targets the Prometheus datasource with this uid. */
  readonly build: (datasourceUid: string) => Record<string, unknown>;
}

/** Datasource uid used when the caller does not name one (Grafana's provisioned Prometheus is often `prometheus`). */
export const DEFAULT_PROMETHEUS_DATASOURCE_UID = 'prometheus';

/** Grafana dashboard JSON schema version; 39 is Grafana 10.3+/11 and is migrated forward by Grafana 12. */
export const GRAFANA_SCHEMA_VERSION = 39;

const GRID_WIDTH = 24;

// Client-side reports come from sidecars (`source`) or, in ambient mode, from waypoints (`waypoint`).
const CLIENT = 'reporter=~"source|waypoint"';
const SERVER = 'reporter="destination"';
const RATE_WINDOW = '[$__rate_interval]';
const NOT_5XX = 'response_code!~"5.."';
const PERCENTILES: ReadonlyArray<readonly [string, string]> = [['0.50', 'P50'], ['0.90', 'P90'], ['0.99', 'P99']];
// Panels that overlay two histograms keep only the median and the tail so the legend stays readable.
const MEDIAN_AND_TAIL = PERCENTILES.filter(([, name]) => name !== 'P90');

// Pod-annotation scraping (prometheus.io/scrape on the istiod pod) maps pod labels, so `app="istiod"` selects istiod.
const ISTIOD = 'app="istiod", pod=~"$pod"';

/** One PromQL query of a panel; `refId` names table columns (`Value #<refId>`). */
interface Query {
  readonly expr: string;
  readonly legend?: string;
  readonly refId?: string;
}

/** Extra column settings for a table panel, keyed by the query refId. */
interface TableColumn {
  readonly refId: string;
  readonly name: string;
  readonly unit: string;
}

interface Threshold {
  readonly color: string;
  readonly value: number | null;
}

interface PanelSpec {
  readonly kind: 'timeseries' | 'stat' | 'table';
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly w: number;
  readonly h: number;
  readonly queries: ReadonlyArray<Query>;
  readonly min?: number;
  readonly max?: number;
  readonly thresholds?: ReadonlyArray<Threshold>;
  readonly columns?: ReadonlyArray<TableColumn>;
  readonly labelColumns?: Readonly<Record<string, string>>;
}

interface Section {
  readonly title: string;
  readonly panels: ReadonlyArray<PanelSpec>;
}

interface VariableSpec {
  readonly name: string;
  readonly label: string;
  readonly query: string;
  readonly includeAll?: boolean;
}

interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: ReadonlyArray<VariableSpec>;
  readonly sections: ReadonlyArray<Section>;
}

// ---------------------------------------------------------------------------------------------------------------
// PromQL helpers
// ---------------------------------------------------------------------------------------------------------------

/** Joins label matchers, skipping empty ones. */
function sel(...matchers: string[]): string {
  return matchers.filter((m) => m !== '').join(', ');
}

function sumBy(by: string | undefined, inner: string): string {
  return by === undefined ? `sum(${inner})` : `sum by (${by}) (${inner})`;
}

/** `sum [by (...)] (rate(metric{selector}[$__rate_interval]))`. */
function sumRate(metric: string, selector: string, by?: string): string {
  return sumBy(by, `rate(${metric}{${selector}}${RATE_WINDOW})`);
}

/** Share of requests that did not answer 5xx; 4xx are the caller's fault and count as successes. */
function successRate(selector: string, by?: string): string {
  return `${sumRate('istio_requests_total', sel(selector, NOT_5XX), by)} / ${sumRate('istio_requests_total', selector, by)}`;
}

/** `histogram_quantile` over a `_bucket` series, keeping `by` labels next to `le`. */
function quantile(q: string, bucket: string, selector: string, by?: string): string {
  const keep = by === undefined ? 'le' : `le, ${by}`;
  return `histogram_quantile(${q}, sum by (${keep}) (rate(${bucket}{${selector}}${RATE_WINDOW})))`;
}

/** Percentile queries of one histogram (P50/P90/P99 by default), legends prefixed so several sets can share a panel. */
function percentiles(bucket: string, selector: string, prefix = '', which = PERCENTILES): Query[] {
  return which.map(([q, name]) => ({ expr: quantile(q, bucket, selector), legend: `${prefix}${name}` }));
}

// ---------------------------------------------------------------------------------------------------------------
// Panel spec helpers
// ---------------------------------------------------------------------------------------------------------------

const HEALTHY_RATIO_THRESHOLDS: ReadonlyArray<Threshold> = [
  { color: 'red', value: null },
  { color: 'orange', value: 0.95 },
  { color: 'green', value: 0.99 },
];

const ERROR_THRESHOLDS: ReadonlyArray<Threshold> = [
  { color: 'green', value: null },
  { color: 'red', value: 1 },
];

function stat(title: string, description: string, unit: string, expr: string, thresholds?: ReadonlyArray<Threshold>): PanelSpec {
  return { kind: 'stat', title, description, unit, w: 4, h: 4, queries: [{ expr }], thresholds };
}

function series(title: string, description: string, unit: string, queries: ReadonlyArray<Query>, w = 12): PanelSpec {
  // Ratios are clamped so a flat 100% line does not get an auto-scaled axis.
  const bounds = unit === 'percentunit' ? { min: 0, max: 1 } : { min: 0 };
  return { kind: 'timeseries', title, description, unit, w, h: 8, queries, ...bounds };
}

function table(
  title: string,
  description: string,
  labelColumns: Readonly<Record<string, string>>,
  columns: ReadonlyArray<TableColumn & { readonly expr: string }>,
): PanelSpec {
  return {
    kind: 'table',
    title,
    description,
    unit: 'short',
    w: GRID_WIDTH,
    h: 10,
    queries: columns.map((c) => ({ expr: c.expr, refId: c.refId })),
    columns: columns.map(({ refId, name, unit }) => ({ refId, name, unit })),
    labelColumns,
  };
}

/** Table columns rps / success / P50 / P90 / P99 for `istio_requests_total` grouped by `by`. */
function goldenColumns(selector: string, by: string): Array<TableColumn & { readonly expr: string }> {
  return [
    { refId: 'rps', name: 'Requests/s', unit: 'reqps', expr: sumRate('istio_requests_total', selector, by) },
    { refId: 'success', name: 'Success rate', unit: 'percentunit', expr: successRate(selector, by) },
    ...PERCENTILES.map(([q, name]) => ({
      refId: name.toLowerCase(),
      name: `${name} latency`,
      unit: 'ms',
      expr: quantile(q, 'istio_request_duration_milliseconds_bucket', selector, by),
    })),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// JSON model builders
// ---------------------------------------------------------------------------------------------------------------

function datasourceRef(uid: string): Record<string, string> {
  return { type: 'prometheus', uid };
}

function target(query: Query, index: number, uid: string, instant: boolean): Record<string, unknown> {
  return {
    datasource: datasourceRef(uid),
    editorMode: 'code',
    expr: query.expr,
    format: instant ? 'table' : 'time_series',
    instant,
    legendFormat: query.legend ?? '__auto',
    range: !instant,
    refId: query.refId ?? String.fromCharCode(65 + index),
  };
}

function thresholdsOf(spec: PanelSpec): Record<string, unknown> {
  const steps = spec.thresholds ?? [{ color: 'green', value: null }];
  return { mode: 'absolute', steps: steps.map((s) => ({ ...s })) };
}

function fieldDefaults(spec: PanelSpec): Record<string, unknown> {
  const defaults: Record<string, unknown> = { unit: spec.unit };
  if (spec.min !== undefined) defaults.min = spec.min;
  if (spec.max !== undefined) defaults.max = spec.max;
  if (spec.kind === 'timeseries') {
    defaults.color = { mode: 'palette-classic' };
    defaults.custom = {
      drawStyle: 'line',
      fillOpacity: 10,
      lineInterpolation: 'linear',
      lineWidth: 1,
      showPoints: 'never',
      spanNulls: false,
    };
  } else if (spec.kind === 'stat') {
    defaults.color = { mode: 'thresholds' };
    defaults.decimals = spec.unit === 'percentunit' ? 2 : undefined;
  } else {
    defaults.custom = { align: 'auto', cellOptions: { type: 'auto' }, inspect: false };
  }
  defaults.mappings = [];
  defaults.thresholds = thresholdsOf(spec);
  // Drop keys left undefined so the serialised JSON stays minimal and stable.
  return Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined));
}

function panelOptions(spec: PanelSpec): Record<string, unknown> {
  switch (spec.kind) {
    case 'timeseries':
      return {
        legend: { calcs: ['mean', 'max'], displayMode: 'table', placement: 'bottom', showLegend: true },
        tooltip: { mode: 'multi', sort: 'desc' },
      };
    case 'stat':
      return {
        colorMode: 'value',
        graphMode: 'area',
        justifyMode: 'auto',
        orientation: 'auto',
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        showPercentChange: false,
        textMode: 'auto',
        wideLayout: true,
      };
    case 'table':
      return {
        cellHeight: 'sm',
        footer: { countRows: false, fields: '', reducer: ['sum'], show: false },
        showHeader: true,
        sortBy: [{ desc: true, displayName: spec.columns?.[0]?.name ?? '' }],
      };
  }
}

function tableOverrides(spec: PanelSpec): Array<Record<string, unknown>> {
  const values = (spec.columns ?? []).map((c) => ({
    matcher: { id: 'byName', options: `Value #${c.refId}` },
    properties: [
      { id: 'displayName', value: c.name },
      { id: 'unit', value: c.unit },
      { id: 'decimals', value: 2 },
    ],
  }));
  const labels = Object.entries(spec.labelColumns ?? {}).map(([label, name]) => ({
    matcher: { id: 'byName', options: label },
    properties: [{ id: 'displayName', value: name }],
  }));
  return [...labels, ...values];
}

function panel(spec: PanelSpec, id: number, gridPos: Record<string, number>, uid: string): Record<string, unknown> {
  const instant = spec.kind === 'table';
  const json: Record<string, unknown> = {
    id,
    type: spec.kind,
    title: spec.title,
    description: spec.description,
    datasource: datasourceRef(uid),
    gridPos,
    fieldConfig: { defaults: fieldDefaults(spec), overrides: spec.kind === 'table' ? tableOverrides(spec) : [] },
    options: panelOptions(spec),
    targets: spec.queries.map((q, i) => target(q, i, uid, instant)),
  };
  if (instant) {
    // One instant query per column: merge them into rows keyed by the grouping labels, then hide the timestamp.
    json.transformations = [
      { id: 'merge', options: {} },
      { id: 'organize', options: { excludeByName: { Time: true }, indexByName: {}, renameByName: {} } },
    ];
  }
  return json;
}

function rowPanel(title: string, id: number, y: number): Record<string, unknown> {
  return { id, type: 'row', title, collapsed: false, gridPos: { h: 1, w: GRID_WIDTH, x: 0, y }, panels: [] };
}

/** Lays sections out top to bottom: a row header, then panels left to right, wrapping at 24 columns. */
function layout(sections: ReadonlyArray<Section>, uid: string): Array<Record<string, unknown>> {
  const panels: Array<Record<string, unknown>> = [];
  let nextId = 1;
  let y = 0;
  for (const section of sections) {
    panels.push(rowPanel(section.title, nextId++, y));
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const spec of section.panels) {
      if (x + spec.w > GRID_WIDTH) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      panels.push(panel(spec, nextId++, { h: spec.h, w: spec.w, x, y }, uid));
      x += spec.w;
      lineHeight = Math.max(lineHeight, spec.h);
    }
    y += lineHeight;
  }
  return panels;
}

function variable(spec: VariableSpec, uid: string): Record<string, unknown> {
  const includeAll = spec.includeAll ?? false;
  return {
    name: spec.name,
    label: spec.label,
    type: 'query',
    datasource: datasourceRef(uid),
    definition: spec.query,
    query: spec.query,
    refresh: 2, // re-query on time-range change so new namespaces/workloads appear
    regex: '',
    sort: 1,
    multi: includeAll,
    includeAll,
    ...(includeAll ? { allValue: '.+' } : {}),
    current: {},
    options: [],
    hide: 0,
    skipUrlSync: false,
  };
}

/** Turns a dashboard spec into a Grafana JSON model bound to one Prometheus datasource. */
function buildDashboard(spec: DashboardSpec, uid: string): Record<string, unknown> {
  return {
    annotations: {
      list: [{
        builtIn: 1,
        datasource: { type: 'grafana', uid: '-- Grafana --' },
        enable: true,
        hide: true,
        iconColor: 'rgba(0, 211, 255, 1)',
        name: 'Annotations & Alerts',
        type: 'dashboard',
      }],
    },
    description: spec.description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [{
      asDropdown: true,
      includeVars: false,
      keepTime: true,
      tags: ['istio-pack'],
      targetBlank: false,
      title: 'Istio dashboards',
      type: 'dashboards',
    }],
    panels: layout(spec.sections, uid),
    refresh: '30s',
    schemaVersion: GRAFANA_SCHEMA_VERSION,
    tags: ['istio', 'istio-pack'],
    templating: { list: spec.variables.map((v) => variable(v, uid)) },
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: spec.title,
    uid: spec.uid,
    version: 1,
    weekStart: '',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Dashboards
// ---------------------------------------------------------------------------------------------------------------

function meshSpec(): DashboardSpec {
  const all = 'istio_requests_total';
  return {
    uid: 'istio-pack-mesh',
    title: 'Istio Mesh Overview',
    description: 'Mesh-wide request volume, success rate and per-service golden signals (client-side reports).',
    variables: [],
    sections: [
      {
        title: 'Global traffic',
        panels: [
          stat('Request volume', 'HTTP/gRPC requests per second across the mesh.', 'reqps', sumRate(all, CLIENT)),
          stat('Success rate', 'Share of requests not answered with 5xx.', 'percentunit', successRate(CLIENT), HEALTHY_RATIO_THRESHOLDS),
          stat('4xx rate', 'Requests per second answered with 4xx.', 'reqps', sumRate(all, sel(CLIENT, 'response_code=~"4.."'))),
          stat('5xx rate', 'Requests per second answered with 5xx.', 'reqps', sumRate(all, sel(CLIENT, 'response_code=~"5.."')), ERROR_THRESHOLDS),
          stat(
            'mTLS share',
            'Share of inbound requests received over mutual TLS (only the server side knows the policy).',
            'percentunit',
            `${sumRate(all, sel(SERVER, 'connection_security_policy="mutual_tls"'))} / ${sumRate(all, SERVER)}`,
            HEALTHY_RATIO_THRESHOLDS,
          ),
          stat(
            'TCP throughput',
            'Bytes per second sent and received over TCP connections.',
            'Bps',
            `${sumRate('istio_tcp_sent_bytes_total', SERVER)} + ${sumRate('istio_tcp_received_bytes_total', SERVER)}`,
          ),
          series('Requests by response class', 'Requests per second split by response code class.', 'reqps',
            ['2', '3', '4', '5'].map((c) => ({ expr: sumRate(all, sel(CLIENT, `response_code=~"${c}.."`)), legend: `${c}xx` }))),
          series('Success rate', 'Mesh-wide share of non-5xx responses.', 'percentunit', [{ expr: successRate(CLIENT), legend: 'success' }]),
          series('Request duration', 'Mesh-wide request duration percentiles seen by clients.', 'ms',
            percentiles('istio_request_duration_milliseconds_bucket', CLIENT)),
          series('Requests by protocol and security policy', 'Inbound requests per second by protocol and connection security.', 'reqps',
            [{ expr: sumRate(all, SERVER, 'request_protocol, connection_security_policy'), legend: '{{request_protocol}} / {{connection_security_policy}}' }]),
        ],
      },
      {
        title: 'Services',
        panels: [
          table('HTTP/gRPC services', 'Golden signals per destination service, as seen by its clients.',
            { destination_service: 'Service' }, goldenColumns(CLIENT, 'destination_service')),
          table('TCP services', 'TCP throughput per destination service.', { destination_service: 'Service' }, [
            { refId: 'sent', name: 'Bytes sent/s', unit: 'Bps', expr: sumRate('istio_tcp_sent_bytes_total', SERVER, 'destination_service') },
            { refId: 'received', name: 'Bytes received/s', unit: 'Bps', expr: sumRate('istio_tcp_received_bytes_total', SERVER, 'destination_service') },
          ]),
        ],
      },
    ],
  };
}

function serviceSpec(): DashboardSpec {
  const svc = 'destination_service="$service"';
  const client = sel(CLIENT, svc);
  const server = sel(SERVER, svc);
  const bySource = 'source_workload, source_workload_namespace';
  const sourceLegend = '{{source_workload}}.{{source_workload_namespace}}';
  return {
    uid: 'istio-pack-service',
    title: 'Istio Service',
    description: 'Golden signals of one service, from its clients (source/waypoint) and its servers (destination).',
    variables: [
      { name: 'namespace', label: 'Namespace', query: 'label_values(istio_requests_total, destination_service_namespace)' },
      { name: 'service', label: 'Service', query: 'label_values(istio_requests_total{destination_service_namespace="$namespace"}, destination_service)' },
    ],
    sections: [
      {
        title: 'Overview',
        panels: [
          stat('Client request volume', 'Requests per second reported by callers.', 'reqps', sumRate('istio_requests_total', client)),
          stat('Server request volume', 'Requests per second reported by the service\'s proxies.', 'reqps', sumRate('istio_requests_total', server)),
          stat('Client success rate', 'Share of non-5xx responses seen by callers.', 'percentunit', successRate(client), HEALTHY_RATIO_THRESHOLDS),
          stat('Server success rate', 'Share of non-5xx responses sent by the service.', 'percentunit', successRate(server), HEALTHY_RATIO_THRESHOLDS),
          stat('Server P99 latency', 'P99 request duration measured at the service.', 'ms',
            quantile('0.99', 'istio_request_duration_milliseconds_bucket', server)),
          stat('TCP received', 'TCP bytes per second received by the service.', 'Bps', sumRate('istio_tcp_received_bytes_total', server)),
        ],
      },
      {
        title: 'Client and server',
        panels: [
          series('Request volume', 'Requests per second by reporter and protocol.', 'reqps', [
            { expr: sumRate('istio_requests_total', client, 'request_protocol'), legend: 'client {{request_protocol}}' },
            { expr: sumRate('istio_requests_total', server, 'request_protocol'), legend: 'server {{request_protocol}}' },
          ]),
          series('Success rate', 'Share of non-5xx responses by reporter.', 'percentunit', [
            { expr: successRate(client), legend: 'client' },
            { expr: successRate(server), legend: 'server' },
          ]),
          series('Request duration', 'Request duration percentiles; the client-server gap is network and proxy time.', 'ms', [
            ...percentiles('istio_request_duration_milliseconds_bucket', client, 'client '),
            ...percentiles('istio_request_duration_milliseconds_bucket', server, 'server '),
          ]),
          series('Responses by code', 'Responses per second by HTTP/gRPC response code, server side.', 'reqps',
            [{ expr: sumRate('istio_requests_total', server, 'response_code'), legend: '{{response_code}}' }]),
          series('Request size', 'HTTP request body size percentiles, server side.', 'decbytes',
            percentiles('istio_request_bytes_bucket', server)),
          series('Response size', 'HTTP response body size percentiles, server side.', 'decbytes',
            percentiles('istio_response_bytes_bucket', server)),
          series('TCP bytes', 'TCP bytes per second received and sent by the service.', 'Bps', [
            { expr: sumRate('istio_tcp_received_bytes_total', server), legend: 'received' },
            { expr: sumRate('istio_tcp_sent_bytes_total', server), legend: 'sent' },
          ], GRID_WIDTH),
        ],
      },
      {
        title: 'Incoming by source workload',
        panels: [
          series('Incoming requests by source workload', 'Requests per second received, by calling workload.', 'reqps',
            [{ expr: sumRate('istio_requests_total', server, bySource), legend: sourceLegend }]),
          series('Incoming success rate by source workload', 'Share of non-5xx responses, by calling workload.', 'percentunit',
            [{ expr: successRate(server, bySource), legend: sourceLegend }]),
          series('Incoming P99 latency by source workload', 'P99 request duration, by calling workload.', 'ms',
            [{ expr: quantile('0.99', 'istio_request_duration_milliseconds_bucket', server, bySource), legend: sourceLegend }]),
          series('Incoming requests by security policy', 'Requests per second by calling workload and mTLS use.', 'reqps', [{
            expr: sumRate('istio_requests_total', server, `${bySource}, connection_security_policy`),
            legend: `${sourceLegend} ({{connection_security_policy}})`,
          }]),
          series('TCP bytes received by source workload', 'TCP bytes per second received, by calling workload.', 'Bps',
            [{ expr: sumRate('istio_tcp_received_bytes_total', server, bySource), legend: sourceLegend }]),
          series('TCP bytes sent by source workload', 'TCP bytes per second sent back, by calling workload.', 'Bps',
            [{ expr: sumRate('istio_tcp_sent_bytes_total', server, bySource), legend: sourceLegend }]),
          table('Source workloads', 'Golden signals per calling workload, measured at the service.',
            { source_workload: 'Workload', source_workload_namespace: 'Namespace' }, goldenColumns(server, bySource)),
        ],
      },
    ],
  };
}

function workloadSpec(): DashboardSpec {
  const inbound = sel(SERVER, 'destination_workload_namespace="$namespace"', 'destination_workload="$workload"');
  const outbound = sel(CLIENT, 'source_workload_namespace="$namespace"', 'source_workload="$workload"');
  const bySource = 'source_workload, source_workload_namespace';
  const sourceLegend = '{{source_workload}}.{{source_workload_namespace}}';
  const sizes = (selector: string): Query[] => [
    ...percentiles('istio_request_bytes_bucket', selector, 'request ', MEDIAN_AND_TAIL),
    ...percentiles('istio_response_bytes_bucket', selector, 'response ', MEDIAN_AND_TAIL),
  ];
  return {
    uid: 'istio-pack-workload',
    title: 'Istio Workload',
    description: 'Inbound (reporter=destination) and outbound (reporter=source/waypoint) golden signals of one workload.',
    variables: [
      { name: 'namespace', label: 'Namespace', query: 'label_values(istio_requests_total, destination_workload_namespace)' },
      { name: 'workload', label: 'Workload', query: 'label_values(istio_requests_total{destination_workload_namespace="$namespace"}, destination_workload)' },
    ],
    sections: [
      {
        title: 'Overview',
        panels: [
          stat('Inbound request volume', 'Requests per second received by the workload.', 'reqps', sumRate('istio_requests_total', inbound)),
          stat('Inbound success rate', 'Share of received requests not answered with 5xx.', 'percentunit', successRate(inbound), HEALTHY_RATIO_THRESHOLDS),
          stat('Inbound P99 latency', 'P99 duration of received requests.', 'ms', quantile('0.99', 'istio_request_duration_milliseconds_bucket', inbound)),
          stat('Outbound request volume', 'Requests per second sent by the workload.', 'reqps', sumRate('istio_requests_total', outbound)),
          stat('Outbound success rate', 'Share of sent requests not answered with 5xx.', 'percentunit', successRate(outbound), HEALTHY_RATIO_THRESHOLDS),
          stat('Outbound P99 latency', 'P99 duration of sent requests.', 'ms', quantile('0.99', 'istio_request_duration_milliseconds_bucket', outbound)),
        ],
      },
      {
        title: 'Inbound',
        panels: [
          series('Inbound requests by source workload', 'Requests per second received, by calling workload.', 'reqps',
            [{ expr: sumRate('istio_requests_total', inbound, bySource), legend: sourceLegend }]),
          series('Inbound success rate by source workload', 'Share of non-5xx responses, by calling workload.', 'percentunit',
            [{ expr: successRate(inbound, bySource), legend: sourceLegend }]),
          series('Inbound request duration', 'Duration percentiles of received requests.', 'ms',
            percentiles('istio_request_duration_milliseconds_bucket', inbound)),
          series('Inbound request and response size', 'Body size percentiles of received requests and their responses.', 'decbytes', sizes(inbound)),
          series('Inbound TCP bytes', 'TCP bytes per second received from and sent to callers.', 'Bps', [
            { expr: sumRate('istio_tcp_received_bytes_total', inbound, bySource), legend: `received from ${sourceLegend}` },
            { expr: sumRate('istio_tcp_sent_bytes_total', inbound, bySource), legend: `sent to ${sourceLegend}` },
          ]),
          series('Inbound requests by security policy', 'Requests per second received, by mTLS use.', 'reqps',
            [{ expr: sumRate('istio_requests_total', inbound, 'connection_security_policy'), legend: '{{connection_security_policy}}' }]),
        ],
      },
      {
        title: 'Outbound',
        panels: [
          series('Outbound requests by destination service', 'Requests per second sent, by called service.', 'reqps',
            [{ expr: sumRate('istio_requests_total', outbound, 'destination_service'), legend: '{{destination_service}}' }]),
          series('Outbound success rate by destination service', 'Share of non-5xx responses, by called service.', 'percentunit',
            [{ expr: successRate(outbound, 'destination_service'), legend: '{{destination_service}}' }]),
          series('Outbound request duration', 'Duration percentiles of sent requests.', 'ms',
            percentiles('istio_request_duration_milliseconds_bucket', outbound)),
          series('Outbound request and response size', 'Body size percentiles of sent requests and their responses.', 'decbytes', sizes(outbound)),
          series('Outbound TCP bytes', 'TCP bytes per second sent to and received from called services.', 'Bps', [
            { expr: sumRate('istio_tcp_sent_bytes_total', outbound, 'destination_service'), legend: 'sent to {{destination_service}}' },
            { expr: sumRate('istio_tcp_received_bytes_total', outbound, 'destination_service'), legend: 'received from {{destination_service}}' },
          ]),
          series('Outbound responses by code', 'Responses per second received, by response code.', 'reqps',
            [{ expr: sumRate('istio_requests_total', outbound, 'response_code'), legend: '{{response_code}}' }]),
        ],
      },
    ],
  };
}

function controlPlaneSpec(): DashboardSpec {
  const increase = (metric: string): string => `sum(increase(${metric}{${ISTIOD}}[$__range]))`;
  return {
    uid: 'istio-pack-control-plane',
    title: 'Istio Control Plane',
    description: 'istiod health: connected proxies, xDS pushes and convergence, rejects, conflicts, injection and resources.',
    variables: [
      { name: 'pod', label: 'istiod pod', query: 'label_values(pilot_info{app="istiod"}, pod)', includeAll: true },
    ],
    sections: [
      {
        title: 'Overview',
        panels: [
          stat('Connected proxies', 'xDS clients connected to the selected istiod pods.', 'short', `sum(pilot_xds{${ISTIOD}})`),
          stat('Services', 'Services known to istiod.', 'short', `max(pilot_services{${ISTIOD}})`),
          stat('Virtual services', 'VirtualServices known to istiod.', 'short', `max(pilot_virt_services{${ISTIOD}})`),
          stat('xDS rejects', 'Configurations rejected by proxies in the selected time range.', 'short',
            increase('pilot_total_xds_rejects'), ERROR_THRESHOLDS),
          stat('Injection failures', 'Failed sidecar injection webhook calls in the selected time range.', 'short',
            increase('sidecar_injection_failure_total'), ERROR_THRESHOLDS),
          stat('Uptime', 'Time since the youngest selected istiod started.', 's', `min(istiod_uptime_seconds{${ISTIOD}})`),
        ],
      },
      {
        title: 'xDS',
        panels: [
          series('Connected proxies by version', 'xDS clients by proxy version (useful during upgrades).', 'short',
            [{ expr: `sum by (version) (pilot_xds{${ISTIOD}})`, legend: '{{version}}' }]),
          series('Connected proxies by istiod pod', 'xDS clients per istiod replica; a skew means unbalanced connections.', 'short',
            [{ expr: `sum by (pod) (pilot_xds{${ISTIOD}})`, legend: '{{pod}}' }]),
          series('xDS pushes by type', 'Pushes per second by xDS type; *_senderr types are failed sends.', 'ops',
            [{ expr: sumRate('pilot_xds_pushes', ISTIOD, 'type'), legend: '{{type}}' }]),
          series('Push triggers', 'Reasons that triggered pushes, per second.', 'ops',
            [{ expr: sumRate('pilot_push_triggers', ISTIOD, 'type'), legend: '{{type}}' }]),
          series('Proxy convergence time', 'Delay between a config change and a proxy receiving all of it.', 's',
            percentiles('pilot_proxy_convergence_time_bucket', ISTIOD)),
          series('xDS push time', 'Time to build and send a push: P50 overall and P99 per xDS type.', 's', [
            { expr: quantile('0.50', 'pilot_xds_push_time_bucket', ISTIOD), legend: 'P50' },
            { expr: quantile('0.99', 'pilot_xds_push_time_bucket', ISTIOD, 'type'), legend: 'P99 {{type}}' },
          ]),
        ],
      },
      {
        title: 'Errors and conflicts',
        panels: [
          series('xDS rejects by type', 'Configurations proxies NACKed, per second; anything above zero needs a look.', 'ops',
            [{ expr: sumRate('pilot_total_xds_rejects', ISTIOD, 'type'), legend: '{{type}}' }]),
          series('xDS internal errors', 'istiod-side xDS failures, per second.', 'ops', [
            { expr: sumRate('pilot_total_xds_internal_errors', ISTIOD), legend: 'internal errors' },
            { expr: sumRate('pilot_xds_write_timeout', ISTIOD), legend: 'write timeouts' },
            { expr: sumRate('pilot_xds_expired_nonce', ISTIOD), legend: 'expired nonces' },
          ]),
          series('Listener conflicts', 'Listeners istiod had to drop because of port conflicts.', 'short', [
            // Gauges reported by every replica: max, not sum, avoids counting the same conflict twice.
            { expr: `max(pilot_conflict_inbound_listener{${ISTIOD}})`, legend: 'inbound' },
            { expr: `max(pilot_conflict_outbound_listener_tcp_over_current_tcp{${ISTIOD}})`, legend: 'outbound TCP over TCP' },
          ]),
          series('Kubernetes config events', 'Istio config events from Kubernetes, per second, by kind and event.', 'ops',
            [{ expr: sumRate('pilot_k8s_cfg_events', ISTIOD, 'type, event'), legend: '{{type}} {{event}}' }]),
        ],
      },
      {
        title: 'Sidecar injection',
        panels: [
          series('Injection webhook calls', 'Sidecar injection webhook outcomes, per second.', 'ops', [
            { expr: sumRate('sidecar_injection_requests_total', ISTIOD), legend: 'requests' },
            { expr: sumRate('sidecar_injection_success_total', ISTIOD), legend: 'success' },
            { expr: sumRate('sidecar_injection_skip_total', ISTIOD), legend: 'skipped' },
            { expr: sumRate('sidecar_injection_failure_total', ISTIOD), legend: 'failure' },
          ]),
          series('Injection failure ratio', 'Share of injection requests that failed.', 'percentunit', [{
            expr: `${sumRate('sidecar_injection_failure_total', ISTIOD)} / ${sumRate('sidecar_injection_requests_total', ISTIOD)}`,
            legend: 'failure ratio',
          }]),
        ],
      },
      {
        title: 'istiod resources',
        panels: [
          series('CPU', 'CPU cores used by each istiod process.', 'short',
            [{ expr: sumRate('process_cpu_seconds_total', ISTIOD, 'pod'), legend: '{{pod}}' }], 8),
          series('Memory', 'Resident memory and Go heap in use per istiod pod.', 'bytes', [
            { expr: `sum by (pod) (process_resident_memory_bytes{${ISTIOD}})`, legend: '{{pod}} resident' },
            { expr: `sum by (pod) (go_memstats_heap_inuse_bytes{${ISTIOD}})`, legend: '{{pod}} heap in use' },
          ], 8),
          series('Goroutines', 'Goroutines per istiod pod; steady growth hints at a leak.', 'short',
            [{ expr: `sum by (pod) (go_goroutines{${ISTIOD}})`, legend: '{{pod}}' }], 8),
        ],
      },
    ],
  };
}

function entry(fileName: string, spec: DashboardSpec): GrafanaDashboard {
  return { fileName, title: spec.title, uid: spec.uid, build: (datasourceUid) => buildDashboard(spec, datasourceUid) };
}

/** The four dashboards istio-pack ships, in display order; file names and uids are stable across releases. */
export const ISTIO_DASHBOARDS: ReadonlyArray<GrafanaDashboard> = [
  entry('istio-mesh.json', meshSpec()),
  entry('istio-service.json', serviceSpec()),
  entry('istio-workload.json', workloadSpec()),
  entry('istio-control-plane.json', controlPlaneSpec()),
];

/**
 * Serialised dashboards keyed by file name, ready for a ConfigMap's `data` or a provisioning directory.
 * Compact JSON keeps the ConfigMap well under the 1 MiB object limit.
 */
export function istioDashboardFiles(datasourceUid: string = DEFAULT_PROMETHEUS_DATASOURCE_UID): Record<string, string> {
  return Object.fromEntries(ISTIO_DASHBOARDS.map((d) => [d.fileName, JSON.stringify(d.build(datasourceUid))]));
}
