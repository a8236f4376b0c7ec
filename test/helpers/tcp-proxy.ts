/**
 * A loopback TCP proxy in front of a server, whose connections a test can reset (RST, no goodbye
 * from either side), as a network fault or a crashed server would: the client sees its socket die
 * midway through whatever it was sending.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /**
   * Resets the first connection that sends more than `bytes` to the server from now on (a bulk
   * upload such as a COPY, never a short statement); resolves when it has.
   */
  resetConnectionSendingMoreThan(bytes: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket; sent: number }>();
  let trigger: { bytes: number; fired: () => void } | undefined;

  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, sent: 0 };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      pair.sent += chunk.length;
      if (trigger !== undefined && pair.sent > trigger.bytes) {
        const { fired } = trigger;
        trigger = undefined;
        pairs.delete(pair);
        client.resetAndDestroy();
        upstream.resetAndDestroy();
        fired();
        return;
      }
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('tcp proxy: no port');

  return {
    port: address.port,
    resetConnectionSendingMoreThan(bytes) {
      return new Promise((fired) => {
        for (const pair of pairs) pair.sent = 0;
        trigger = { bytes, fired };
      });
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
