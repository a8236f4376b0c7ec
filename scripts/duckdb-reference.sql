-- The hand-written alternative to `loadout run` (issue 13): what a user writes with DuckDB alone.
-- read_json over the gzipped raw objects, one table per event type of the shipped catalog,
-- DISTINCT ON the unique key, no validation, no personal-data treatment, no ledger.
-- Run by scripts/duckdb-reference.mjs, which puts the raw files' glob in place of {{RAW}}.
-- newline_delimited with ignore_errors: lines holding concatenated records and junk lines are dropped.
-- The columns are spelt out: the corpus's junk lines defeat read_json's sampling, and a line whose
-- values do not fit these types is dropped by ignore_errors (the only check this script makes).
CREATE OR REPLACE TEMP TABLE raw_events AS
SELECT *
FROM read_json('{{RAW}}', format = 'newline_delimited', ignore_errors = true, maximum_object_size = 16777216,
  columns = {
    event: 'VARCHAR', id: 'VARCHAR', "date": 'TIMESTAMPTZ', gsess: 'VARCHAR', psess: 'VARCHAR', eid: 'BIGINT',
    weapon: 'VARCHAR', amount: 'DOUBLE', critical: 'BOOLEAN', hit_id: 'VARCHAR', source: 'VARCHAR',
    items: 'JSON', perks: 'JSON', result: 'VARCHAR', kills: 'BIGINT', deaths: 'BIGINT',
    stats: 'STRUCT(accuracy DOUBLE, headshots BIGINT)', player_id: 'VARCHAR', sku: 'VARCHAR',
    currency: 'VARCHAR', delta: 'BIGINT', reason: 'VARCHAR', platform: 'VARCHAR', app_version: 'VARCHAR',
    detailed_logging: 'BOOLEAN', ip: 'VARCHAR', device_id: 'VARCHAR', duration_s: 'DOUBLE'
  });

CREATE SCHEMA IF NOT EXISTS reference;

CREATE OR REPLACE TABLE reference.damage_dealt AS
SELECT DISTINCT ON (id) id, "date", gsess, psess, eid, weapon, amount, critical
FROM raw_events WHERE event = 'damage_dealt';

CREATE OR REPLACE TABLE reference.damage_taken AS
SELECT DISTINCT ON (gsess, hit_id) gsess, hit_id, "date", psess, source, amount
FROM raw_events WHERE event = 'damage_taken';

CREATE OR REPLACE TABLE reference.kiosk_weapon_offered AS
SELECT DISTINCT ON (id) id, "date", psess, gsess, eid, weapon
FROM raw_events WHERE event = 'kiosk_weapon_offered';

CREATE OR REPLACE TABLE reference.loadout_changed AS
SELECT DISTINCT ON (id) id, "date", psess, items, perks
FROM raw_events WHERE event = 'loadout_changed';

CREATE OR REPLACE TABLE reference.match_end AS
SELECT DISTINCT ON (gsess, psess) gsess, psess, "date", result, kills, deaths,
       stats.accuracy AS stats_accuracy, stats.headshots AS stats_headshots
FROM raw_events WHERE event = 'match_end';

CREATE OR REPLACE TABLE reference.purchase AS
SELECT DISTINCT ON (id) id, "date", psess, player_id, sku, amount, currency
FROM raw_events WHERE event = 'purchase';

CREATE OR REPLACE TABLE reference.score_adjustment AS
SELECT DISTINCT ON (id) id, "date", psess, player_id, delta, reason
FROM raw_events WHERE event = 'score_adjustment';

CREATE OR REPLACE TABLE reference.session_begin AS
SELECT DISTINCT ON (id) id, "date", psess, player_id, platform, app_version,
       detailed_logging, ip, device_id
FROM raw_events WHERE event = 'session_begin';

CREATE OR REPLACE TABLE reference.session_end AS
SELECT DISTINCT ON (id) id, "date", psess, duration_s, reason
FROM raw_events WHERE event = 'session_end';
