import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * An error a cluster command reports as one line (no stack trace): no kubeconfig, an unreachable
 * server, a refused request, an API the cluster does not serve.
 */
export class ClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterError';
  }
}

/** An HTTP error answer of the API server, with its decoded Status (when the body was one). */
export class ApiStatusError extends ClusterError {
  constructor(
    message: string,
    /** HTTP status code. */
    public readonly statusCode: number,
    /** `Status.reason`, e.g. NotFound, Conflict, Forbidden. */
    public readonly reason: string,
    /** The decoded body (a meta/v1 Status for API errors). */
    public readonly body: any,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }
}

/** Where the kubeconfig comes from: flags and environment of the command. */
export interface ConnectionOptions {
  /** `--kubeconfig FILE`. @default - KUBECONFIG, then ~/.kube/config, then the in-cluster config */
  readonly kubeconfig?: string;
  /** `--context NAME`. @default - the kubeconfig's current-context */
  readonly context?: string;
  /** Environment (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST). */
  readonly env: NodeJS.ProcessEnv;
  /** Seconds before a request is abandoned. @default 30 */
  readonly timeoutSeconds?: number;
}

/** Service-account files of the in-cluster configuration (client-go's rest.InClusterConfig). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads the kubeconfig as kubectl does: `--kubeconfig`, else the KUBECONFIG list (files that do not
 * exist are skipped, the first file's current-context wins), else ~/.kube/config, else the pod's
 * service account. client-node's own loadFromDefault would fall back to http://localhost:8080
 * instead of failing, so the lookup is done here and client-node reads the files.
 */
export function loadKubeConfig(options: ConnectionOptions): { config: KubeConfig; source: string } {
  const config = new KubeConfig();
  const readFiles = (files: readonly string[], source: string) => {
    const [first, ...rest] = files;
    loadFile(config, first);
    for (const file of rest) {
      const more = new KubeConfig();
      loadFile(more, file);
      config.mergeConfig(more, true);
    }
    return source;
  };
  let source: string;
  if (options.kubeconfig !== undefined) {
    if (!fs.existsSync(options.kubeconfig)) throw new ClusterError(`--kubeconfig ${options.kubeconfig}: no such file`);
    source = readFiles([options.kubeconfig], options.kubeconfig);
  } else if (options.env.KUBECONFIG) {
    const files = options.env.KUBECONFIG.split(path.delimiter).filter((file) => file !== '' && fs.existsSync(file));
    if (files.length === 0) throw new ClusterError(`no kubeconfig: none of the files in KUBECONFIG (${options.env.KUBECONFIG}) exists`);
    source = readFiles(files, `KUBECONFIG (${files.join(path.delimiter)})`);
  } else {
    const home = options.env.HOME || os.homedir();
    const defaultFile = path.join(home, '.kube', 'config');
    if (fs.existsSync(defaultFile)) {
      source = readFiles([defaultFile], defaultFile);
    } else if (options.env.KUBERNETES_SERVICE_HOST && fs.existsSync(SERVICE_ACCOUNT_TOKEN)) {
      config.loadFromCluster();
      source = 'the in-cluster service account';
    } else {
      throw new ClusterError(`no kubeconfig: set KUBECONFIG, pass --kubeconfig FILE or create ${defaultFile} (or run in a pod with a service account)`);
    }
  }
  if (options.context !== undefined) {
    const names = config.getContexts().map((context) => context.name);
    if (!names.includes(options.context)) {
      throw new ClusterError(`--context ${options.context}: no such context in ${source} (contexts: ${names.join(', ') || 'none'})`);
    }
    config.setCurrentContext(options.context);
  }
  if (!config.getCurrentContext() || !config.getCurrentCluster()) {
    throw new ClusterError(`${source}: no current context with a cluster: pass --context (contexts: ${config.getContexts().map((context) => context.name).join(', ') || 'none'})`);
  }
  return { config, source };
}

