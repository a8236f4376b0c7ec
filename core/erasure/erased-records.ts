/**
 * Recognises the records of erased players while a batch is processed: a record whose
 * pseudonymised field (player_id, device_id in the shipped catalog) has an erased pseudonym is
 * dropped and counted as `erased`, never staged, rejected or kept as unknown. Pseudonyms come from
 * the batch's PersonalData, so each distinct value is hashed once per batch.
 */
import type { Catalog } from '../../schemas/catalog';
import type { EventType } from '../../schemas/define-event';
import type { PersonalData } from '../personal/personal-data';
import { personalValuesOfRecord, personalValuesOfText } from './record-text';

/** Names of the catalog's pseudonymised fields: what identifies a player in a record of any type. */
export function pseudonymisedNames(catalog: Catalog): Set<string> {
  return new Set(
    catalog.eventTypes.flatMap((t) => t.personal.filter((p) => p.treatment === 'pseudonymise').map((p) => p.name)),
  );
}

export class ErasedRecords {
  private readonly names: ReadonlySet<string>;

  constructor(
    catalog: Catalog,
    private readonly personal: PersonalData,
    private readonly erased: ReadonlySet<string>,
  ) {
    this.names = pseudonymisedNames(catalog);
  }

  /** A parsed record of any kind (valid, invalid, unknown event). */
  record(value: unknown): boolean {
    return this.anyErased(personalValuesOfRecord(value, this.names));
  }

  /** Raw text that may not parse (a malformed record, the head of an overlong line). */
  text(text: string): boolean {
    return this.anyErased(personalValuesOfText(text, this.names));
  }

  /** A fast-lane row: personal columns as byte ranges of `src`, or values when not scanned. */
  scanned(type: EventType, src: Buffer, values: readonly unknown[], starts: Int32Array, ends: Int32Array): boolean {
    for (const { column, treatment } of type.personal) {
      if (treatment !== 'pseudonymise') continue;
      const value = starts[column]! >= 0 ? src.toString('utf8', starts[column], ends[column]) : values[column];
      if (typeof value === 'string' && this.erased.has(this.personal.pseudonym(value))) return true;
    }
    return false;
  }

  private anyErased(values: readonly string[]): boolean {
    for (const v of values) if (this.erased.has(this.personal.pseudonym(v))) return true;
    return false;
  }
}
