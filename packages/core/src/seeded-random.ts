import { describeValue } from './describe-value.js';
import { CoreError } from './errors.js';

const TWO_POW_32 = 2 ** 32;
const TWO_POW_26 = 2 ** 26;
const TWO_POW_53 = 2 ** 53;

/** MurmurHash3's 32-bit finaliser: a bijective mix of one 32-bit word. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function invalid(where: string, name: string, value: unknown, rule: string, fix: string): never {
  throw new CoreError(
    'CORE_INVALID_OPTION',
    `${where}: ${name} ${rule}, got ${describeValue(value)}. ${fix}`,
  );
}

/**
 * rnnkit's one seeded random source, used by every package that makes a random choice
 * (shuffles, splits, sampling): xoshiro128** (Blackman & Vigna), its 128-bit state seeded from
 * the 64-bit two's complement of `seed` through MurmurHash3's finaliser. Same seed, same
 * sequence, on every platform; no dependency. Its state can be saved and restored, so a resumed
 * run continues exactly where an uninterrupted one would.
 *
 * @example
 * const random = new SeededRandom(42);
 * random.nextFloat(); // same number on every run and machine
 * const again = SeededRandom.fromState(random.state); // continues the same sequence
 */
export class SeededRandom {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /**
   * @param seed any safe integer.
   * @throws CoreError `CORE_INVALID_OPTION` for a seed that is not a safe integer.
   */
  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      invalid('SeededRandom', 'seed', seed, 'must be a safe integer', 'Pass e.g. new SeededRandom(42).');
    }
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    const mixedHigh = fmix32(high ^ 0x6a09e667);
    this.#s0 = fmix32((low + 0x9e3779b9) ^ mixedHigh);
    this.#s1 = fmix32((low + 0x3c6ef372) ^ rotl(mixedHigh, 8));
    this.#s2 = fmix32((low + 0xdaa66d2b) ^ rotl(mixedHigh, 16));
    this.#s3 = fmix32((low + 0x78dde6e4) ^ rotl(mixedHigh, 24));
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /**
   * A generator continuing from a saved {@link SeededRandom.state} (four unsigned 32-bit words,
   * not all zero).
   * @throws CoreError `CORE_INVALID_OPTION` for a malformed or all-zero state.
   */
  static fromState(state: readonly number[]): SeededRandom {
    if (
      !Array.isArray(state) ||
      state.length !== 4 ||
      state.some((word) => !Number.isInteger(word) || word < 0 || word >= TWO_POW_32) ||
      state.every((word) => word === 0)
    ) {
      invalid(
        'SeededRandom.fromState',
        'state',
        state,
        'must be four unsigned 32-bit integers, not all zero',
        'Pass the value of a SeededRandom’s state property.',
      );
    }
    const random = new SeededRandom(0);
    [random.#s0, random.#s1, random.#s2, random.#s3] = state as [number, number, number, number];
    return random;
  }

  /** The generator state (four unsigned 32-bit words): {@link SeededRandom.fromState} continues from here. */
  get state(): readonly number[] {
    return [this.#s0, this.#s1, this.#s2, this.#s3];
  }

  /** The next 32-bit output, an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#s1 << 9) >>> 0;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 = (this.#s2 ^ t) >>> 0;
    this.#s3 = rotl(this.#s3, 11);
    this.#s0 >>>= 0;
    this.#s1 >>>= 0;
    return result;
  }

  /** A float uniform in `[0, 1)` with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  /**
   * An integer uniform in `[0, maxExclusive)`, without modulo bias (rejection sampling).
   * @throws CoreError `CORE_INVALID_OPTION` unless `maxExclusive` is an integer in `[1, 2^53]`.
   */
  nextInt(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_53) {
      invalid(
        'SeededRandom.nextInt',
        'maxExclusive',
        maxExclusive,
        'must be an integer in [1, 2^53]',
        'Pass a positive integer.',
      );
    }
    if (maxExclusive <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
      let draw = this.nextUint32();
      while (draw >= limit) draw = this.nextUint32();
      return draw % maxExclusive;
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % maxExclusive);
    let draw = this.nextFloat() * TWO_POW_53;
    while (draw >= limit) draw = this.nextFloat() * TWO_POW_53;
    return draw % maxExclusive;
  }

  /** Shuffles `items` in place (Fisher–Yates, each permutation equally likely) and returns it. */
  shuffleInPlace<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const swap = items[i]!;
      items[i] = items[j]!;
      items[j] = swap;
    }
    return items;
  }
}
