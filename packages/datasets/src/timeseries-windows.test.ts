import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import {
  countTimeseriesWindows,
  DEFAULT_TIMESERIES_WINDOW_OPTIONS,
  resolveTimeseriesWindowOptions,
  type TimeseriesWindow,
  type TimeseriesWindowOptions,
  timeseriesWindows,
} from './timeseries-windows.js';

const plain = (windows: Iterable<TimeseriesWindow>) =>
  [...windows].map((w) => ({ ...w, xs: [...w.xs], ys: [...w.ys] }));

describe('resolveTimeseriesWindowOptions', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_TIMESERIES_WINDOW_OPTIONS).toEqual({ stride: 1, targetColumns: null, columns: null });
    expect(resolveTimeseriesWindowOptions({ inputSteps: 24, outputSteps: 1, shift: 24 })).toEqual({
      inputSteps: 24,
      outputSteps: 1,
      shift: 24,
      stride: 1,
      targetColumns: null,
      columns: null,
      totalSteps: 48,
    });
  });

  it('rejects missing or non-positive widths, labels wider than the window, bad columns', () => {
    const base = { inputSteps: 3, outputSteps: 1, shift: 1 };
    const bad: unknown[] = [
      { outputSteps: 1, shift: 1 },
      { ...base, inputSteps: 0 },
      { ...base, outputSteps: 0 },
      { ...base, shift: 0 },
      { ...base, shift: -1 },
      { ...base, stride: 0 },
      { ...base, stride: 1.5 },
      { ...base, outputSteps: 5 }, // > inputSteps + shift = 4
      { ...base, targetColumns: [] },
      { ...base, targetColumns: 'T' },
      { ...base, targetColumns: [0.5] },
      { ...base, columns: [1, 2] },
      { ...base, label_width: 1 },
    ];
    for (const options of bad) {
      expectErrorCode(
        () => resolveTimeseriesWindowOptions(options as TimeseriesWindowOptions),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
    }
    expect(resolveTimeseriesWindowOptions({ ...base, outputSteps: 4 }).outputSteps).toBe(4);
  });
});

