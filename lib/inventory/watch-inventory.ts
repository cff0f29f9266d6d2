// Editors save in many ways (in place, or a temp file renamed over the original), and
// often several times in a burst: watch the directory, not the file, and debounce.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface InventoryWatcher {
  close(): void;
}

export function watchInventory(inventoryPath: string, onChange: () => void, debounceMs = 200): InventoryWatcher {
  const dir = path.dirname(inventoryPath);
  const base = path.basename(inventoryPath);
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dir, { persistent: false }, (_event, filename) => {
    // Some platforms give no filename; then any change in the directory counts.
    if (filename !== null && filename !== base && !filename.startsWith(base)) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
