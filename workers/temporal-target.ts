/**
 * Which Temporal frontend to connect to and how, from Temporal's own environment configuration
 * (the SDK's @temporalio/envconfig: a TOML profile, then TEMPORAL_* variables over it), with
 * Loadout's flags and loadout.config.json (address, namespace) over both. Secrets stay inside
 * `connection`; everything else here may be printed.
 */
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';

export interface TemporalSettings {
  address?: string;
  namespace?: string;
  profile?: string;
  configFile?: string;
}

/** How the connection authenticates, for messages and logs (never the credentials themselves). */
export type TemporalAuth = 'none' | 'tls' | 'mtls' | 'api-key' | 'api-key+mtls';

export interface TemporalTarget {
  /** host:port; absent: nothing configured it, so Loadout starts the embedded dev server. */
  address?: string;
  namespace: string;
  /** The TOML profile in use, when one was found (named or `default`). */
  profile?: string;
  auth: TemporalAuth;
  /** TLS, API key and gRPC metadata for Connection and NativeConnection: secrets, never print. */
  connection: Pick<NativeConnectionOptions, 'tls' | 'apiKey' | 'metadata'>;
  /** Whether a client certificate is configured, for explaining refusals. */
  clientCertificate: boolean;
}

/** Where Temporal's settings can be fixed, for error messages. */
export const TEMPORAL_SETTINGS_HINT =
  'TEMPORAL_* variables or the profile (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE; --temporal-profile, --temporal-config-file)';

export function resolveTemporalTarget(
  settings: TemporalSettings,
  environment: NodeJS.ProcessEnv = process.env,
): TemporalTarget {
  // An empty variable means unset, as for Loadout's own (an empty TEMPORAL_API_KEY would turn TLS on);
  // only TEMPORAL_GRPC_META_* keeps its empty value, which removes a profile's header.
  const env = Object.fromEntries(
    Object.entries(environment).filter(
      (e): e is [string, string] => e[1] !== undefined && (e[1] !== '' || e[0].startsWith('TEMPORAL_GRPC_META_')),
    ),
  );
  const profile = loadProfile(settings, env);
  const address = settings.address ?? profile.address;
  const namespace = settings.namespace ?? profile.namespace ?? 'default';
  if (Boolean(profile.tls?.clientCert) !== Boolean(profile.tls?.clientKey)) {
    // The SDK would silently connect without a client certificate.
    throw new Error(
      `a TLS client ${profile.tls?.clientCert ? 'certificate without its key' : 'key without its certificate'}: set both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or _DATA, or the profile's tls.client_cert_path and tls.client_key_path)`,
    );
  }
  let options: ReturnType<typeof toClientOptions>;
  try {
    options = toClientOptions(profile);
  } catch (error) {
    // A certificate or key path that cannot be read: name the setting, not the content.
    throw new Error(
      `cannot read a TLS file of Temporal's configuration (${(error as Error).message}): check the TEMPORAL_TLS_*_PATH variables or the profile's tls paths`,
    );
  }
  const { tls, apiKey, metadata } = options.connectionOptions;
  const clientCertificate = typeof tls === 'object' && tls !== null && tls.clientCertPair !== undefined;
  const auth: TemporalAuth = apiKey
    ? clientCertificate
      ? 'api-key+mtls'
      : 'api-key'
    : clientCertificate
      ? 'mtls'
      : tls
        ? 'tls'
        : 'none';
  if (address === undefined && auth !== 'none') {
    // Credentials without an address: starting the local dev server would silently ignore them.
    throw new Error(
      `Temporal credentials are configured (${auth}) but no address: set TEMPORAL_ADDRESS, the profile's address or --temporal-address`,
    );
  }
  const profileName = settings.profile ?? env.TEMPORAL_PROFILE;
  return {
    address,
    namespace,
    auth,
    clientCertificate,
    ...(profileName || profile.fromFile ? { profile: profileName ?? 'default' } : {}),
    connection: { tls, apiKey, metadata },
  };
}

/** The SDK's loader; an explicitly named file or profile that is missing is an error, not a silent default. */
function loadProfile(
  settings: TemporalSettings,
  env: Record<string, string>,
): ClientConfigProfile & { fromFile: boolean } {
  const file = settings.configFile ?? env.TEMPORAL_CONFIG_FILE;
  if (file !== undefined && !existsSync(file)) {
    throw new Error(
      `Temporal configuration file ${file} does not exist (TEMPORAL_CONFIG_FILE or --temporal-config-file)`,
    );
  }
  try {
    const fromFile = loadClientConfigProfile({
      profile: settings.profile,
      disableEnv: true,
      overrideEnvVars: env,
      ...(settings.configFile ? { configSource: { path: settings.configFile } } : {}),
    });
    const merged = loadClientConfigProfile({
      profile: settings.profile,
      overrideEnvVars: env,
      ...(settings.configFile ? { configSource: { path: settings.configFile } } : {}),
    });
    return { ...merged, fromFile: Object.keys(fromFile).length > 0 };
  } catch (error) {
    const message = (error as Error).message;
    const where = file ?? 'the default file ~/.config/temporalio/temporal.toml';
    if (/not found in config data/.test(message))
      throw new Error(
        `Temporal profile ${settings.profile ?? env.TEMPORAL_PROFILE} is not in ${where} (TEMPORAL_PROFILE or --temporal-profile)`,
      );
    throw new Error(`cannot read Temporal's configuration from ${where}: ${message.split('\n')[0]}`);
  }
}

/** One line about the target, safe to print: address, namespace, profile and how it authenticates. */
export function describeTarget(target: TemporalTarget, address = target.address): string {
  return `${address ?? 'the embedded dev server'} (namespace ${target.namespace}${target.profile ? `, profile ${target.profile}` : ''}${target.auth === 'none' ? '' : `, ${target.auth}`})`;
}
