/** Opens the warehouse for one activity and closes it after: a DuckDB file admits one writer process. */
import { openWarehouse } from '../stores/warehouse/open-warehouse';
import type { Warehouse } from '../stores/warehouse/warehouse';

export async function withWarehouse<T>(url: string, work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  if (url === '') throw new Error('this worker has no warehouse configured (LOADOUT_WAREHOUSE)');
  const warehouse = await openWarehouse(url);
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}
