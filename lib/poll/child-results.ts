// A poll's child entries (PollSuccess.children: a vCenter's hypervisors and VMs, a KVM host's
// guests) as poll results of their own, for the writer and the evaluator, which treat each like a host's result. A child
// result carries its parent's seq and times, so a redelivered parent result is a redelivered child
// result too (the writer keys on host and sample time) and the evaluator orders it the same way.
import type { PollChild, PollResult, PollSuccess } from './poll-messages.ts';

export interface ChildResult {
  /** The inventory host the child was polled through. */
  parent: string;
  child: PollChild;
  result: PollSuccess;
}

export function childResults(result: PollResult): ChildResult[] {
  if (result.kind !== 'sample' || result.children === undefined || result.children.length === 0) return [];
  const { children, ...base } = result;
  return children.map((child) => ({ parent: result.host, child, result: { ...base, host: child.sample.host, sample: child.sample } }));
}
