/**
 * A batch's personal data: each personal value replaced in its row before the row is staged
 * (a keyed pseudonym, an IP's network, or NULL), and the clear values kept per subject for the
 * batch's sealed side output. The subject of a row is its first pseudonymised value (player_id
 * in the shipped catalog): a session's IP and device are filed under its player.
 */
import type { PersonalColumn } from '../../schemas/define-event';
import { networkOf } from './network';
import { assertPseudonymKey, pseudonymOf } from './pseudonym';
import { assertDataKey, type DataKey } from './seal';

export interface PersonalDataKeys {
  /** HMAC key of the pseudonyms: one for every worker and batch, for as long as pseudonyms must match. */
  readonly pseudonymKey: Uint8Array;
  /** AES-256 key that seals the clear values of the side output. */
  readonly dataKey: DataKey;
}

/** One subject's clear values in a batch, by column name, and the object times it was seen at. */
export interface Subject {
  readonly pseudonym: string;
  readonly values: Map<string, Set<string>>;
  first: string;
  last: string;
}

export class PersonalData {
  /** Clear value -> what the table holds: HMAC and URL parsing once per distinct value and batch. */
  private readonly pseudonyms = new Map<string, string>();
  private readonly networks = new Map<string, string>();
  private readonly subjects = new Map<string, Subject>();
  private readonly clear: (string | undefined)[] = [];

  constructor(readonly keys: PersonalDataKeys) {
    assertPseudonymKey(keys.pseudonymKey);
    assertDataKey(keys.dataKey);
  }

  pseudonym(clear: string): string {
    let pseudonym = this.pseudonyms.get(clear);
    if (pseudonym === undefined) {
      pseudonym = pseudonymOf(this.keys.pseudonymKey, clear);
      this.pseudonyms.set(clear, pseudonym);
    }
    return pseudonym;
  }

  /**
   * Replaces the personal values of a row in place (a row of the string path, or the fast lane's
   * values once `fromBytes` has put its strings there) and files the clear ones under the row's
   * subject. `seenAt` is the object's time (ISO 8601).
   */
  apply(columns: readonly PersonalColumn[], row: unknown[], seenAt: string): void {
    const clear = this.clear;
    let subject: string | undefined;
    for (let i = 0; i < columns.length; i++) {
      const { column, treatment } = columns[i]!;
      const value = row[column];
      if (typeof value !== 'string') {
        clear[i] = undefined;
        continue;
      }
      clear[i] = value;
      if (treatment === 'pseudonymise') {
        const pseudonym = this.pseudonym(value);
        row[column] = pseudonym;
        subject ??= pseudonym;
      } else if (treatment === 'network') {
        let network = this.networks.get(value);
        if (network === undefined) this.networks.set(value, (network = networkOf(value)));
        row[column] = network;
      } else row[column] = null;
    }
    for (let i = 0; i < columns.length; i++) {
      const value = clear[i];
      if (value === undefined) continue;
      // A row without a pseudonymised value is its first clear value's subject.
      this.file((subject ??= this.pseudonym(value)), columns[i]!.name, value, seenAt);
    }
  }

  /** The fast lane's row: personal columns given as bytes become strings first, then as apply(). */
  applyScanned(
    columns: readonly PersonalColumn[],
    src: Buffer,
    values: unknown[],
    starts: Int32Array,
    ends: Int32Array,
    seenAt: string,
  ): void {
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!.column;
      if (starts[column]! < 0) continue;
      values[column] = src.toString('utf8', starts[column], ends[column]);
      starts[column] = -1;
    }
    this.apply(columns, values, seenAt);
  }

  /** The subjects seen so far, by pseudonym. */
  get seen(): ReadonlyMap<string, Subject> {
    return this.subjects;
  }

  private file(pseudonym: string, name: string, value: string, seenAt: string): void {
    let subject = this.subjects.get(pseudonym);
    if (subject === undefined) {
      subject = { pseudonym, values: new Map(), first: seenAt, last: seenAt };
      this.subjects.set(pseudonym, subject);
    } else if (seenAt !== subject.last) {
      if (seenAt < subject.first) subject.first = seenAt;
      if (seenAt > subject.last) subject.last = seenAt;
    }
    const values = subject.values.get(name);
    if (values === undefined) subject.values.set(name, new Set([value]));
    else values.add(value);
  }
}
