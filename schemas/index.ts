/** What a catalog file imports: `import { defineEvent, uuid, timestamp, z } from 'loadout/schemas'`. */
export { defineEvent, type EventDeclaration, type EventType } from './define-event';
export * from './fields';
export type { PersonalTreatment } from './personal';
export { z } from 'zod';
export { flattenOptional } from './flatten-optional';
export { anyText } from './any-text';
