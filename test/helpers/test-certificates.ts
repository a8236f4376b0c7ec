/** A throwaway CA with server and client certificates, made with openssl at test time. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificates {
  /** The CA that signed the server's and the client's certificates. */
  caCert: string;
  /** For 127.0.0.1 and localhost. */
  serverCert: string;
  serverKey: string;
  /** Signed by the CA: the door requiring a client certificate lets it in. */
  clientCert: string;
  clientKey: string;
  /** Another CA, and a client certificate it signed: well formed, unknown to the server. */
  otherCaCert: string;
  strangerCert: string;
  strangerKey: string;
}

function openssl(args: string[]): void {
  // No skipping: a machine without openssl fails here, with the reason.
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=Loadout test ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

/** An end-entity certificate signed by `ca`, with explicit v3 extensions (rustls refuses CA certificates as leaves). */
function makeLeaf(
  dir: string,
  name: string,
  ca: { cert: string; key: string },
  extensions: string,
): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n${extensions}\n`);
  openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return { cert, key };
}

export function makeTestCertificates(dir: string): TestCertificates {
  const ca = makeCa(dir, 'ca');
  const server = makeLeaf(dir, 'server', ca, 'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1');
  const client = makeLeaf(dir, 'loadout-worker', ca, 'extendedKeyUsage=clientAuth');
  const other = makeCa(dir, 'other-ca');
  const stranger = makeLeaf(dir, 'stranger', other, 'extendedKeyUsage=clientAuth');
  return {
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    otherCaCert: other.cert,
    strangerCert: stranger.cert,
    strangerKey: stranger.key,
  };
}
