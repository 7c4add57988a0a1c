/** A binary min-heap ordered by a numeric key: O(log n) push and pop, O(1) peek. */
export class MinHeap<T> {
  private readonly items: { key: number; value: T }[] = [];

  get size(): number {
    return this.items.length;
  }

  push(key: number, value: T): void {
    const items = this.items;
    items.push({ key, value });
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const up = items[parent];
      const current = items[index];
      if (!up || !current || up.key <= current.key) break;
      items[parent] = current;
      items[index] = up;
      index = parent;
    }
  }

  peek(): { key: number; value: T } | undefined {
    return this.items[0];
  }

  pop(): { key: number; value: T } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (!top || !last || items.length === 0) return top;
    items[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if ((items[left]?.key ?? Infinity) < (items[smallest]?.key ?? Infinity)) smallest = left;
      if ((items[right]?.key ?? Infinity) < (items[smallest]?.key ?? Infinity)) smallest = right;
      if (smallest === index) break;
      const a = items[index];
      const b = items[smallest];
      if (!a || !b) break;
      items[index] = b;
      items[smallest] = a;
      index = smallest;
    }
    return top;
  }
}