function loadFile(config: KubeConfig, file: string): void {
  try {
    config.loadFromFile(file);
  } catch (error) {
    throw new ClusterError(`${file}: not a valid kubeconfig: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** An answer of the API server: status code and decoded JSON body. */
interface Answer {
  readonly statusCode: number;
  readonly body: any;
}

/**
 * A minimal REST client of the Kubernetes API. client-node (0.22) supplies what depends on the user's
 * setup — kubeconfig parsing, contexts, client certificates, CA, bearer tokens, exec and auth-provider
 * plugins (`applyToHTTPSOptions`) — while the requests themselves are plain HTTP(S) with raw JSON:
 * client-node's generated API classes (built from Kubernetes 1.30's API) deserialise into typed
 * models and drop fields they do not know, which a diff against a newer cluster must not do.
 */
export class KubeClient {
  /** Connects through the kubeconfig that {@link loadKubeConfig} finds. */
  static connect(options: ConnectionOptions): KubeClient {
    const { config, source } = loadKubeConfig(options);
    return new KubeClient(config, source, (options.timeoutSeconds ?? 30) * 1000);
  }

  /** API server URL, without a trailing slash. */
  readonly server: string;
  /** The context in use. */
  readonly context: string;

  private constructor(private readonly config: KubeConfig, readonly source: string, private readonly timeoutMs: number) {
    this.server = (config.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
    this.context = config.getCurrentContext();
    if (!/^https?:\/\//.test(this.server)) throw new ClusterError(`${source}: cluster of context ${this.context} has no http(s) server URL, got ${JSON.stringify(this.server)}`);
  }

  /** GET a path (with query parameters); rejects with ApiStatusError for any error status. */
  async get<T = any>(apiPath: string, query: Record<string, string> = {}): Promise<T> {
    const answer = await this.request('GET', apiPath, query);
    return this.expectSuccess(answer, 'GET', apiPath).body as T;
  }

  /** GET a path, `undefined` when it answers 404 (an object that does not exist). */
  async getIfExists<T = any>(apiPath: string): Promise<T | undefined> {
    const answer = await this.request('GET', apiPath, {});
    if (answer.statusCode === 404) return undefined;
    return this.expectSuccess(answer, 'GET', apiPath).body as T;
  }

  /**
   * Server-side apply of one object as a dry run: PATCH with `application/apply-patch+yaml` (JSON is
   * YAML), `dryRun=All`, the given field manager and `force` to take over fields other managers own.
   * Resolves to the object as the server would store it; rejects with ApiStatusError otherwise.
   */
  async dryRunApply(apiPath: string, object: unknown, fieldManager: string, force: boolean): Promise<any> {
    const query: Record<string, string> = { dryRun: 'All', fieldManager };
    if (force) query.force = 'true';
    const answer = await this.request('PATCH', apiPath, query, JSON.stringify(object), 'application/apply-patch+yaml');
    return this.expectSuccess(answer, 'PATCH', apiPath).body;
  }

  /** Turns an error status into an ApiStatusError whose message is one line that says what to do. */
  private expectSuccess(answer: Answer, method: string, apiPath: string): Answer {
    if (answer.statusCode >= 200 && answer.statusCode < 300) return answer;
    const body = answer.body;
    const status = body && body.kind === 'Status' ? body : undefined;
    const reason: string = status?.reason ?? '';
    const detail: string = status?.message ?? (typeof body === 'string' ? body.trim().split('\n')[0] : '');
    const request = `${method} ${apiPath}`;
    let message: string;
    switch (answer.statusCode) {
      case 401:
        message = `the API server ${this.server} refused the credentials of context ${this.context} (401 Unauthorized) for ${request}: log in again or renew the token`;
        break;
      case 403:
        message = `forbidden (403) ${request}: ${detail || 'no detail'}; see README "Cluster commands" for the RBAC these commands need`;
        break;
      case 404:
        message = `not found (404) ${request}: ${detail || 'the cluster does not serve this API'}`;
        break;
      default:
        message = `the API server answered ${answer.statusCode}${reason ? ` ${reason}` : ''} to ${request}${detail ? `: ${detail}` : ''}`;
    }
    throw new ApiStatusError(message, answer.statusCode, reason, body);
  }

  private async request(method: string, apiPath: string, query: Record<string, string>, body?: string, contentType?: string): Promise<Answer> {
    const url = new URL(this.server + apiPath);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const options: https.RequestOptions = { method, headers: { Accept: 'application/json' } };
    try {
      await this.config.applyToHTTPSOptions(options);
    } catch (error) {
      throw new ClusterError(`cannot get credentials for context ${this.context}: ${(error as Error).message.split('\n')[0]}`);
    }
    const headers = options.headers as http.OutgoingHttpHeaders;
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<Answer>((resolve, reject) => {
      const req = transport.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(this.unreachable(error)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let decoded: unknown = text;
          try {
            decoded = text === '' ? undefined : JSON.parse(text);
          } catch {
            // Not JSON (a proxy's HTML page, say): kept as text for the message.
          }
          resolve({ statusCode: res.statusCode ?? 0, body: decoded });
        });
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)));
      req.on('error', (error) => reject(this.unreachable(error)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private unreachable(error: Error): ClusterError {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
      // OpenSSL's reason only: Node 24 appends "; if the root CA is installed locally, try running
      // Node.js with --use-system-ca", which misleads here (the kubeconfig names the CA to trust).
      const reason = error.message.split(';')[0];
      return new ClusterError(`the API server ${this.server} (context ${this.context}) presented a certificate this kubeconfig does not trust (${reason}): check the cluster's certificate-authority(-data) and server address`);
    }
    return new ClusterError(`cannot reach the API server ${this.server} (context ${this.context}): ${error.message}`);
  }
}

/** Node's TLS error codes for a server certificate that does not verify. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** `/api/v1` or `/apis/<group>/<version>` for an apiVersion. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}
