/**
 * A quick look at a Temporal frontend before the SDK connects: TCP, then TLS as configured, then
 * the HTTP/2 greeting. The SDK's gRPC client waits out its whole deadline on these failures and
 * then names no cause; this names it within seconds (unreachable, TLS expected or not spoken,
 * server certificate unknown, handshake refused).
 */
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';

/** A cause found before the SDK connected, already in words. */
export class PreflightError extends Error {
  override name = 'PreflightError';
}

/** The client's HTTP/2 connection preface and an empty SETTINGS frame: a gRPC server answers with SETTINGS. */
const H2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

/** GOAWAY, last stream 0, NO_ERROR. */
const GOAWAY = Buffer.from([0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

export interface PreflightOptions {
  tls?: TLSConfig | boolean | null;
  /** Per step (connect, handshake, greeting). */
  timeoutMs?: number;
}

/** Resolves when the frontend answers gRPC's HTTP/2 greeting as configured; else rejects with the cause and what to check. */
export async function preflight(address: string, options: PreflightOptions = {}): Promise<void> {
  const { host, port } = splitAddress(address);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const socket = await step<Socket>(
    timeoutMs,
    `no answer from ${address} within ${timeoutMs / 1000} s: check the address and that a firewall lets this machine through`,
    (resolve, reject) => {
      const s = tcpConnect({ host, port });
      s.once('connect', () => resolve(s));
      s.once('error', (e: NodeJS.ErrnoException) => reject(new PreflightError(unreachable(e, address))));
      return () => s.destroy();
    },
  );
  const tls = options.tls ? (options.tls === true ? {} : options.tls) : undefined;
  try {
    const stream = tls ? await handshake(socket, host, tls, timeoutMs) : socket;
    await greeting(stream, tls ? { clientCertificate: Boolean(tls.clientCertPair) } : undefined, timeoutMs);
    stream.end(GOAWAY); // a polite goodbye, so the server logs no broken connection
    stream.destroy();
  } finally {
    socket.destroy();
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

/** Runs one step with a deadline; `start` returns its cleanup. */
function step<T>(
  timeoutMs: number,
  timeoutMessage: string,
  start: (resolve: (v: T) => void, reject: (e: Error) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cleanup = () => {};
    const timer = setTimeout(() => {
      cleanup();
      reject(new PreflightError(timeoutMessage));
    }, timeoutMs);
    cleanup = start(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        cleanup();
        reject(e);
      },
    );
  });
}

function unreachable(error: NodeJS.ErrnoException, address: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `unreachable: nothing listens on ${address} (connection refused): check the address and port, and that the server is up`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `unreachable: the host of ${address} does not resolve (${error.code}): check the address`;
    default:
      return `unreachable: ${error.code ?? error.message} connecting to ${address}: check the address and the network between here and the server`;
  }
}

function handshake(socket: Socket, host: string, tls: TLSConfig, timeoutMs: number): Promise<Socket> {
  return step(
    timeoutMs,
    'the TLS handshake did not complete: the server may not speak TLS on this port (unset TEMPORAL_TLS, or check the port)',
    (resolve, reject) => {
      const servername = tls.serverNameOverride ?? (isIP(host) ? undefined : host);
      const secure = tlsConnect({
        socket,
        ALPNProtocols: ['h2'],
        ...(servername ? { servername } : {}),
        ...(tls.serverRootCACertificate ? { ca: Buffer.from(tls.serverRootCACertificate) } : {}),
        ...(tls.clientCertPair
          ? { cert: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) }
          : {}),
      });
      secure.once('secureConnect', () => resolve(secure));
      secure.once('error', (e: NodeJS.ErrnoException) =>
        reject(new PreflightError(tlsFailure(e, Boolean(tls.clientCertPair)))),
      );
      return () => secure.destroy();
    },
  );
}

const UNKNOWN_SERVER_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** Node's TLS error codes, in words and with the setting to check. */
export function tlsFailure(error: NodeJS.ErrnoException, clientCertificate: boolean): string {
  const code = error.code ?? '';
  if (UNKNOWN_SERVER_CERTIFICATE.has(code))
    return `server certificate unknown: it is not signed by a CA this machine trusts (${code}): set TEMPORAL_TLS_SERVER_CA_CERT_PATH (or the profile's tls.server_ca_cert_path) to the CA that signed it`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `server certificate is for another name (${error.message}): check the address, or set TEMPORAL_TLS_SERVER_NAME to a name the certificate holds`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return `server certificate is not valid now (${code}): the server's certificate needs renewing, or this machine's clock is off`;
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|RECORD_LAYER_FAILURE/i.test(code + error.message))
    return 'the server does not speak TLS on this port: unset TEMPORAL_TLS (and the TLS settings), or check the port';
  if (/ALERT|HANDSHAKE_FAILURE|ECONNRESET|EPIPE/i.test(code + error.message)) {
    return `TLS handshake refused by the server (${code || error.message}): ${
      clientCertificate
        ? 'it does not accept the client certificate: check that TEMPORAL_TLS_CLIENT_CERT_PATH is signed by the CA the namespace trusts and has not expired'
        : "it likely requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or the profile's tls paths)"
    }`;
  }
  return `TLS failed (${code || error.message}): check the TEMPORAL_TLS_* settings`;
}

/** Sends the HTTP/2 preface; a gRPC server answers with a SETTINGS frame. Anything else says what is there instead. */
function greeting(stream: Socket, tls: { clientCertificate: boolean } | undefined, timeoutMs: number): Promise<void> {
  return step(
    timeoutMs,
    'the server accepted the connection but did not answer as a gRPC (HTTP/2) server: check the port',
    (resolve, reject) => {
      let answer = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        answer = Buffer.concat([answer, chunk]);
        if (answer.length < 9 && !answer.subarray(0, 5).toString().startsWith('HTTP/')) return;
        if (answer[3] === 4)
          resolve(); // a SETTINGS frame
        else if (answer[0] === 0x15 || answer[0] === 0x16)
          reject(
            new PreflightError(
              "the server expects TLS on this port: set TEMPORAL_TLS=true, TEMPORAL_API_KEY or the client certificate settings (or the profile's)",
            ),
          );
        else if (answer.subarray(0, 5).toString() === 'HTTP/') {
          reject(
            new PreflightError(
              tls
                ? 'the server answers HTTP/1, not gRPC: check the port (a proxy in front of Temporal must forward gRPC over HTTP/2)'
                : 'the server answers HTTP/1 to plain text, as TLS ports of proxies do: set TEMPORAL_TLS=true, TEMPORAL_API_KEY or the client certificate settings',
            ),
          );
        } else reject(new PreflightError('the server did not answer as a gRPC (HTTP/2) server: check the port'));
      };
      stream.on('data', onData);
      stream.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new PreflightError(
            tls
              ? tlsFailure(e, tls.clientCertificate)
              : `the connection failed (${e.code ?? e.message}): the server may expect TLS (TEMPORAL_TLS=true)`,
          ),
        ),
      );
      stream.once('end', () =>
        reject(
          new PreflightError(
            tls
              ? 'the server closed the connection after the TLS handshake: it may not accept the client certificate, or require one'
              : 'the server closed the connection: it may expect TLS (TEMPORAL_TLS=true)',
          ),
        ),
      );
      stream.write(H2_PREFACE);
      return () => stream.destroy();
    },
  );
}
