// The InventoryError readInventory rejects with, for tests of what an operator is told.
import assert from 'node:assert/strict';
import { InventoryError } from '../../lib/inventory/inventory.ts';
import { readInventory } from '../../lib/inventory/read-inventory.ts';
import type { ReadInventoryOptions } from '../../lib/inventory/read-inventory.ts';

export async function readInventoryError(path: string, options: ReadInventoryOptions = {}): Promise<InventoryError> {
  return readInventory(path, options).then(
    () => assert.fail('should not read'),
    (err: unknown) => {
      assert.ok(err instanceof InventoryError, `expected an InventoryError, got ${String(err)}`);
      return err;
    },
  );
}
