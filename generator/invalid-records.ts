/** Records that break a catalog rule, one kind each, and non-record junk lines; never with undeclared attributes. */
import type { GameEvent, JsonRecord, Tag } from './event-records';
import type { Random } from './random';
import { withoutTimezone, withYear } from './timestamps';

export interface InvalidKind {
  readonly name: string;
  /** A junk line is not a JSON object with a string `event`: it always stands alone on its line. */
  readonly junk: boolean;
  /** The tags this kind can break, or undefined for all. */
  readonly tags?: ReadonlySet<Tag>;
  /** The record's text, broken. May change `event.record`. */
  readonly apply: (event: GameEvent, random: Random) => string;
}

type FieldMap = Partial<Record<Tag, readonly string[]>>;

/** Where the unique key's uuid sits. */
const KEY_UUID: Record<Tag, string> = {
  session_begin: 'id',
  session_end: 'id',
  damage_dealt: 'id',
  damage_taken: 'hit_id',
  kiosk_weapon_offered: 'id',
  purchase: 'id',
  score_adjustment: 'id',
  loadout_changed: 'id',
  match_end: 'gsess',
};
const NUMBERS: FieldMap = {
  session_end: ['duration_s'],
  damage_dealt: ['eid', 'amount'],
  damage_taken: ['amount'],
  kiosk_weapon_offered: ['eid'],
  purchase: ['amount'],
  score_adjustment: ['delta'],
  match_end: ['kills', 'deaths', 'stats.accuracy', 'stats.headshots'],
};
const STRINGS: FieldMap = {
  session_begin: ['player_id', 'app_version', 'platform'],
  session_end: ['reason'],
  damage_dealt: ['weapon'],
  damage_taken: ['source'],
  kiosk_weapon_offered: ['weapon'],
  purchase: ['player_id', 'sku', 'currency'],
  score_adjustment: ['player_id', 'reason'],
  match_end: ['result'],
  loadout_changed: ['items.0'],
};
/** Fields that must be present (booleans with a default and the optional perks are not). */
const REQUIRED: Record<Tag, readonly string[]> = {
  session_begin: ['id', 'date', 'psess', 'player_id', 'platform', 'app_version'],
  session_end: ['id', 'date', 'psess', 'duration_s', 'reason'],
  damage_dealt: ['id', 'date', 'gsess', 'psess', 'eid', 'weapon', 'amount'],
  damage_taken: ['gsess', 'hit_id', 'date', 'psess', 'source', 'amount'],
  kiosk_weapon_offered: ['id', 'date', 'psess', 'gsess', 'eid', 'weapon'],
  purchase: ['id', 'date', 'psess', 'player_id', 'sku', 'amount', 'currency'],
  score_adjustment: ['id', 'date', 'psess', 'player_id', 'delta', 'reason'],
  loadout_changed: ['id', 'date', 'psess', 'items'],
  match_end: ['gsess', 'psess', 'date', 'result', 'kills', 'deaths', 'stats', 'stats.accuracy', 'stats.headshots'],
};
const OUTSIDE_ENUM: FieldMap = {
  session_begin: ['linux', 'PC', 'stadia', 'ps4'],
  session_end: ['afk', 'QUIT', 'logout'],
  match_end: ['forfeit', 'victory', 'WIN'],
};
const ENUM_FIELD: Partial<Record<Tag, string>> = {
  session_begin: 'platform',
  session_end: 'reason',
  match_end: 'result',
};
const NON_NEGATIVE: FieldMap = {
  session_end: ['duration_s'],
  damage_dealt: ['eid', 'amount'],
  damage_taken: ['amount'],
  kiosk_weapon_offered: ['eid'],
  purchase: ['amount'],
  match_end: ['kills', 'deaths', 'stats.headshots'],
};
const INTEGERS: FieldMap = {
  damage_dealt: ['eid'],
  kiosk_weapon_offered: ['eid'],
  score_adjustment: ['delta'],
  match_end: ['kills', 'deaths', 'stats.headshots'],
};
/** String fields with a length rule: [path, min, max]. */
const LENGTHS: Partial<Record<Tag, readonly (readonly [string, number, number])[]>> = {
  session_begin: [
    ['player_id', 1, 64],
    ['app_version', 1, 32],
  ],
  damage_dealt: [['weapon', 1, 64]],
  damage_taken: [['source', 1, 64]],
  kiosk_weapon_offered: [['weapon', 1, 64]],
  purchase: [
    ['player_id', 1, 64],
    ['sku', 1, 64],
  ],
  score_adjustment: [
    ['player_id', 1, 64],
    ['reason', 0, 128],
  ],
};

