import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as path from 'path';

/*
 * A stand-in for a Kubernetes API server on 127.0.0.1 (plain HTTP): it answers each request with a
 * response recorded in test/fixtures/cluster/, written from the API's types for Kubernetes 1.32/1.33.
 * Anything not listed answers 404 with the API server's own NotFound Status.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'cluster');

/** A recorded response: a fixture file (200), or a status code and fixture. */
export type Recorded = string | { readonly status: number; readonly fixture: string };
/** Route value: a response, or a function choosing one from the request. */
export type Route = Recorded | ((request: SeenRequest) => Recorded);

/** A request the server received. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export function fixture(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

export class RecordedApiServer {
  /** Starts a server answering `"METHOD /path"` keys from `routes`; HTTPS with `tls`, else plain HTTP. */
  static async start(routes: Readonly<Record<string, Route>>, tls?: { readonly key: string; readonly cert: string }): Promise<RecordedApiServer> {
    const server = new RecordedApiServer(routes, tls);
    await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', resolve));
    return server;
  }

  readonly requests: SeenRequest[] = [];
  private readonly http: http.Server;

  private constructor(private readonly routes: Readonly<Record<string, Route>>, private readonly tls?: { readonly key: string; readonly cert: string }) {
    const handler: http.RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const seen: SeenRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(seen);
        const route = this.routes[`${seen.method} ${seen.path}`];
        const recorded: Recorded = route === undefined ? { status: 404, fixture: 'status-404' } : typeof route === 'function' ? route(seen) : route;
        const { status, fixture: name } = typeof recorded === 'string' ? { status: 200, fixture: recorded } : recorded;
        const body = fs.readFileSync(path.join(FIXTURES, `${name}.json`));
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Audit-Id': 'b1f2e3d4-0000-4000-8000-000000000000' });
        res.end(body);
      });
    };
    this.http = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Requests for one `"METHOD /path"`. */
  seen(key: string): SeenRequest[] {
    return this.requests.filter((request) => `${request.method} ${request.path}` === key);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.http.close(() => resolve()));
  }
}

/** A kubeconfig (YAML) with one context per entry, bearer-token users; the first is current. */
export function kubeconfigYaml(contexts: ReadonlyArray<{ readonly name: string; readonly server: string; readonly caPem?: string }>): string {
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${contexts[0].name}`, 'clusters:'];
  for (const context of contexts) {
    lines.push(`- name: ${context.name}`, '  cluster:', `    server: ${context.server}`);
    if (context.caPem) lines.push(`    certificate-authority-data: ${Buffer.from(context.caPem).toString('base64')}`);
  }
  lines.push('users:');
  for (const context of contexts) lines.push(`- name: ${context.name}-admin`, '  user:', `    token: token-of-${context.name}`);
  lines.push('contexts:');
  for (const context of contexts) lines.push(`- name: ${context.name}`, '  context:', `    cluster: ${context.name}`, `    user: ${context.name}-admin`);
  return lines.join('\n') + '\n';
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
