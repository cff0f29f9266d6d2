// A binary min-heap of (due time, item): the scheduler's single timer always waits for the top.

export interface DueEntry<T> {
  due: number;
  item: T;
}

export class DueQueue<T> {
  private readonly heap: Array<DueEntry<T>> = [];

  get size(): number {
    return this.heap.length;
  }

  push(due: number, item: T): void {
    this.heap.push({ due, item });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at(parent).due <= this.at(i).due) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  peek(): DueEntry<T> | undefined {
    return this.heap[0];
  }

  pop(): DueEntry<T> | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined || this.heap.length === 0) return top;
    this.heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.heap.length && this.at(left).due < this.at(smallest).due) smallest = left;
      if (right < this.heap.length && this.at(right).due < this.at(smallest).due) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
    return top;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private at(i: number): DueEntry<T> {
    return this.heap[i] as DueEntry<T>;
  }

  private swap(a: number, b: number): void {
    const entry = this.at(a);
    this.heap[a] = this.at(b);
    this.heap[b] = entry;
  }
}
