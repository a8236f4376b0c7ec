/**
 * A session's personal data beside its player id: the client's IP address and, on consoles and
 * phones, a device id. Derived from the player and session by a hash, not drawn from the
 * generator's random stream, so adding them left every other generated value as it was.
 */
import type { Player } from './game-world';

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A player keeps a device and a home network; a quarter of sessions come over IPv6. */
export function sessionIdentity(player: Player, psess: string): { ip: string; device_id?: string } {
  const home = fnv1a(player.playerId);
  const session = fnv1a(psess);
  const ip =
    session % 4 === 0
      ? `2001:db8:${(home >>> 16).toString(16)}:${(home & 0xffff).toString(16)}::${(session & 0xfff).toString(16)}`
      : `${((home >>> 24) % 223) + 1}.${(home >>> 16) & 0xff}.${(home >>> 8) & 0xff}.${session & 0xff}`;
  return player.platform === 'pc' ? { ip } : { ip, device_id: `dev-${player.platform}-${home.toString(36)}` };
}
