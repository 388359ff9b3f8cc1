// A small seeded random source for the fuzz generator: the same seed gives the same program on every machine,
// so a crash found at seed N is reproduced by generating seed N again.

/**
 * A counter passed through a 32-bit integer hash (xor-shift-multiply rounds): cheap, deterministic, and with no
 * visible pattern between neighbouring seeds, which matters because a run uses seeds N, N+1, N+2, ...
 */
export function createRandom(seed) {
  let counter = (Number(seed) * 0x9e3779b1) >>> 0;
  const next = () => {
    counter = (counter + 0x6a09e667) >>> 0;
    let x = counter;
    x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
    x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
    x ^= x >>> 15;
    return (x >>> 0) / 4294967296;
  };
  const random = {
    /** A float in [0, 1). */
    next,
    /** An integer in [0, n). */
    int: (n) => Math.floor(next() * n),
    /** An integer in [low, high]. */
    between: (low, high) => low + Math.floor(next() * (high - low + 1)),
    chance: (probability) => next() < probability,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** One value of `[weight, value]` pairs, in proportion to the weights; pairs of weight 0 are never chosen. */
    weighted(entries) {
      let total = 0;
      for (const [weight] of entries) total += weight;
      let roll = next() * total;
      for (const [weight, value] of entries) {
        if (weight <= 0) continue;
        roll -= weight;
        if (roll < 0) return value;
      }
      return entries.filter(([weight]) => weight > 0).at(-1)[1];
    },
    shuffle(list) {
      const copy = [...list];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    },
  };
  return random;
}