describe('timeseriesWindows', () => {
  it('single-step univariate windows (hand-computed)', () => {
    expect(plain(timeseriesWindows([1, 2, 3, 4, 5], { inputSteps: 3, outputSteps: 1, shift: 1 }))).toEqual([
      { xs: [1, 2, 3], ys: [4], xsShape: [3, 1], ysShape: [1, 1], start: 0, labelStart: 3 },
      { xs: [2, 3, 4], ys: [5], xsShape: [3, 1], ysShape: [1, 1], start: 1, labelStart: 4 },
    ]);
  });

  it("the tutorial's w2: 6 in, 1 label 1 step after, and w1: 24 in, 1 label 24 steps after", () => {
    const series = Float32Array.from({ length: 60 }, (_, k) => k);
    const w2 = plain(timeseriesWindows(series, { inputSteps: 6, outputSteps: 1, shift: 1 }));
    expect(w2[0]).toMatchObject({ xs: [0, 1, 2, 3, 4, 5], ys: [6], labelStart: 6 });
    const w1 = plain(timeseriesWindows(series, { inputSteps: 24, outputSteps: 1, shift: 24 }));
    expect(w1[0]!.ys).toEqual([47]);
    expect(w1[0]!.labelStart).toBe(47);
    expect(w1.length).toBe(60 - 48 + 1);
  });

  it('wide windows: ys overlap the xs when outputSteps > shift', () => {
    const [first] = plain(timeseriesWindows([0, 1, 2, 3, 4, 5], { inputSteps: 4, outputSteps: 4, shift: 1 }));
    expect(first).toMatchObject({ xs: [0, 1, 2, 3], ys: [1, 2, 3, 4], labelStart: 1 });
  });

  it('multivariate, multi-step, selected label columns: matches a numpy WindowGenerator (wg_ref.py)', () => {
    // data = np.arange(30).reshape(10, 3) * 1.5 - 4; input 3, label 2, shift 2, stride 2, label columns [2, 0]
    const rows = Array.from({ length: 10 }, (_, r) => [0, 1, 2].map((c) => (r * 3 + c) * 1.5 - 4));
    const options = { inputSteps: 3, outputSteps: 2, shift: 2, stride: 2, targetColumns: [2, 0] };
    const windows = plain(timeseriesWindows(rows, options));
    expect(windows.length).toBe(3);
    expect(countTimeseriesWindows(rows, options)).toBe(3);
    expect(windows[0]).toMatchObject({
      xs: [-4.0, -2.5, -1.0, 0.5, 2.0, 3.5, 5.0, 6.5, 8.0],
      ys: [12.5, 9.5, 17.0, 14.0],
      xsShape: [3, 3],
      ysShape: [2, 2],
    });
    expect(windows[2]).toMatchObject({
      xs: [14.0, 15.5, 17.0, 18.5, 20.0, 21.5, 23.0, 24.5, 26.0],
      ys: [30.5, 27.5, 35.0, 32.0],
    });
  });

  it('selects label columns by name when columns are named', () => {
    const rows = [
      [1000, -8],
      [1001, -7],
      [1002, -6],
    ];
    const [window] = plain(
      timeseriesWindows(rows, {
        inputSteps: 2,
        outputSteps: 1,
        shift: 1,
        columns: ['p (mbar)', 'T (degC)'],
        targetColumns: ['T (degC)'],
      }),
    );
    expect(window).toMatchObject({ xs: [1000, -8, 1001, -7], ys: [-6], ysShape: [1, 1] });
  });

  it('yields fresh float32 arrays and leaves the series alone', () => {
    const series = [0.1, 0.2, 0.3, 0.4];
    const windows = [...timeseriesWindows(series, { inputSteps: 2, outputSteps: 1, shift: 1 })];
    expect(windows[0]!.xs).toBeInstanceOf(Float32Array);
    expect(windows[0]!.ys).toBeInstanceOf(Float32Array);
    windows[0]!.xs[1] = 9;
    expect(windows[1]!.xs[0]).toBeCloseTo(0.2, 6);
    expect(series).toEqual([0.1, 0.2, 0.3, 0.4]);
  });

  it('rejects bad series and column choices with typed codes, at call time', () => {
    const options = { inputSteps: 2, outputSteps: 1, shift: 1 };
    expectErrorCode(() => timeseriesWindows([], options), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(() => timeseriesWindows([[], []], options), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(() => timeseriesWindows([1, 2], options), DatasetsError, 'DATASETS_TOO_SHORT');
    expectErrorCode(() => countTimeseriesWindows([[1], [2]], options), DatasetsError, 'DATASETS_TOO_SHORT');
    expectErrorCode(
      () => timeseriesWindows([[1, 2], [3], [5, 6]], options),
      DatasetsError,
      'DATASETS_SHAPE_MISMATCH',
    );
    for (const series of [[1, 'a', 3], [1, Number.NaN, 3], [[1, 2], 3, [4, 5]], [1, [2], 3], 'abc', null]) {
      expectErrorCode(
        () => timeseriesWindows(series as number[], options),
        DatasetsError,
        'DATASETS_INVALID_INPUT',
      );
    }
    const rows = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    expectErrorCode(
      () => timeseriesWindows(rows, { ...options, targetColumns: [2] }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => timeseriesWindows(rows, { ...options, targetColumns: ['T'] }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => timeseriesWindows(rows, { ...options, columns: ['a', 'b'], targetColumns: ['T'] }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => timeseriesWindows(rows, { ...options, targetColumns: [1, 1] }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => timeseriesWindows(rows, { ...options, columns: ['a'] }),
      DatasetsError,
      'DATASETS_SHAPE_MISMATCH',
    );
    expectErrorCode(
      () => timeseriesWindows(rows, { ...options, columns: ['a', 'a'] }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  const caseArb = fc
    .record({
      rows: fc.integer({ min: 1, max: 40 }),
      features: fc.integer({ min: 1, max: 4 }),
      inputSteps: fc.integer({ min: 1, max: 8 }),
      shift: fc.integer({ min: 1, max: 6 }),
      labelFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      stride: fc.integer({ min: 1, max: 4 }),
      seed: fc.nat(),
    })
    .chain((c) =>
      fc
        .shuffledSubarray(
          Array.from({ length: c.features }, (_, k) => k),
          { minLength: 1 },
        )
        .map((targets) => ({ ...c, targets })),
    );

  it('property: every window is a contiguous slice and ys follow xs by shift', () => {
    fc.assert(
      fc.property(caseArb, ({ rows, features, inputSteps, shift, labelFraction, stride, targets }) => {
        const totalSteps = inputSteps + shift;
        fc.pre(rows >= totalSteps);
        const outputSteps = 1 + Math.floor(labelFraction * (totalSteps - 1));
        // Value = r·10 + c names its position, and is exact in float32.
        const series = Array.from({ length: rows }, (_, r) =>
          Array.from({ length: features }, (_, c) => r * 10 + c),
        );
        const options = { inputSteps, outputSteps, shift, stride, targetColumns: targets };
        const windows = plain(timeseriesWindows(series, options));
        expect(windows.length).toBe(Math.floor((rows - totalSteps) / stride) + 1);
        expect(countTimeseriesWindows(series, options)).toBe(windows.length);
        windows.forEach((w, k) => {
          expect(w.start).toBe(k * stride);
          expect(w.xsShape).toEqual([inputSteps, features]);
          expect(w.ysShape).toEqual([outputSteps, targets.length]);
          expect(w.xs).toEqual(series.slice(w.start, w.start + inputSteps).flat());
          // The ys end exactly `shift` steps after the xs end.
          expect(w.labelStart + outputSteps).toBe(w.start + inputSteps + shift);
          expect(w.labelStart + outputSteps).toBeLessThanOrEqual(rows);
          expect(w.ys).toEqual(
            series
              .slice(w.labelStart, w.labelStart + outputSteps)
              .flatMap((row) => targets.map((c) => row[c]!)),
          );
        });
      }),
    );
  });

  it('property: a univariate series equals the same series as one-column rows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (values, inputSteps, shift) => {
          fc.pre(values.length >= inputSteps + shift);
          const options = { inputSteps, outputSteps: 1, shift };
          expect(plain(timeseriesWindows(values, options))).toEqual(
            plain(
              timeseriesWindows(
                values.map((v) => [v]),
                options,
              ),
            ),
          );
        },
      ),
    );
  });
});
