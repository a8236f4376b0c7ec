/**
 * The settings loadout.config.json may hold, so a misspelt one is refused with its name (and the
 * nearest known one) instead of silently keeping its default.
 */
const KNOWN: Record<string, readonly string[]> = {
  '': [
    '$schema',
    'env',
    'home',
    'raw',
    'lake',
    'warehouse',
    'warehouseSchema',
    'loadEvery',
    'evolution',
    'schemas',
    'logFormat',
    'temporal',
    'worker',
    'discovery',
    'dashboard',
  ],
  temporal: ['address', 'namespace', 'profile', 'configFile', 'taskQueue'],
  worker: ['maxConcurrentActivities', 'batchThreads', 'metricsPort', 'workflowBundle'],
  discovery: ['sqsQueueUrl', 'listEvery', 'batchObjects', 'batchBytes'],
  dashboard: ['port'],
};

/** The first setting of `file` that Loadout does not know, with the closest known name, or undefined. */
export function unknownSetting(file: Record<string, unknown>): { path: string; suggestion?: string } | undefined {
  for (const [section, names] of Object.entries(KNOWN)) {
    const value = section === '' ? file : file[section];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const key of Object.keys(value)) {
      if (names.includes(key)) continue;
      const path = section === '' ? key : `${section}.${key}`;
      const suggestion = closest(key, names);
      return { path, ...(suggestion ? { suggestion: section === '' ? suggestion : `${section}.${suggestion}` } : {}) };
    }
  }
  return undefined;
}

/** The known name within two edits of `key` (case aside), if any. */
function closest(key: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
