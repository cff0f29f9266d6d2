// Follows edits to alerts.yml (VIGIL_ALERT_RULES) in a running evaluator or alerter, as the
// scheduler follows the inventory: the same directory watch (atomic renames, bursts of saves),
// then the file is read again. A file with problems changes nothing: the last good rules stay in
// force, and every problem is logged as file:line, once per edit. A file removed means the
// built-in defaults, as at start.
import type { AlertsConfig } from './alerts-config.ts';
import { AlertsFileError, loadAlertsFile } from './alerts-file.ts';
import { watchInventory } from '../inventory/watch-inventory.ts';
import type { WatchInventoryOptions } from '../inventory/watch-inventory.ts';
import type { Logger } from '../log.ts';

export interface WatchAlertsFileOptions {
  path: string;
  log: Logger;
  /** The rules in force when the watch starts, so that a save that changes nothing is not a reload. */
  current: AlertsConfig;
  /** Called with each new good configuration. */
  onReload: (config: AlertsConfig) => void;
  watch?: Omit<WatchInventoryOptions, 'varsDirs'>;
}

export interface AlertsFileWatcher {
  /** The configuration in force: the last good one. */
  current(): AlertsConfig;
  /** What is wrong with the file as it is now, or null while it is good (its rules are in force). */
  problem(): string | null;
  /** For a heartbeat's info: which file, and what is wrong with it. */
  status(): { rulesFile: string; rulesProblem: string | null };
  /** Resolves once no read of the file is under way (tests, orderly stops). */
  idle(): Promise<void>;
  close(): void;
  /** Closes, then waits for a read under way. */
  stop(): Promise<void>;
}

export function watchAlertsFile(options: WatchAlertsFileOptions): AlertsFileWatcher {
  const { path, log } = options;
  let current = options.current;
  let inForce = JSON.stringify(current);
  let problem: string | null = null;
  let closed = false;
  let reading: Promise<void> = Promise.resolve();
  let again = false;
  let busy = false;

  const read = async (): Promise<void> => {
    let next: AlertsConfig;
    try {
      next = await loadAlertsFile(path);
    } catch (error) {
      if (closed) return;
      const problems = error instanceof AlertsFileError ? error.problems : [`${path}: ${error instanceof Error ? error.message : String(error)}`];
      const text = problems.join('\n');
      if (text !== problem) log.error('alert rules file has problems; keeping the last good rules', { file: path, problems });
      problem = text;
      return;
    }
    if (closed) return;
    if (problem !== null) log.info('alert rules file is good again', { file: path });
    problem = null;
    const json = JSON.stringify(next);
    if (json === inForce) return;
    inForce = json;
    current = next;
    options.onReload(next);
  };

  // One read at a time; an edit during a read is read again after it, so the newest save wins.
  const onChange = (): void => {
    if (closed) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    reading = (async () => {
      try {
        do {
          again = false;
          await read();
        } while (again && !closed);
      } catch (error) {
        log.error('applying the reloaded alert rules failed', { file: path, error });
      } finally {
        busy = false;
      }
    })();
  };

  const watcher = watchInventory(path, onChange, { ...options.watch, varsDirs: false });
  const close = (): void => {
    closed = true;
    watcher.close();
  };
  return {
    current: () => current,
    problem: () => problem,
    status: () => ({ rulesFile: path, rulesProblem: problem }),
    idle: () => reading,
    close,
    stop: async () => {
      close();
      await reading;
    },
  };
}
