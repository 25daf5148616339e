// Seeded randomness (placement, verify samples, the fault suite): the same seed gives the same
// numbers on every machine and Node.js version (Math.random cannot be seeded). mulberry32: 32-bit
// state, a few integer operations per number, plenty for shuffling visit orders.

export type Rng = () => number;

/** A generator of floats in [0, 1) from a 32-bit seed. */
export function seeded(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export const below = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** 0 … n-1 in a random order (Fisher–Yates). */
export function permutation(rng: Rng, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
