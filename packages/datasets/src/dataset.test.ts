import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { DatasetsError } from './errors.js';

const range = (n: number) => Array.from({ length: n }, (_, k) => k);

describe('Dataset sources', () => {
  it('reads arrays, iterables, async iterables and factories', async () => {
    async function* asyncNumbers() {
      yield 1;
      yield 2;
    }
    expect(await Dataset.from([1, 2, 3]).toArray()).toEqual([1, 2, 3]);
    expect(await Dataset.from(new Set([4, 5])).toArray()).toEqual([4, 5]);
    expect(await Dataset.from(asyncNumbers()).toArray()).toEqual([1, 2]);
    const factory = Dataset.from(() => asyncNumbers());
    expect(await factory.toArray()).toEqual([1, 2]);
    expect(await factory.toArray()).toEqual([1, 2]);
  });

  it('refuses a second pass over a one-shot generator, and says how to fix it', async () => {
    function* numbers() {
      yield 1;
    }
    const once = Dataset.from(numbers());
    expect(await once.toArray()).toEqual([1]);
    await expectErrorCode(once.toArray(), DatasetsError, 'DATASETS_INVALID_INPUT');
  });

  it('refuses things that are not sources', () => {
    expect(() => Dataset.from(42 as never)).toThrow(DatasetsError);
  });

  it('knows its size when it can', () => {
    const data = Dataset.from(range(10));
    expect(data.size).toBe(10);
    expect(data.batch(3).size).toBe(4);
    expect(data.batch(3, { dropRemainder: true }).size).toBe(3);
    expect(data.take(4).size).toBe(4);
    expect(data.skip(8).size).toBe(2);
    expect(data.filter(() => true).size).toBeNaN();
    expect(Dataset.from(() => [1]).size).toBeNaN();
    expect(data.filter(() => true).take(3).size).toBeNaN();
    expect(data.repeat(2).size).toBe(20);
    expect(data.repeat().size).toBe(Number.POSITIVE_INFINITY);
    expect(data.concatenate(Dataset.from([1])).size).toBe(11);
    expect(data.zip(Dataset.from([1, 2])).size).toBe(2);
  });
});

