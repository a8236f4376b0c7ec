/**
 * The dashboard's HTTP server (node:http): the page, its assets and two JSON endpoints the page
 * polls. Loopback by default; requests naming another host are refused, so a web page elsewhere
 * cannot read the API through DNS rebinding.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redactSecrets } from '../workers/redact-secrets';
import { DashboardData, type DashboardSources } from './dashboard-data';
import { staticFile } from './static-files';

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

/** The port is taken (another dashboard, another `loadout dev`). */
export class DashboardPortInUseError extends Error {
  constructor(port: number, host: string) {
    super(
      `the dashboard's port ${port} on ${host} is in use: choose another with --port (loadout dev: --dashboard-port) or LOADOUT_DASHBOARD_PORT`,
    );
    this.name = 'DashboardPortInUseError';
  }
}

export interface DashboardOptions {
  port: number;
  host?: string;
  /** How often the page polls the API, in seconds. */
  refreshSeconds?: number;
  /** The KPI charts from this UTC date or date-time on, as `loadout report --since`. */
  since?: string;
}

/** Everything the page loads comes from this server; nothing inline, nothing remote. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export async function startDashboard(sources: DashboardSources, options: DashboardOptions): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const data = new DashboardData(sources);
  const refreshSeconds = options.refreshSeconds ?? 5;
  // Half a refresh: several open pages cost the warehouse, lake and Temporal what one does.
  const maxAgeMs = (refreshSeconds * 1000) / 2;
  const api: Record<string, () => Promise<unknown>> = {
    '/api/kpis': shared(() => data.kpis(options.since), maxAgeMs),
    '/api/pipeline': shared(() => data.pipeline(), maxAgeMs),
    '/api/settings': () => Promise.resolve({ refreshSeconds }),
  };
  const server = createServer((request, response) => {
    handle(request, response, api, host).catch((error: unknown) => {
      send(response, 500, 'application/json', JSON.stringify({ error: firstLine(error) }));
    });
  });
  await listen(server, options.port, host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  api: Record<string, () => Promise<unknown>>,
  host: string,
): Promise<void> {
  if (!allowedHost(request.headers.host, host)) return send(response, 421, 'text/plain', 'unknown host\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'GET only\n');
  const path = new URL(request.url ?? '/', 'http://dashboard').pathname;
  const endpoint = Object.hasOwn(api, path) ? api[path] : undefined;
  if (endpoint) {
    const body = await endpoint().then(
      (value) => ({ status: 200, json: JSON.stringify(value) }),
      (error: unknown) => ({ status: 503, json: JSON.stringify({ error: firstLine(error) }) }),
    );
    return send(response, body.status, 'application/json; charset=utf-8', body.json);
  }
  const file = staticFile(path);
  if (!file) return send(response, 404, 'text/plain', 'not found\n');
  const { body, contentType } = await file;
  send(response, 200, contentType, body);
}

function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType });
  response.end(body);
}

/** On loopback only loopback names are answered; bound elsewhere, any (a proxy's name is not known). */
function allowedHost(header: string | undefined, bound: string): boolean {
  if (!['127.0.0.1', '::1', 'localhost'].includes(bound)) return true;
  if (header === undefined) return false;
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d+$/, '');
  return ['127.0.0.1', '[::1]', 'localhost'].includes(name.toLowerCase());
}

/**
 * One computation for every poll in flight, and its result for `maxAgeMs` after it: pages polling
 * at once share it instead of queueing theirs. A failure is not kept.
 */
function shared<T>(work: () => Promise<T>, maxAgeMs: number): () => Promise<T> {
  let latest: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (latest && performance.now() - latest.at < maxAgeMs) return latest.value;
    const value = work();
    const entry = { at: Number.POSITIVE_INFINITY, value };
    latest = entry;
    value.then(
      () => (entry.at = performance.now()),
      () => {
        if (latest === entry) latest = undefined;
      },
    );
    return value;
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new DashboardPortInUseError(port, host)
          : new Error(`the dashboard cannot listen on ${host}:${port}: ${error.message}`),
      ),
    );
    server.listen(port, host, () => resolve());
  });
}

/** A failure's first line, as the CLI shows it: a warehouse URL's password never reaches the page. */
function firstLine(error: unknown): string {
  return redactSecrets((error instanceof Error ? error.message : String(error)).split('\n')[0]!);
}
