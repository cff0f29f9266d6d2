// vigil_parents across the inventory: each name must be a host Vigil polls, and the parents must
// form no loop. A loop would let two down hosts each wait on the other's alert, so neither would
// ever be announced; an unknown name would wait on an alert that can never fire.
import type { HostTarget } from '../poll/host-target.ts';

/** Every problem of the inventory's vigil_parents, one line each; empty when there is none. */
export function hostParentProblems(targets: readonly HostTarget[], disabled: ReadonlySet<string>): string[] {
  const byName = new Map(targets.map((target) => [target.name, target]));
  const problems: string[] = [];
  for (const target of targets) {
    for (const parent of target.alerting?.parents ?? []) {
      if (parent === target.name) problems.push(`host '${target.name}': vigil_parents names the host itself`);
      else if (disabled.has(parent)) problems.push(`host '${target.name}': vigil_parents names '${parent}', which has vigil_enabled false: its outages would never be seen`);
      else if (!byName.has(parent)) problems.push(`host '${target.name}': vigil_parents names '${parent}', which is not a host of the inventory`);
    }
  }
  for (const loop of parentLoops(byName)) problems.push(`vigil_parents form a loop: ${loopText(loop)}`);
  return problems;
}

/** A long loop shortened to its ends: the message is read by a person. */
function loopText(loop: string[]): string {
  if (loop.length <= 12) return loop.join(' -> ');
  return [...loop.slice(0, 5), `(${loop.length - 8} more)`, ...loop.slice(-3)].join(' -> ');
}

/** Each loop once, as the names along it back to the first (a -> b -> a); self-references are left to the caller. */
function parentLoops(byName: ReadonlyMap<string, HostTarget>): string[][] {
  const done = new Set<string>();
  const loops: string[][] = [];
  for (const start of [...byName.keys()].sort()) {
    if (done.has(start)) continue;
    // Depth-first with an explicit stack: a chain of thousands of hosts must not overflow the call stack.
    const path: string[] = [];
    const onPath = new Set<string>();
    const stack: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    path.push(start);
    onPath.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { name: string; next: number };
      const parents = (byName.get(top.name)?.alerting?.parents ?? []).filter((p) => p !== top.name && byName.has(p));
      const parent = parents[top.next++];
      if (parent === undefined) {
        stack.pop();
        path.pop();
        onPath.delete(top.name);
        done.add(top.name);
        continue;
      }
      if (onPath.has(parent)) {
        loops.push([...path.slice(path.indexOf(parent)), parent]);
        continue;
      }
      if (done.has(parent)) continue;
      stack.push({ name: parent, next: 0 });
      path.push(parent);
      onPath.add(parent);
    }
  }
  return loops;
}
