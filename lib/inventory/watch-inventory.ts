// Follows edits to an inventory: the file (or directory) and the group_vars/ and host_vars/
// beside it, with their subdirectories, also those created after the start.
//
// Editors save in many ways: in place, or a temp file renamed over the original (which
// replaces the inode, so a watch on the file itself goes deaf), often several times in a burst.
// So directories are watched, never files, and events are debounced into one call. One
// non-recursive fs.watch per directory, kept in step with the tree on every change, rather than
// fs.watch's `recursive`, whose Linux implementation in Node 20 misses directories created later.
import { readdirSync, statSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import path from 'node:path';

export interface InventoryWatcher {
  close(): void;
}

export interface WatchInventoryOptions {
  /** Quiet time after the last event before onChange is called. */
  debounceMs?: number;
  /** Longest delay after the first event of a burst, so that endless churn still gets applied. */
  maxWaitMs?: number;
  /** While the watched directory is missing, how often to look for it again. */
  retryMs?: number;
  /** Beside a file, follow group_vars/ and host_vars/ too (default); false: the file alone (alerts.yml). */
  varsDirs?: boolean;
}

// Editors' swap, lock and backup files: their churn while someone types is not an edit.
// (vim writes "4913" to test whether it may create files in a directory.)
const EDITOR_NOISE = /(?:\.sw[a-z]|~|\.bak|\.orig)$|^\.#|^4913$/;
const VARS_DIRS = ['group_vars', 'host_vars'];

export function watchInventory(inventoryPath: string, onChange: () => void, options: WatchInventoryOptions = {}): InventoryWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const maxWaitMs = Math.max(debounceMs, options.maxWaitMs ?? 1000);
  const retryMs = options.retryMs ?? 1000;

  const target = path.resolve(inventoryPath);
  const isDirectory = isDir(target);
  const baseDir = isDirectory ? target : path.dirname(target);
  const baseName = path.basename(target);
  // A directory inventory is read whole, subdirectories included, as Ansible does; beside a
  // file, only the vars directories are (the rest of its directory is not inventory).
  const varsDirs = options.varsDirs === false ? [] : VARS_DIRS;
  const trees = isDirectory ? [target] : varsDirs.map((name) => path.join(baseDir, name));

  // By directory path, with the inode watched: a directory swapped for a new one under the same
  // name (a deploy tool's atomic switch) needs a new watcher, the old one follows the old inode.
  const watchers = new Map<string, { watcher: FSWatcher; ino: number }>();
  let closed = false;
  let debounce: NodeJS.Timeout | undefined;
  let burstDeadline: number | null = null;
  let retry: NodeJS.Timeout | undefined;

  const fire = (): void => {
    debounce = undefined;
    burstDeadline = null;
    if (closed) return;
    sync();
    onChange();
  };

  const schedule = (): void => {
    if (closed) return;
    const now = Date.now();
    burstDeadline ??= now + maxWaitMs;
    clearTimeout(debounce);
    debounce = setTimeout(fire, Math.max(0, Math.min(debounceMs, burstDeadline - now)));
  };

  const relevantInBaseDir = (filename: string | null): boolean => {
    // Some platforms give no name: then anything may have changed.
    if (filename === null) return true;
    if (isDirectory) return !EDITOR_NOISE.test(filename);
    // Kubernetes mounts swap a "..data" symlink to update a ConfigMap's files atomically.
    return filename === baseName || varsDirs.includes(filename) || filename.startsWith('..');
  };

  const addWatcher = (dir: string, ino: number, filter: (filename: string | null) => boolean): void => {
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (_event, filename) => {
        if (filter(filename === null ? null : String(filename))) schedule();
      });
    } catch {
      // Gone between listing and watching: the next sync sees it is gone.
      return;
    }
    // A watched directory that is deleted or unmounted ends its watcher; the tree changed.
    watcher.on('error', () => {
      watcher.close();
      if (watchers.get(dir)?.watcher === watcher) watchers.delete(dir);
      schedule();
    });
    watchers.set(dir, { watcher, ino });
  };

  /** Watches every directory that exists in the watched trees now, and stops watching those gone. */
  const sync = (): void => {
    if (closed) return;
    const wanted = new Map<string, number>();
    if (!isDirectory) collectDirs(baseDir, wanted, false);
    for (const tree of trees) collectDirs(tree, wanted, true);
    for (const [dir, watched] of watchers) {
      if (wanted.get(dir) !== watched.ino) {
        watched.watcher.close();
        watchers.delete(dir);
      }
    }
    for (const [dir, ino] of wanted) {
      if (watchers.has(dir)) continue;
      const filter = dir === baseDir ? relevantInBaseDir : (filename: string | null) => filename === null || !EDITOR_NOISE.test(filename);
      addWatcher(dir, ino, filter);
    }
    // Without its base directory (a directory inventory replaced whole, a volume not yet
    // mounted) nothing would tell us it came back: look for it until it does.
    clearTimeout(retry);
    retry = undefined;
    if (!watchers.has(baseDir)) {
      retry = setTimeout(() => {
        retry = undefined;
        if (!closed && isDir(baseDir)) fire();
        else sync();
      }, retryMs);
      retry.unref();
    }
  };

  sync();

  return {
    close: () => {
      closed = true;
      clearTimeout(debounce);
      clearTimeout(retry);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/** The directory and, if `recursive`, every directory below it, with their inodes; none if it is missing. */
function collectDirs(dir: string, into: Map<string, number>, recursive: boolean): void {
  let ino: number;
  let entries;
  try {
    const stats = statSync(dir);
    if (!stats.isDirectory()) return;
    ino = stats.ino;
    entries = recursive ? readdirSync(dir, { withFileTypes: true }) : [];
  } catch {
    return;
  }
  into.set(dir, ino);
  for (const entry of entries) {
    if (entry.isDirectory()) collectDirs(path.join(dir, entry.name), into, true);
  }
}

function isDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
