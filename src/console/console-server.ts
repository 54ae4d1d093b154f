import * as http from 'http';
import { AddressInfo } from 'net';
import { consolePage, readConsoleBundle } from './console-page';

/** Options of {@link serveConsole}. */
export interface ConsoleServerOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 8420 */
  readonly port?: number;
}

/** The default port of `istio-pack console`. */
export const CONSOLE_PORT = 8420;

/**
 * Serves the console page (the same bytes as dist/console/index.html) on 127.0.0.1 only: the page
 * needs nothing else, so every other path is 404 and nothing is reachable from other machines.
 * Resolves with the server and its URL once it listens.
 */
export function serveConsole(options: ConsoleServerOptions = {}): Promise<{ server: http.Server; url: string }> {
  const page = consolePage(readConsoleBundle());
  const server = http.createServer((request, response) => {
    const pathname = (request.url ?? '/').split('?')[0];
    if ((request.method === 'GET' || request.method === 'HEAD') && (pathname === '/' || pathname === '/index.html')) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      response.end(request.method === 'HEAD' ? undefined : page);
      return;
    }
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('not found: the istio-pack console is at /\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'EADDRINUSE' ? `console: port ${options.port ?? CONSOLE_PORT} on 127.0.0.1 is in use; choose another with --port` : `console: ${error.message}`));
    });
    server.listen(options.port ?? CONSOLE_PORT, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    });
  });
}
