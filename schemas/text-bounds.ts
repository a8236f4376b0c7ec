/**
 * Text bounds in UTF-8 bytes: every text output column declares the most bytes a value can hold,
 * so each warehouse can size the column to it (Redshift's VARCHAR(n) counts bytes) and a value
 * over its bound is a rejected record naming the field, never a failed load.
 */
import type { z } from 'zod';

/** Redshift's largest VARCHAR, in bytes: the bound of JSON text and of any text without a smaller one. */
export const MAX_TEXT_BYTES = 65_535;
/** A uuid as stored: 36 lower-case hex digits and dashes. */
export const UUID_BYTES = 36;
/** A keyed pseudonym: 32 hex digits (core/personal/pseudonym.ts, PSEUDONYM_LENGTH; a test holds them equal). */
export const PSEUDONYM_BYTES = 32;
/** An IPv4 or IPv6 address in text, embedded IPv4 included (INET6_ADDRSTRLEN less its NUL). */
export const IP_TEXT_BYTES = 45;
/** An address cut to its network (core/personal/network.ts): canonical IPv6 text is at most 39 characters. */
export const NETWORK_TEXT_BYTES = 39;

/** A string of at most `maxChars` code points is at most 4 bytes each, and never over MAX_TEXT_BYTES. */
export function charsToBytes(maxChars: number): number {
  return Math.min(4 * maxChars, MAX_TEXT_BYTES);
}

/** UTF-8 bytes of a JS string, as the Parquet writer encodes it (a lone surrogate as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Whether `text` fits `maxBytes`, counting only when it could not: UTF-8 takes at most 3 bytes per
 * UTF-16 code unit (a surrogate pair's 4 bytes are 2 per unit), so short strings need no count.
 */
export function fitsBytes(text: string, maxBytes: number): boolean {
  return text.length * 3 <= maxBytes || utf8Length(text) <= maxBytes;
}

/** The reason of a reject over its byte bound: the field is named by the rejection's path. */
export function overBytesMessage(what: string, bytes: number, maxBytes: number): string {
  return `${what} of ${bytes} UTF-8 bytes is over its bound of ${maxBytes} bytes`;
}

/** A zod check refusing a string over `maxBytes` UTF-8 bytes, with the bytes and the bound in its reason. */
export function byteBound(what: string, maxBytes: number) {
  return (ctx: z.core.ParsePayload<unknown>) => {
    if (typeof ctx.value !== 'string' || fitsBytes(ctx.value, maxBytes)) return;
    const message = overBytesMessage(what, utf8Length(ctx.value), maxBytes);
    ctx.issues.push({ code: 'custom', message, input: ctx.value });
  };
}

/** Code points of a JS string, as zod's length checks count them. */
export function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A low surrogate after a high one completes a pair already counted.
    if (c < 0xdc00 || c > 0xdfff || i === 0 || text.charCodeAt(i - 1) < 0xd800 || text.charCodeAt(i - 1) > 0xdbff) n++;
  }
  return n;
}

/**
 * The most UTF-8 bytes a string matching `regex` can have, from its source, or undefined when the
 * pattern is not anchored at both ends or uses what this does not follow (`*`, `+`, `{n,}`,
 * backreferences, lookarounds): such a pattern gets MAX_TEXT_BYTES, checked on every value.
 * Atoms: a literal is its own bytes; an escape or class of ASCII only 1; `\s` 3 (U+3000); anything
 * else (`.`, a negated class, a class reaching past ASCII) 3 per code unit, 4 with the `u` flag.
 */
export function longestMatchBytes(regex: RegExp): number | undefined {
  const src = regex.source;
  if (!src.startsWith('^') || !src.endsWith('$') || src.endsWith('\\$')) return undefined;
  const wide = regex.flags.includes('u') || regex.flags.includes('v') ? 4 : 3;
  const parsed = sequence(src, 1, src.length - 1, wide);
  return parsed === undefined || parsed > MAX_TEXT_BYTES ? undefined : parsed;
}

/** Longest bytes of the alternation in src[from, to). */
function sequence(src: string, from: number, to: number, wide: number): number | undefined {
  let best = 0,
    current = 0,
    i = from;
  while (i < to) {
    const c = src[i]!;
    if (c === '|') {
      best = Math.max(best, current);
      current = 0;
      i++;
      continue;
    }
    let atom: number | undefined;
    let next: number;
    if (c === '(') {
      const close = groupEnd(src, i, to);
      if (close < 0) return undefined;
      let inner = i + 1;
      if (src.startsWith('?:', inner)) inner += 2;
      else if (src[inner] === '?') return undefined; // lookarounds and named groups: not followed
      atom = sequence(src, inner, close, wide);
      next = close + 1;
    } else if (c === '[') {
      const close = classEnd(src, i, to);
      if (close < 0) return undefined;
      atom = classBytes(src.slice(i + 1, close), wide);
      next = close + 1;
    } else if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined || /[1-9kpPuxc]/.test(e)) return undefined;
      atom = e === 's' || e === 'S' || e === 'W' || e === 'D' ? wide : 1;
      next = i + 2;
    } else if (c === '.') {
      atom = wide;
      next = i + 1;
    } else if ('*+?{)^$'.includes(c)) {
      return undefined;
    } else {
      atom = utf8Length(c);
      next = i + 1;
    }
    if (atom === undefined) return undefined;
    const times = repeat(src, next, to);
    if (times === undefined) return undefined;
    current += atom * times.max;
    i = times.end;
  }
  return Math.max(best, current);
}

/** A quantifier after an atom: its largest count and where it ends; undefined when unbounded. */
function repeat(src: string, at: number, to: number): { max: number; end: number } | undefined {
  const c = at < to ? src[at] : undefined;
  if (c === '?') return { max: 1, end: skipLazy(src, at + 1) };
  if (c === '*' || c === '+') return undefined;
  if (c !== '{') return { max: 1, end: at };
  const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(at, to));
  if (!m) return undefined;
  if (m[2] !== undefined && m[3] === '') return undefined;
  return { max: Number(m[3] ?? m[1]), end: skipLazy(src, at + m[0].length) };
}

function skipLazy(src: string, at: number): number {
  return src[at] === '?' ? at + 1 : at;
}

function groupEnd(src: string, open: number, to: number): number {
  let depth = 0;
  for (let i = open; i < to; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i = classEnd(src, i, to);
      if (i < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

function classEnd(src: string, open: number, to: number): number {
  for (let i = open + 1; i < to; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === ']' && i > open + 1) return i;
  }
  return -1;
}

/** A class of ASCII characters, ranges and escapes is 1 byte; a negated one or one past ASCII is `wide`. */
function classBytes(body: string, wide: number): number {
  if (body.startsWith('^')) return wide;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const e = body[i + 1];
      if (e === undefined || /[sSWDupPx]/.test(e)) return wide;
      i++;
    } else if (c.charCodeAt(0) >= 0x80) return wide;
  }
  return 1;
}