describe('Dataset stages', () => {
  it('maps, filters, takes, skips, concatenates and zips', async () => {
    const data = Dataset.from(range(6));
    expect(await data.map((x, i) => x * 10 + i).toArray()).toEqual([0, 11, 22, 33, 44, 55]);
    expect(await data.map(async (x) => x + 1).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await data.filter((x) => x % 2 === 0).toArray()).toEqual([0, 2, 4]);
    expect(await data.take(2).toArray()).toEqual([0, 1]);
    expect(await data.take(0).toArray()).toEqual([]);
    expect(await data.skip(4).toArray()).toEqual([4, 5]);
    expect(
      await data
        .take(2)
        .concatenate(Dataset.from([9]))
        .toArray(),
    ).toEqual([0, 1, 9]);
    expect(await Dataset.zip(data, Dataset.from(['a', 'b'])).toArray()).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
  });

  it('batches with and without the remainder', async () => {
    expect(await Dataset.from(range(5)).batch(2).toArray()).toEqual([[0, 1], [2, 3], [4]]);
    expect(await Dataset.from(range(5)).batch(2, { dropRemainder: true }).toArray()).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('repeats a finite number of times or forever', async () => {
    expect(await Dataset.from([1, 2]).repeat(3).toArray()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(await Dataset.from([1, 2]).repeat().take(5).toArray()).toEqual([1, 2, 1, 2, 1]);
    expect(await Dataset.from([1, 2]).repeat(0).toArray()).toEqual([]);
  });

  it('reads lazily: nothing beyond what is consumed', async () => {
    let produced = 0;
    const data = Dataset.from(function* () {
      for (let k = 0; ; k++) {
        produced++;
        yield k;
      }
    });
    expect(
      await data
        .map((x) => x * 2)
        .take(3)
        .toArray(),
    ).toEqual([0, 2, 4]);
    expect(produced).toBe(3);
  });

  it('rejects invalid sizes', () => {
    const data = Dataset.from([1]);
    for (const make of [
      () => data.batch(0),
      () => data.shuffle(0, 1),
      () => data.take(-1),
      () => data.shuffle(4, 1.5),
    ]) {
      expect(make).toThrow(DatasetsError);
    }
  });

  it('works with tfjs-style iterator()', async () => {
    const iterator = await Dataset.from([7, 8]).iterator();
    expect(await iterator.next()).toEqual({ value: 7, done: false });
    expect(await iterator.next()).toEqual({ value: 8, done: false });
    expect((await iterator.next()).done).toBe(true);
  });
});

describe('Dataset.shuffle', () => {
  it('is a permutation, the same for the same seed, different for another', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer(),
        async (n, buffer, seed) => {
          const once = await Dataset.from(range(n)).shuffle(buffer, seed).toArray();
          expect([...once].sort((a, b) => a - b)).toEqual(range(n));
          expect(await Dataset.from(range(n)).shuffle(buffer, seed).toArray()).toEqual(once);
        },
      ),
      { numRuns: 50 },
    );
    const a = await Dataset.from(range(50)).shuffle(50, 1).toArray();
    const b = await Dataset.from(range(50)).shuffle(50, 2).toArray();
    expect(a).not.toEqual(b);
  });

  it('reshuffles each pass deterministically, or repeats the order when asked not to', async () => {
    const data = Dataset.from(range(30)).shuffle(30, 5);
    const [first, second] = [await data.toArray(), await data.toArray()];
    expect(first).not.toEqual(second);
    const again = Dataset.from(range(30)).shuffle(30, 5);
    expect([await again.toArray(), await again.toArray()]).toEqual([first, second]);
    const fixed = Dataset.from(range(30)).shuffle(30, 5, { reshuffleEachIteration: false });
    expect(await fixed.toArray()).toEqual(await fixed.toArray());
  });

  it('resumes the pass sequence with firstPass (a resumed run sees the uninterrupted order)', async () => {
    const uninterrupted = Dataset.from(range(30)).shuffle(8, 5);
    const passes = [];
    for (let pass = 0; pass < 4; pass++) passes.push(await uninterrupted.toArray());
    const resumed = Dataset.from(range(30)).shuffle(8, 5, { firstPass: 2 });
    expect([await resumed.toArray(), await resumed.toArray()]).toEqual(passes.slice(2));
    expectErrorCode(
      () => Dataset.from(range(3)).shuffle(3, 1, { firstPass: -1 }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  it('with a full buffer, puts every element first about equally often (chi-square)', async () => {
    const counts = new Array<number>(5).fill(0);
    const data = Dataset.from(range(5)).shuffle(5, 11).repeat(2000);
    let position = 0;
    for await (const item of data) {
      if (position % 5 === 0) counts[item]!++;
      position++;
    }
    const chiSquare = counts.reduce((sum, observed) => sum + (observed - 400) ** 2 / 400, 0);
    expect(chiSquare).toBeLessThan(18.47); // p = 0.001, 4 degrees of freedom
  });
});

describe('Dataset under degenerate input and cancellation (issue 13)', () => {
  /** A re-iterable source that fails plainly (not a DatasetsError) after `limit` passes: a spin guard. */
  const guardedPasses = (items: readonly number[], limit = 1000) => {
    let passes = 0;
    return Dataset.from(() => {
      if (++passes > limit) throw new Error(`spun through ${limit} passes`);
      return items;
    });
  };

  it('issue 13 #5: a pass that yields nothing under repeat() is DATASETS_EMPTY_INPUT instead of spinning', async () => {
    const spinning = guardedPasses([1, 2])
      .filter(() => false)
      .repeat()
      .take(1);
    await expectErrorCode(spinning.toArray(), DatasetsError, 'DATASETS_EMPTY_INPUT');
    await expectErrorCode(guardedPasses([]).repeat().toArray(), DatasetsError, 'DATASETS_EMPTY_INPUT');
    await expectErrorCode(
      guardedPasses([1])
        .filter(() => false)
        .repeat()
        .batch(4)
        .take(1)
        .toArray(),
      DatasetsError,
      'DATASETS_EMPTY_INPUT',
    );
    await expectErrorCode(guardedPasses([]).repeat(1e9).toArray(), DatasetsError, 'DATASETS_EMPTY_INPUT');
    // Passes that do yield repeat as before.
    expect(
      await Dataset.from([1, 2])
        .filter((x) => x > 1)
        .repeat()
        .take(3)
        .toArray(),
    ).toEqual([2, 2, 2]);
  });

  it('issue 13 #5: size does not claim a count it cannot know (NaN after filter, also through repeat and take)', () => {
    const filtered = Dataset.from([1, 2]).filter(() => false);
    expect(filtered.repeat().size).toBeNaN();
    expect(filtered.repeat().take(1).size).toBeNaN();
    expect(Dataset.from([]).repeat().size).toBe(0);
    expect(Dataset.from([1]).repeat().take(3).size).toBe(3);
    expect(Dataset.from([1]).repeat(0).size).toBe(0);
  });

  it('issue 13 #5: a long pipeline yields to the event loop, so a timer fires before it ends', async () => {
    let timerFiredFirst: boolean | null = null;
    setTimeout(() => {
      timerFiredFirst ??= true;
    }, 5);
    await Dataset.from(range(300_000))
      .filter(() => false)
      .toArray();
    timerFiredFirst ??= false;
    expect(timerFiredFirst).toBe(true);
  });

  it('issue 13 #5: toArray({ signal }) and withSignal stop a pipeline that discards everything (DATASETS_ABORTED)', async () => {
    const endless = () =>
      Dataset.from(function* () {
        for (let k = 0; k < 3_000_000; k++) yield k; // bounded, so the code before the fix ends (silently)
      }).filter(() => false);
    const reason = new Error('deadline');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 20);
    const error = await expectErrorCode(
      endless().toArray({ signal: controller.signal }),
      DatasetsError,
      'DATASETS_ABORTED',
    );
    expect(error.cause).toBe(reason);
    await expectErrorCode(
      (async () => {
        for await (const _ of endless().withSignal(AbortSignal.timeout(20))) break;
      })(),
      DatasetsError,
      'DATASETS_ABORTED',
    );
    // An aborted signal stops before anything is read; the signal reaches stages upstream of map.
    await expectErrorCode(
      Dataset.from([1]).toArray({ signal: AbortSignal.abort() }),
      DatasetsError,
      'DATASETS_ABORTED',
    );
    await expectErrorCode(
      endless()
        .withSignal(AbortSignal.timeout(20))
        .map((x) => x)
        .toArray(),
      DatasetsError,
      'DATASETS_ABORTED',
    );
  });

  it('rejects a signal that is not an AbortSignal and misspelt toArray options', async () => {
    await expectErrorCode(
      Dataset.from([1]).toArray({ signal: 'soon' as never }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    await expectErrorCode(
      Dataset.from([1]).toArray({ signl: null } as never),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => Dataset.from([1]).withSignal({} as never),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  it('rejects non-functions for map and filter and non-datasets for zip and concatenate at the call', () => {
    const data = Dataset.from([1]);
    expectErrorCode(() => data.map(42 as never), DatasetsError, 'DATASETS_INVALID_OPTION');
    expectErrorCode(() => data.filter(null as never), DatasetsError, 'DATASETS_INVALID_OPTION');
    expectErrorCode(() => Dataset.zip(data, [1] as never), DatasetsError, 'DATASETS_INVALID_INPUT');
    expectErrorCode(() => data.concatenate(null as never), DatasetsError, 'DATASETS_INVALID_INPUT');
  });

  it('yields the same elements whether or not the event loop gets turns (pacing changes no order)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer(), { maxLength: 200 }), fc.integer(), async (items, seed) => {
        const piped = await Dataset.from(items)
          .map((x) => x + 1)
          .filter((x) => x % 3 !== 0)
          .shuffle(7, seed)
          .withSignal(new AbortController().signal)
          .toArray();
        const expected = await Dataset.from(items)
          .map((x) => x + 1)
          .filter((x) => x % 3 !== 0)
          .shuffle(7, seed)
          .toArray();
        expect(piped).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});
