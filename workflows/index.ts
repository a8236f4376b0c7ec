/** Every workflow the worker registers, one file each. */
export { fileBatch } from './file-batch';
export { discoverByListing } from './discover-by-listing';
export { load } from './load';
export { loadTable } from './load-table';
export { loadTableGroup } from './load-table-group';
export { replay } from './replay';
export { schemaMigration } from './schema-migration';
export { erasure } from './erasure';
