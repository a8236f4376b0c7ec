/** The PostgreSQL warehouse URL as the adapter connects with it: every session in UTC. */

/**
 * Every session runs in UTC, so timestamps print (and reports group by day) the same whatever the
 * server's or host's zone: `-c TimeZone=UTC` added to the URL's own `options` (the URL's query
 * parameters override node-postgres' config object, so it has to go into the URL).
 */
export function withUtcSession(url: string): string {
  try {
    const parsed = new URL(url);
    const given = parsed.searchParams.get('options');
    parsed.searchParams.set('options', [given, '-c TimeZone=UTC'].filter(Boolean).join(' '));
    return parsed.toString();
  } catch {
    return url;
  }
}
