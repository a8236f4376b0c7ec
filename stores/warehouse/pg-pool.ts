/**
 * node-postgres pools that outlive their connections. When the server ends a connection (a
 * failover, pg_terminate_backend, a restart), node-postgres rejects the query that was running and
 * also emits 'error' on the Client; an 'error' event nobody listens to ends the process. The pool
 * listens on its idle clients only, so every client gets its own listener here, for its whole life,
 * and the failing statement is what tells the caller.
 */
import pg from 'pg';

/** The reason each client lost its connection, for statements that only learn it is "not queryable". */
const lostConnections = new WeakMap<pg.ClientBase, Error>();

export function createPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle client whose connection drops is removed by the pool; the next query opens a new one.
  pool.on('error', () => {});
  // 'connect' is emitted once per new client, before anyone can check it out.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      if (!lostConnections.has(client)) lostConnections.set(client, error);
    });
  });
  return pool;
}

/**
 * A failure of a warehouse operation as a plain Error that names the operation and keeps the
 * server's reason (and SQLSTATE) in its message: Temporal retries a plain error, which is what a
 * dropped connection needs. The original error stays as the cause. No connection string is quoted,
 * so no password can leak into a message.
 */
export function operationFailed(operation: string, error: unknown, client?: pg.ClientBase): Error {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  let detail = typeof code === 'string' ? `${reason} [${code}]` : reason;
  // A statement sent after the connection died only hears "not queryable": add why it died.
  const lost = client === undefined || error instanceof pg.DatabaseError ? undefined : lostConnections.get(client);
  if (lost !== undefined && lost !== error && lost.message !== reason) detail += `; connection lost: ${lost.message}`;
  return new Error(`PostgreSQL ${operation} failed: ${detail}`, { cause: error });
}
