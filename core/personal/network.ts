/** An IP address cut to its network: /24 for IPv4, /48 for IPv6, as the event catalog asks. */

/**
 * The network's address in canonical text: `203.0.113.0`, `2001:db8:1::`. The input is a
 * validated address (schemas/fields.ts `ip`: dotted quad, or IPv6 hex groups without zone or
 * embedded IPv4); anything else throws, which is a field-check bug, never data.
 */
export function networkOf(address: string): string {
  if (address.includes('.')) {
    const last = address.lastIndexOf('.');
    if (last < 0 || address.includes(':')) throw new Error('not a validated IP address');
    return `${address.slice(0, last)}.0`;
  }
  const groups = ipv6Groups(address);
  // The WHATWG URL parser writes IPv6 in RFC 5952 form (lower-case, longest zero run as `::`).
  const host = new URL(`http://[${groups.slice(0, 3).join(':')}:0:0:0:0:0]`).hostname;
  return host.slice(1, -1);
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded. */
function ipv6Groups(address: string): string[] {
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) throw new Error('not a validated IP address');
  const first = head ? head.split(':') : [];
  if (tail === undefined) {
    if (first.length !== 8) throw new Error('not a validated IP address');
    return first;
  }
  const last = tail ? tail.split(':') : [];
  return [...first, ...Array<string>(8 - first.length - last.length).fill('0'), ...last];
}
