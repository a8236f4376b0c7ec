/**
 * The one place that masks secrets in text Loadout prints: the password of any URL
 * (`postgres://user:***@host/db`), password-like query parameters and bearer tokens. Command output, error lines
 * and log lines all pass through it.
 */

/** scheme://user:password@ : the password runs to the authority's last `@`. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):([^\s/?#]*)@/gi;
/** An authorization header's credential, should an error ever quote one. */
const BEARER = /\b(Bearer\s+)[^\s"',]+/gi;
/** ?password=..., &sslpassword=..., ?api_key=... */
const SECRET_PARAMETER = /([?&](?:password|sslpassword|api[_-]?key|secret|token)=)([^&#\s"']+)/gi;

export const MASK = '***';

export function redactSecrets(text: string): string {
  return text
    .replace(URL_PASSWORD, (_m, head: string, password: string) => (password === '' ? `${head}:@` : `${head}:${MASK}@`))
    .replace(SECRET_PARAMETER, (_m, name: string) => `${name}${MASK}`)
    .replace(BEARER, (_m, head: string) => `${head}${MASK}`);
}
