/**
 * Connects the client (Connection) and the workers (NativeConnection) to a resolved Temporal target
 * with its TLS, API key and metadata. A failure becomes one line naming the address, the namespace,
 * the cause and what to check, within seconds, and never the credentials.
 */
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { preflight, PreflightError } from './temporal-preflight';
import { describeTarget, TEMPORAL_SETTINGS_HINT, type TemporalTarget } from './temporal-target';

/** After the preflight, the SDK's own connect only waits for the server's answers. */
const CONNECT_TIMEOUT_MS = 10_000;

export class TemporalConnectionError extends Error {
  constructor(target: TemporalTarget, address: string, cause: string) {
    super(`cannot use Temporal at ${describeTarget(target, address)}: ${cause}`);
    this.name = 'TemporalConnectionError';
  }
}

/** The client's connection, checked: the frontend answers, accepts the credentials and knows the namespace. */
export async function connectClient(target: TemporalTarget, address: string): Promise<Connection> {
  // grpc-js goes through grpc_proxy/https_proxy when set; a direct probe would then misjudge the path.
  if (!throughHttpProxy(address))
    await checked(target, address, () => preflight(address, { tls: target.connection.tls }));
  const connection = await checked(target, address, () =>
    Connection.connect({ address, ...target.connection, connectTimeout: CONNECT_TIMEOUT_MS }),
  );
  try {
    await checked(target, address, () => connection.workflowService.describeNamespace({ namespace: target.namespace }));
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

/** The workers' connection (the SDK's Rust core), with the same settings. */
export function connectWorker(target: TemporalTarget, address: string): Promise<NativeConnection> {
  return checked(target, address, () => NativeConnection.connect({ address, ...target.connection }));
}

/** Whether grpc-js would tunnel to `address` through an HTTP proxy: one is set and no_proxy does not exempt the host. */
function throughHttpProxy(address: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const get = (name: string) => env[name] || env[name.toUpperCase()];
  if (!['grpc_proxy', 'https_proxy', 'http_proxy'].some(get)) return false;
  const host = address.slice(0, address.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  const exempt = (get('no_grpc_proxy') ?? get('no_proxy') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return !exempt.some((e) => e === '*' || e === host || host.endsWith(e.startsWith('.') ? e : `.${e}`));
}

async function checked<T>(target: TemporalTarget, address: string, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    throw new TemporalConnectionError(target, address, explain(error, target));
  }
}

/** gRPC status codes that a connection's first calls meet. */
const GRPC = { NOT_FOUND: 5, PERMISSION_DENIED: 7, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/** The cause in words: from the preflight as is, from gRPC (client) and tonic (worker) errors by code and text. */
export function explain(error: unknown, target: TemporalTarget): string {
  if (error instanceof PreflightError) return error.message;
  const e = error as { message?: string; code?: number; cause?: { message?: string; code?: number } };
  const code = e.code ?? e.cause?.code;
  const text = `${e.message ?? String(error)} ${e.cause?.message ?? ''}`;
  if (code === GRPC.UNAUTHENTICATED || /Unauthenticated|401 Unauthorized|status code 401/i.test(text)) {
    return target.connection.apiKey
      ? "unauthenticated: the API key was refused (expired, revoked, or for another account or namespace): check TEMPORAL_API_KEY or the profile's api_key"
      : `unauthenticated: the server requires credentials: set TEMPORAL_API_KEY, or a client certificate (${TEMPORAL_SETTINGS_HINT})`;
  }
  if (code === GRPC.PERMISSION_DENIED || /PermissionDenied|403 Forbidden|status code 403/i.test(text)) {
    return `permission denied on namespace ${target.namespace}: the credentials are valid but not for this namespace: check TEMPORAL_NAMESPACE and the key's or certificate's grants`;
  }
  if (code === GRPC.NOT_FOUND || /NamespaceNotFound|namespace .* not found/i.test(text)) {
    return `namespace ${target.namespace} does not exist on this server: check TEMPORAL_NAMESPACE (or --namespace, or the profile's namespace)`;
  }
  if (/status code 400|400 Bad Request/i.test(text) && target.connection.tls) {
    // nginx and similar proxies finish the handshake, then answer 400 for a missing or unknown client certificate.
    return target.clientCertificate
      ? 'TLS client certificate refused by the server (HTTP 400 after the handshake): check that TEMPORAL_TLS_CLIENT_CERT_PATH is signed by the CA the server trusts and has not expired'
      : "TLS client certificate required: the server refused the request without one (HTTP 400 after the handshake): set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or the profile's tls paths)";
  }
  if (/InvalidCertificate\(UnknownIssuer\)|UnknownIssuer/.test(text))
    return "server certificate unknown: it is not signed by a CA this machine trusts: set TEMPORAL_TLS_SERVER_CA_CERT_PATH (or the profile's tls.server_ca_cert_path)";
  if (/InvalidCertificate\(NotValidForName\)|NotValidForName/.test(text))
    return 'server certificate is for another name: check the address, or set TEMPORAL_TLS_SERVER_NAME';
  if (/InvalidContentType|InvalidMessage/.test(text))
    return 'the server does not speak TLS on this port: unset TEMPORAL_TLS (and the TLS settings), or check the port';
  if (/ConnectionRefused|tcp connect error|deadline|UNAVAILABLE/i.test(text) || code === GRPC.UNAVAILABLE) {
    return `unreachable: no answer from the server within ${CONNECT_TIMEOUT_MS / 1000} s (${firstLine(text)}): check the address, the network and the TLS settings`;
  }
  return `${firstLine(text)}: check ${TEMPORAL_SETTINGS_HINT}`;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]!.slice(0, 300);
}
