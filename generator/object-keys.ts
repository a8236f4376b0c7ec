/** Raw object names as Firehose writes them: a UTC hour prefix, then stream, version, timestamp and a uuid. */

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY/MM/DD/HH/loadout-stream-1-YYYY-MM-DD-HH-mm-ss-<uuid>.gz` (or `.jsonl` when not gzipped). */
export function firehoseKey(time: Date, uuid: string, gzip: boolean): string {
  const y = time.getUTCFullYear(),
    mo = pad(time.getUTCMonth() + 1),
    d = pad(time.getUTCDate());
  const h = pad(time.getUTCHours()),
    mi = pad(time.getUTCMinutes()),
    s = pad(time.getUTCSeconds());
  return `${y}/${mo}/${d}/${h}/loadout-stream-1-${y}-${mo}-${d}-${h}-${mi}-${s}-${uuid}${gzip ? '.gz' : '.jsonl'}`;
}
