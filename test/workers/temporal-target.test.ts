/** Temporal's environment configuration through the SDK's loader, under Loadout's own settings. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeTarget, resolveTemporalTarget } from '../../workers/temporal-target';

let dir: string;
let toml: string;
/** No HOME: the default file ~/.config/temporalio/temporal.toml of whoever runs the tests stays out. */
const bare = (env: Record<string, string> = {}) => ({ PATH: process.env.PATH, ...env });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-target-'));
  writeFileSync(join(dir, 'ca.pem'), 'not read until connecting');
  toml = join(dir, 'temporal.toml');
  writeFileSync(
    toml,
    `
[profile.default]
address = "default.example:7233"
namespace = "from-default"

[profile.cloud]
address = "acme.a1b2c.tmprl.cloud:7233"
namespace = "acme.a1b2c"
api_key = "profile-key"
[profile.cloud.grpc_meta]
x-team = "data"
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('nothing configured: no address (the embedded dev server), namespace default, no credentials', () => {
  const target = resolveTemporalTarget({}, bare());
  expect(target).toMatchObject({ address: undefined, namespace: 'default', auth: 'none' });
  expect(describeTarget(target)).toBe('the embedded dev server (namespace default)');
});

test('empty variables count as unset, as docker compose passes them', () => {
  expect(
    resolveTemporalTarget({}, bare({ TEMPORAL_ADDRESS: '', TEMPORAL_API_KEY: '', TEMPORAL_TLS_CLIENT_CERT_PATH: '' })),
  ).toMatchObject({ address: undefined, auth: 'none' });
});

test('only variables: address, namespace, API key (TLS on by default) and gRPC metadata', () => {
  const target = resolveTemporalTarget(
    {},
    bare({
      TEMPORAL_ADDRESS: 'h:7233',
      TEMPORAL_NAMESPACE: 'ns',
      TEMPORAL_API_KEY: 'k',
      TEMPORAL_GRPC_META_X_TEAM: 'data',
    }),
  );
  expect(target).toMatchObject({ address: 'h:7233', namespace: 'ns', auth: 'api-key' });
  expect(target.connection).toMatchObject({ apiKey: 'k', tls: true, metadata: { 'x-team': 'data' } });
  expect(describeTarget(target)).toBe('h:7233 (namespace ns, api-key)');
});

test("a TOML profile chosen by TEMPORAL_PROFILE; variables win over it, Loadout's settings over both", () => {
  const env = bare({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' });
  expect(resolveTemporalTarget({}, env)).toMatchObject({
    address: 'acme.a1b2c.tmprl.cloud:7233',
    namespace: 'acme.a1b2c',
    profile: 'cloud',
    auth: 'api-key',
  });
  expect(resolveTemporalTarget({}, { ...env, TEMPORAL_NAMESPACE: 'other' }).namespace).toBe('other');
  expect(
    resolveTemporalTarget({ namespace: 'mine', address: 'x:1' }, { ...env, TEMPORAL_NAMESPACE: 'other' }),
  ).toMatchObject({ namespace: 'mine', address: 'x:1' });
  expect(resolveTemporalTarget({ profile: 'default' }, env)).toMatchObject({
    address: 'default.example:7233',
    namespace: 'from-default',
    auth: 'none',
  });
});

test('the default profile of the file applies without TEMPORAL_PROFILE', () => {
  expect(resolveTemporalTarget({ configFile: toml }, bare())).toMatchObject({
    address: 'default.example:7233',
    namespace: 'from-default',
    profile: 'default',
  });
});

test('TLS settings by path are read; a missing file is named, its content never', () => {
  const target = resolveTemporalTarget(
    {},
    bare({
      TEMPORAL_ADDRESS: 'h:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    }),
  );
  expect(target.auth).toBe('tls');
  expect(target.connection.tls).toMatchObject({ serverNameOverride: 'temporal.internal' });
  expect(() =>
    resolveTemporalTarget(
      {},
      bare({
        TEMPORAL_ADDRESS: 'h:7233',
        TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'nope.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'ca.pem'),
      }),
    ),
  ).toThrow(/cannot read a TLS file.*nope\.pem.*TEMPORAL_TLS_\*_PATH/);
});

test.each([
  [
    'a profile the file lacks',
    { profile: 'staging' },
    { TEMPORAL_CONFIG_FILE: 'TOML' },
    /Temporal profile staging is not in .*temporal\.toml/,
  ],
  [
    'a configuration file that does not exist',
    { configFile: '/nonexistent/temporal.toml' },
    {},
    /\/nonexistent\/temporal\.toml does not exist/,
  ],
  [
    'a client certificate without its key',
    {},
    { TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem' },
    /client certificate without its key: set both/,
  ],
  [
    'credentials without an address',
    {},
    { TEMPORAL_API_KEY: 'k' },
    /credentials are configured \(api-key\) but no address/,
  ],
])('refused: %s', (_name, settings, env, message) => {
  const environment = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === 'TOML' ? toml : v]));
  let thrown: Error | undefined;
  try {
    resolveTemporalTarget(settings, bare(environment));
  } catch (e) {
    thrown = e as Error;
  }
  expect(thrown?.message).toMatch(message);
  expect(thrown?.message).not.toContain('profile-key');
});
