/** Deterministic pseudo-random numbers (xorshift32), so every run builds the same inputs: for fuzz tests and benchmarks. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}
