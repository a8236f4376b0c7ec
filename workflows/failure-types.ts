/**
 * The types of the ApplicationFailures Loadout throws, one spelling each: activities throw them,
 * workflows stop retrying on them (activity-options.ts), the CLI and tests recognise them. The
 * strings are recorded in histories and seen by operators: never rename one.
 */

/** A table no schema of the catalog declares: no retry makes one appear. */
export const UNKNOWN_TABLE = 'UnknownTable';

/** A file batch that makes no sense (no objects, or planned under other schemas). */
export const INVALID_BATCH = 'InvalidBatch';

/** A replay window that is not one (times that do not parse, from not before to). */
export const INVALID_REPLAY = 'InvalidReplay';

/** A migration plan with a change that would lose or reinterpret data; details hold the SchemaMigrationResult. */
export const REFUSED_MIGRATION = 'RefusedMigration';

/** A load whose loadTable children failed (the others were loaded). */
export const LOAD_FAILED = 'LoadFailed';

/** A loadTableGroup some of whose tables failed; details hold its LoadTableGroupResult (the others were loaded). */
export const TABLE_GROUP_FAILED = 'LoadTableGroupFailed';

/** An erasure that waited in vain for a load claiming staged files of the player. */
export const ERASURE_WAITING = 'ErasureWaiting';

/** A replay some of whose batches failed (the others were loaded). */
export const REPLAY_BATCHES_FAILED = 'ReplayBatchesFailed';

/**
 * No longer thrown: unreadable and missing objects are quarantined and the rest of the batch goes
 * on. Still non-retryable for activities of older workers.
 */
export const UNREADABLE_OBJECT = 'UnreadableObject';
export const MISSING_OBJECT = 'MissingObject';
