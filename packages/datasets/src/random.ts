import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { requireInteger } from './validate.js';

/**
 * A seeded random source (xoroshiro128+ from `pure-rand`, the generator fast-check uses):
 * same seed, same sequence, on every platform. Its state can be saved and restored, so a
 * resumed training run shuffles exactly as an uninterrupted one.
 */
export class SeededRandom {
  readonly #generator: ReturnType<typeof xoroshiro128plus>;

  /** @param seed any safe integer. */
  constructor(seed: number | { readonly state: readonly number[] }) {
    this.#generator =
      typeof seed === 'number'
        ? xoroshiro128plus(requireInteger(seed, 'seed', Number.MIN_SAFE_INTEGER))
        : xoroshiro128plusFromState(seed.state);
  }

  /** An integer uniform in `[0, maxExclusive)`. */
  nextInt(maxExclusive: number): number {
    return uniformInt(this.#generator, 0, maxExclusive - 1);
  }

  /** A float uniform in `[0, 1)`. */
  nextFloat(): number {
    return uniformFloat64(this.#generator);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffleInPlace<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const swap = items[i]!;
      items[i] = items[j]!;
      items[j] = swap;
    }
    return items;
  }

  /** The generator state, for checkpoints: `new SeededRandom({ state })` continues from here. */
  get state(): readonly number[] {
    return this.#generator.getState();
  }
}
