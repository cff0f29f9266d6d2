import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DueQueue } from '../../../services/scheduler/due-queue.ts';

void describe('DueQueue', () => {
  void it('pops entries in due order', () => {
    const queue = new DueQueue<number>();
    const dues: number[] = [];
    // A fixed pseudo-random sequence, with duplicates.
    let x = 12345;
    for (let i = 0; i < 500; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const due = x % 1000;
      dues.push(due);
      queue.push(due, i);
    }
    assert.equal(queue.size, 500);
    const popped: number[] = [];
    for (let entry = queue.pop(); entry; entry = queue.pop()) popped.push(entry.due);
    assert.deepEqual(popped, [...dues].sort((a, b) => a - b));
    assert.equal(queue.size, 0);
  });

  void it('peeks without removing and clears', () => {
    const queue = new DueQueue<string>();
    assert.equal(queue.peek(), undefined);
    queue.push(20, 'b');
    queue.push(10, 'a');
    assert.deepEqual(queue.peek(), { due: 10, item: 'a' });
    assert.equal(queue.size, 2);
    queue.clear();
    assert.equal(queue.pop(), undefined);
  });
});