function tagsOf(map: Partial<Record<Tag, unknown>>): ReadonlySet<Tag> {
  return new Set(Object.keys(map) as Tag[]);
}

function getPath(record: JsonRecord, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) value = (value as Record<string, unknown>)[key];
  return value;
}

function setPath(record: JsonRecord, path: string, value: unknown): void {
  const keys = path.split('.');
  let target = record as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys[keys.length - 1]!] = value;
}

function deletePath(record: JsonRecord, path: string): void {
  const keys = path.split('.');
  let target = record as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  delete target[keys[keys.length - 1]!];
}

/** Changes one field and writes the record. */
function broken(event: GameEvent, path: string, value: unknown): string {
  setPath(event.record, path, value);
  return JSON.stringify(event.record);
}

const field = (map: FieldMap, event: GameEvent, random: Random) => random.pick(map[event.tag]!);

export const INVALID_KINDS: readonly InvalidKind[] = [
  {
    name: 'bad_uuid',
    junk: false,
    apply: (e, r) => {
      const key = KEY_UUID[e.tag];
      const good = String(e.record[key]);
      const bad = r.pick([
        'not-a-uuid',
        good.replace(/-/g, ''),
        good.slice(0, 35),
        `{${good}}`,
        `${good.slice(0, 9)}g${good.slice(10)}`,
        '',
        `${good.slice(0, 8)}_${good.slice(9)}`,
      ]);
      return broken(e, key, bad);
    },
  },
  {
    name: 'timestamp_without_timezone',
    junk: false,
    apply: (e, r) => broken(e, 'date', withoutTimezone(e.micros, r.chance(0.3))),
  },
  {
    name: 'timestamp_year_out_of_range',
    junk: false,
    apply: (e, r) => broken(e, 'date', withYear(e.micros, r.chance(0.5) ? 1999 : 2101)),
  },
  {
    name: 'number_as_string',
    junk: false,
    tags: tagsOf(NUMBERS),
    apply: (e, r) => {
      const f = field(NUMBERS, e, r);
      return broken(e, f, String(getPath(e.record, f)));
    },
  },
  {
    name: 'string_as_number',
    junk: false,
    tags: tagsOf(STRINGS),
    apply: (e, r) => broken(e, field(STRINGS, e, r), r.pick([0, 1, 7, 12, 840, 12345, 1.14])),
  },
  {
    name: 'missing_required_field',
    junk: false,
    apply: (e, r) => {
      deletePath(e.record, r.pick(REQUIRED[e.tag]));
      return JSON.stringify(e.record);
    },
  },
  {
    name: 'enum_value_outside',
    junk: false,
    tags: tagsOf(OUTSIDE_ENUM),
    apply: (e, r) => broken(e, ENUM_FIELD[e.tag]!, field(OUTSIDE_ENUM, e, r)),
  },
  {
    name: 'range_negative',
    junk: false,
    tags: tagsOf(NON_NEGATIVE),
    apply: (e, r) => {
      const f = field(NON_NEGATIVE, e, r);
      const v = Number(getPath(e.record, f));
      return broken(e, f, v > 0 ? -v : -1);
    },
  },
  {
    name: 'range_above_maximum',
    junk: false,
    tags: new Set<Tag>(['purchase', 'match_end']),
    apply: (e, r) =>
      e.tag === 'purchase'
        ? broken(e, 'amount', r.pick([1_000_000.01, 1_500_000, 25_000_000]))
        : broken(e, 'stats.accuracy', r.pick([1.5, 1.01, 12.5, 100])),
  },
  {
    name: 'currency_not_upper_case',
    junk: false,
    tags: new Set<Tag>(['purchase']),
    apply: (e, r) => broken(e, 'currency', r.pick(['usd', 'Eur', 'US$', 'EURO', 'GB'])),
  },
  {
    name: 'string_length',
    junk: false,
    tags: tagsOf(LENGTHS),
    apply: (e, r) => {
      const [path, min, max] = r.pick(LENGTHS[e.tag]!);
      return broken(e, path, min > 0 && r.chance(0.5) ? '' : 'x'.repeat(max + 1 + r.int(0, 20)));
    },
  },
  {
    name: 'integer_as_fraction',
    junk: false,
    tags: tagsOf(INTEGERS),
    apply: (e, r) => {
      const f = field(INTEGERS, e, r);
      return broken(e, f, Number(getPath(e.record, f)) + 0.5);
    },
  },
  {
    name: 'wrong_json_type',
    junk: false,
    tags: new Set<Tag>(['session_begin', 'damage_dealt', 'loadout_changed', 'match_end']),
    apply: (e, r) => {
      switch (e.tag) {
        case 'session_begin':
          return broken(e, 'detailed_logging', r.pick(['true', 'false', 1]));
        case 'damage_dealt':
          return broken(e, 'critical', r.pick(['yes', 1, 0]));
        case 'loadout_changed':
          return r.chance(0.5)
            ? broken(e, 'items', (e.record.items as string[]).join(','))
            : broken(e, 'perks', ['sprinter', 'ghost']);
        default:
          return broken(e, 'stats', r.chance(0.5) ? [0.4, 2] : '0.4');
      }
    },
  },
  {
    name: 'truncated_json',
    junk: true,
    apply: (e, r) => {
      const text = JSON.stringify(e.record);
      return text.slice(0, r.int(1, text.length - 2));
    },
  },
  {
    name: 'json_array',
    junk: true,
    apply: (e, r) => (r.chance(0.5) ? `[${JSON.stringify(e.record)}]` : JSON.stringify([e.tag, e.record.date, 1])),
  },
  {
    name: 'json_string',
    junk: true,
    apply: (e, r) =>
      JSON.stringify(
        r.pick([`${e.tag} ${String(e.record.date)}`, 'WARN telemetry queue full, dropped 12 events', 'heartbeat']),
      ),
  },
  {
    name: 'no_event_field',
    junk: true,
    apply: (e) => {
      delete e.record.event;
      return JSON.stringify(e.record);
    },
  },
  {
    name: 'event_not_string',
    junk: true,
    apply: (e, r) => broken(e, 'event', r.pick([3, null, true, { type: e.tag }, [e.tag]])),
  },
];

/**
 * Picks the kind of breach for an event: the least used kind that applies to its tag, so that
 * every kind shows up early and often, even those only rare event types allow.
 */
export class InvalidKindPicker {
  private readonly used = new Map<string, number>(INVALID_KINDS.map((k) => [k.name, 0]));

  pick(tag: Tag): InvalidKind {
    let best: InvalidKind | undefined,
      bestCount = Infinity;
    for (const kind of INVALID_KINDS) {
      if (kind.tags !== undefined && !kind.tags.has(tag)) continue;
      const count = this.used.get(kind.name)!;
      if (count < bestCount) {
        best = kind;
        bestCount = count;
      }
    }
    this.used.set(best!.name, bestCount + 1);
    return best!;
  }

  /** True when a kind that applies to `tag` has not been used yet. */
  hasUnused(tag: Tag): boolean {
    return INVALID_KINDS.some((k) => (k.tags === undefined || k.tags.has(tag)) && this.used.get(k.name) === 0);
  }
}
