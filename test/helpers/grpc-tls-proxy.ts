/**
 * nginx as a TLS-terminating gRPC proxy in front of a plain Temporal frontend, with two doors on
 * loopback: one requiring a client certificate signed by the test CA (mutual TLS, as Temporal
 * Cloud's mTLS namespaces), one requiring `authorization: Bearer KEY` (as its API keys).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../workers/ports';
import type { TestCertificates } from './test-certificates';

export interface GrpcTlsProxy {
  /** host:port of the door that requires a client certificate. */
  mtlsAddress: string;
  /** host:port of the door that requires the API key. */
  apiKeyAddress: string;
  stop(): Promise<void>;
}

export interface GrpcTlsProxyOptions {
  /** host:port of the plain-text Temporal frontend behind the proxy. */
  upstream: string;
  certs: TestCertificates;
  apiKey: string;
  /** A scratch directory for the configuration, pid file and temp files. */
  dir: string;
}

/** Debian installs nginx in /usr/sbin, off a non-root user's PATH. */
export function nginxBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/sbin')) {
    const candidate = join(dir, 'nginx');
    if (dir && existsSync(candidate)) return candidate;
  }
  // No skipping: the proxy is part of what `npm test` installs (scripts/ensure-nginx.sh).
  throw new Error(
    'nginx not found on PATH or in /usr/sbin: run `node scripts/ensure-tools.mjs --nginx` (Debian package nginx)',
  );
}

function nginxConfig(o: GrpcTlsProxyOptions, mtlsPort: number, apiKeyPort: number): string {
  const temp = join(o.dir, 'temp');
  mkdirSync(temp, { recursive: true });
  const root = process.getuid?.() === 0;
  return `
daemon off;
worker_processes 1;
pid ${join(o.dir, 'nginx.pid')};
error_log stderr warn;
${root ? 'user root;  # the workers read the scratch directory, which only its owner may' : ''}
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${temp}/body; proxy_temp_path ${temp}/proxy; fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi; scgi_temp_path ${temp}/scgi;
  # Temporal's own limits apply to payloads, not nginx's 1 MB; long polls last up to 70 s.
  client_max_body_size 0;
  grpc_read_timeout 300s;
  grpc_send_timeout 300s;
  keepalive_timeout 1h;
  keepalive_requests 1000000;
  ssl_certificate ${o.certs.serverCert};
  ssl_certificate_key ${o.certs.serverKey};
  upstream temporal { server ${o.upstream}; keepalive 8; }

  server {
    listen 127.0.0.1:${mtlsPort} ssl http2;
    ssl_client_certificate ${o.certs.caCert};
    ssl_verify_client on;
    location / { grpc_pass grpc://temporal; }
  }

  server {
    listen 127.0.0.1:${apiKeyPort} ssl http2;
    location / {
      if ($http_authorization != "Bearer ${o.apiKey}") { return 401; }
      grpc_pass grpc://temporal;
    }
  }
}
`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startGrpcTlsProxy(options: GrpcTlsProxyOptions): Promise<GrpcTlsProxy> {
  const [mtlsPort, apiKeyPort] = [await freePort(), await freePort()];
  const config = join(options.dir, 'nginx.conf');
  writeFileSync(config, nginxConfig(options, mtlsPort, apiKeyPort));
  const child: ChildProcess = spawn(nginxBinary(), ['-c', config, '-p', options.dir, '-e', 'stderr'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const deadline = Date.now() + 10_000;
  while (!((await accepts(mtlsPort)) && (await accepts(apiKeyPort)))) {
    if (!alive) throw new Error(`nginx exited before listening: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen within 10 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    mtlsAddress: `127.0.0.1:${mtlsPort}`,
    apiKeyAddress: `127.0.0.1:${apiKeyPort}`,
    async stop() {
      if (!alive) return;
      child.kill('SIGQUIT'); // graceful: the master ends its workers
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
