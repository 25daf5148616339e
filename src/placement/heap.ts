// An indexed binary max-heap of vertices keyed by gain, for Fiduccia–Mattheyses and balance
// repair: both pick the best move again and again while each move changes its neighbours'
// gains, so a key must be updatable in place (O(log n)) rather than pushed again.
// Ties go to the vertex inserted first, which keeps every run with one seed identical.

export class GainHeap {
  private heap: Int32Array;
  private pos: Int32Array; // -1: not in the heap
  private key: Float64Array;
  private order: Int32Array; // insertion stamp, the tie-break
  private stamp = 0;
  size = 0;

  constructor(capacity: number) {
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
    this.key = new Float64Array(capacity);
    this.order = new Int32Array(capacity);
  }

  has(v: number): boolean {
    return this.pos[v]! >= 0;
  }

  insert(v: number, key: number): void {
    this.key[v] = key;
    this.order[v] = this.stamp++;
    this.heap[this.size] = v;
    this.pos[v] = this.size++;
    this.up(this.size - 1);
  }

  update(v: number, key: number): void {
    const old = this.key[v]!;
    this.key[v] = key;
    if (key > old) this.up(this.pos[v]!);
    else this.down(this.pos[v]!);
  }

  top(): number {
    return this.size ? this.heap[0]! : -1;
  }

  topKey(): number {
    return this.key[this.heap[0]!]!;
  }

  remove(v: number): void {
    const i = this.pos[v]!;
    const last = this.heap[--this.size]!;
    this.pos[v] = -1;
    if (i === this.size) return;
    this.heap[i] = last;
    this.pos[last] = i;
    this.up(i);
    this.down(this.pos[last]!);
  }

  pop(): number {
    const v = this.heap[0]!;
    this.remove(v);
    return v;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.pos[this.heap[i]!] = -1;
    this.size = 0;
  }

  private before(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka > kb || (ka === kb && this.order[a]! < this.order[b]!);
  }

  private up(i: number): void {
    const v = this.heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = this.heap[parent]!;
      if (!this.before(v, p)) break;
      this.heap[i] = p;
      this.pos[p] = i;
      i = parent;
    }
    this.heap[i] = v;
    this.pos[v] = i;
  }

  private down(i: number): void {
    const v = this.heap[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.before(this.heap[c + 1]!, this.heap[c]!)) c++;
      const child = this.heap[c]!;
      if (!this.before(child, v)) break;
      this.heap[i] = child;
      this.pos[child] = i;
      i = c;
    }
    this.heap[i] = v;
    this.pos[v] = i;
  }
}
