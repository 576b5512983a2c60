import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SeededRandom } from '@rnnkit/core';
import { meanAbsolutePercentageError } from '@rnnkit/metrics';
import { initBackend } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seasonalNaive } from './baselines.js';
import {
  calendarFeatures,
  dayOf,
  formatDay,
  holidayTable,
  parseDay,
  usHolidays,
  weekday,
} from './calendar.js';
import { type DailySeries, DataError, loadBirths, loadCsv, splitByYear } from './data.js';
import {
  FEATURES,
  fitStats,
  predictExamples,
  rollout,
  SeriesRows,
  trainForecaster,
  windowExamples,
} from './forecaster.js';
import { loadForecaster, saveForecaster } from './persist.js';
import { scoreForecasts } from './scores.js';
import { parseSettings, UsageError } from './settings.js';

// The smoke training takes ~10 s on an idle 2-core machine; a loaded CI machine may take several times that.
const SLOW_MACHINE_TIMEOUT = 180_000;

let dir: string;
// The CLI as a user runs it, from this example's folder whatever the runner's working directory.
const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: readonly string[]) =>
  promisify(execFile)('node', ['--import', 'tsx', 'src/main.ts', ...args], { cwd: EXAMPLE });
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = await mkdtemp(join(tmpdir(), 'forecast-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('calendar', () => {
  it('reads and writes UTC days; weekdays count from Monday', () => {
    expect(parseDay('1969-01-01')).toBe(-365);
    expect(formatDay(-365)).toBe('1969-01-01');
    expect(parseDay('1988-02-29')).toBe(dayOf(1988, 2, 29));
    expect(parseDay('1987-02-29')).toBeNull();
    expect(parseDay('88-1-1')).toBeNull();
    // 1 January 1969 was a Wednesday (the data's day_of_week 3), 31 December 1988 a Saturday.
    expect(weekday(dayOf(1969, 1, 1))).toBe(2);
    expect(weekday(dayOf(1988, 12, 31))).toBe(5);
  });

  it('places the six holidays by their rules, with observed days', () => {
    const show = (year: number) =>
      usHolidays(year).map(
        (h) => `${h.name} ${formatDay(h.day)}${h.observed === h.day ? '' : ` → ${formatDay(h.observed)}`}`,
      );
    expect(show(1988)).toEqual([
      "New Year's Day 1988-01-01",
      'Memorial Day 1988-05-30',
      'Independence Day 1988-07-04',
      'Labor Day 1988-09-05',
      'Thanksgiving 1988-11-24',
      'Christmas 1988-12-25 → 1988-12-26',
    ]);
    // Before the Uniform Monday Holiday Act: May 30 (a Saturday in 1970, observed Friday).
    expect(show(1970)[1]).toBe('Memorial Day 1970-05-30 → 1970-05-29');
    expect(show(1971)[1]).toBe('Memorial Day 1971-05-31');
    // A Saturday New Year's Day is observed on the Friday before, in the old year.
    expect(show(1983)[0]).toBe("New Year's Day 1983-01-01 → 1982-12-31");
  });

  it('gives each day its covariates', () => {
    const table = holidayTable(dayOf(1988, 1, 1), dayOf(1988, 12, 31));
    const christmasEve = calendarFeatures(dayOf(1988, 12, 24), table);
    expect(christmasEve.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 1, 0]); // a Saturday
    expect(christmasEve.slice(9)).toEqual([0, 0, 1]); // Christmas is tomorrow
    expect(calendarFeatures(dayOf(1988, 12, 25), table).slice(9)).toEqual([1, 0, 1]); // observed tomorrow
    expect(calendarFeatures(dayOf(1988, 12, 26), table).slice(9)).toEqual([0, 1, 0]);
    const newYear = calendarFeatures(dayOf(1988, 1, 1), table);
    expect(newYear[7]).toBe(0);
    expect(newYear[8]).toBe(1);
    expect(FEATURES).toHaveLength(2 + 12);
  });
});

describe('baselines and scores', () => {
  const values = [10, 11, 12, 13, 14, 15, 16, 20, 22, 24, 26, 28, 30, 32, 40];
  it('seasonal naive takes the last value one season earlier', () => {
    expect(seasonalNaive(values, 7, 7, 3)).toEqual([10, 11, 12]);
    // 8 days ahead from origin 7 is day 14: two weeks back, the last observed same weekday.
    expect(seasonalNaive(values, 7, 7, 8)[7]).toBe(values[0]);
    expect(seasonalNaive(values, 14, 1, 2)).toEqual([32, 32]);
    expect(() => seasonalNaive(values, 3, 7, 1)).toThrow(RangeError);
  });

  it('scores by horizon: MAPE and MASE against hand-computed values', () => {
    // MASE's lag-7 scale needs more than 7 in-sample values.
    expect(() => scoreForecasts(values, [7], [[10]], [10, 12, 11, 13])).toThrow();
    const inSample = values.slice(0, 9); // lag-7 errors: |20−10|, |22−11| → scale 10.5
    const scores = scoreForecasts(
      values,
      [9, 10],
      [
        [22, 26],
        [26, 26],
      ],
      inSample,
    );
    // 1 day ahead: days 9, 10 (24, 26) forecast 22, 26 → APE 2/24, 0; AE 2, 0.
    expect(scores.perHorizon[0]!.mape).toBeCloseTo(2 / 24 / 2, 12);
    expect(scores.perHorizon[0]!.mase).toBeCloseTo(1 / 10.5, 12);
    // 2 days ahead: days 10, 11 (26, 28) forecast 26, 26 → APE 0, 2/28.
    expect(scores.perHorizon[1]!.mape).toBeCloseTo(2 / 28 / 2, 12);
    expect(scores.overall.mape).toBeCloseTo((2 / 24 + 2 / 28) / 4, 12);
    expect(scores.overall.count).toBe(4);
  });
});

describe('data', () => {
  it('holds out 1988 and validates on 1987', async () => {
    const births = await loadBirths();
    expect(births.values).toHaveLength(7305);
    const split = splitByYear(births, 400);
    const day = (i: number) => formatDay(births.firstDay + i);
    expect([day(split.train.start), day(split.train.end - 1)]).toEqual(['1969-01-01', '1986-12-31']);
    expect([day(split.validation.start), day(split.validation.end - 1)]).toEqual([
      '1987-01-01',
      '1987-12-31',
    ]);
    expect([day(split.heldOut.start), day(split.heldOut.end - 1)]).toEqual(['1988-01-01', '1988-12-31']);
    expect(split.heldOut.end - split.heldOut.start).toBe(366);
  });

  it('reads a daily CSV in any row order and says what is wrong with a bad one', async () => {
    const path = join(dir, 'small.csv');
    await writeFile(path, 'day,units\n2020-01-02,5\n2020-01-01,4\n2020-01-03,6\n');
    expect(await loadCsv(path, 'day', 'units')).toEqual({
      source: path,
      firstDay: dayOf(2020, 1, 1),
      values: [4, 5, 6],
    });
    await writeFile(path, 'day,units\n2020-01-01,4\n2020-01-03,6\n');
    await expect(loadCsv(path, 'day', 'units')).rejects.toThrow(/2020-01-01 is followed by 2020-01-03/);
    await writeFile(path, 'day,units\n2020-01-01,4\n2020-13-01,6\n');
    await expect(loadCsv(path, 'day', 'units')).rejects.toThrow(DataError);
    await writeFile(path, 'day,units\n2020-01-01,four\n');
    await expect(loadCsv(path, 'day', 'units')).rejects.toThrow(/units "four" is not a number/);
  });
});

describe('flags', () => {
  it('has the documented defaults for start and quality', () => {
    expect(parseSettings([])).toMatchObject({
      quality: false,
      csv: null,
      inputSteps: 28,
      horizon: 14,
      loss: 'meanAbsoluteError',
      epochs: 12,
      out: 'out',
      threads: 'auto',
    });
    expect(parseSettings(['--threads', '1'])?.threads).toBe(1);
    expect(parseSettings(['--', '--quality'])).toMatchObject({ quality: true, epochs: 40, out: 'results' });
    expect(parseSettings(['--csv', 'a.csv', '--value-column', 'units'])).toMatchObject({
      csv: 'a.csv',
      dateColumn: 'date',
      valueColumn: 'units',
    });
    expect(parseSettings(['--help'])).toBeNull();
  });

  it('refuses unknown flags and bad values with a message naming the flag', () => {
    expect(() => parseSettings(['--horizn', '7'])).toThrow(UsageError);
    expect(() => parseSettings(['--horizon', '0'])).toThrow(
      /--horizon must be an integer in \[1, 90\], got "0"/,
    );
    expect(() => parseSettings(['--loss', 'huber'])).toThrow(/--loss must be mse or mae/);
    expect(() => parseSettings(['--threads', '3'])).toThrow(
      /--threads must be 'auto' or an integer in \[1, 2\], got "3"/,
    );
    expect(() => parseSettings(['--value-column', 'v'])).toThrow(/pass --csv FILE too/);
  });

  it('exits with code 1 and a message on a bad flag', async () => {
    const error = await cli(['--input-step', '9']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1, stderr: expect.stringMatching(/Unknown option '--input-step'/) });
  });
});

describe('forecaster (smoke run on 1983–1988)', () => {
  it('learns far beyond the trivial forecasts; the reloaded model forecasts the same; no tensor leaks', {
    timeout: SLOW_MACHINE_TIMEOUT,
  }, async () => {
    const births = await loadBirths();
    const from = births.values.length - 6 * 365 - 2; // 1983-01-01
    const series: DailySeries = {
      source: 'births 1983–1988',
      firstDay: births.firstDay + from,
      values: births.values.slice(from),
    };
    expect(formatDay(series.firstDay)).toBe('1983-01-01');
    const split = splitByYear(series, 400);
    const rows = new SeriesRows(series, fitStats(series, split.train.end));
    const before = tf.memory().numTensors;
    const trained = await trainForecaster(rows, split, { ...SMOKE, outputSteps: 1 });
    const heldOut = windowExamples(rows, trained, split.heldOut);
    const origins = heldOut.map((e) => e.labelStart);
    const truth = origins.map((o) => series.values[o]!);
    const predicted = (await predictExamples(trained, heldOut)).map((p) => p[0]!);
    const mape = meanAbsolutePercentageError(truth, predicted);
    const trainMean = series.values.slice(0, split.train.end).reduce((a, b) => a + b, 0) / split.train.end;
    const trivial = {
      mean: meanAbsolutePercentageError(
        truth,
        truth.map(() => trainMean),
      ),
      yesterday: meanAbsolutePercentageError(
        truth,
        origins.map((o) => series.values[o - 1]!),
      ),
    };
    if (process.env.FORECAST_REPORT) console.log({ mape, trivial, history: trained.history.history });
    // The constant forecast is ~12% off and yesterday's value ~9% (weekends); a few epochs reach ~4%.
    expect(mape).toBeLessThan(0.06);
    expect(mape).toBeLessThan(trivial.yesterday / 1.5);

    // The rollout's first day is the next-day forecast itself.
    const rolled = await rollout(trained, rows, heldOut.slice(0, 30), 3);
    for (const [k, forecast] of rolled.entries()) expect(forecast[0]).toBeCloseTo(predicted[k]!, 3);

    await saveForecaster(trained, join(dir, 'next-day'), series.source);
    const reloaded = await loadForecaster(join(dir, 'next-day'));
    expect(reloaded.stats).toEqual(trained.stats);
    expect(reloaded.source).toBe(series.source);
    expect((await predictExamples(reloaded, heldOut)).map((p) => p[0]!)).toEqual(predicted);
    reloaded.model.dispose();
    trained.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('--csv (a daily series of your own)', () => {
  it('trains, scores, plots, saves and reloads end to end through the CLI', {
    timeout: SLOW_MACHINE_TIMEOUT,
  }, async () => {
    const path = join(dir, 'sales.csv');
    await writeFile(path, dailyCsv(dayOf(2020, 1, 1), 3 * 365 + 40));
    const { stdout } = await cli([
      '--csv',
      path,
      '--date-column',
      'day',
      '--value-column',
      'units',
      '--input-steps',
      '14',
      '--horizon',
      '3',
      '--units',
      '8',
      '--epochs',
      '3',
      '--threads',
      '1',
      '--out',
      join(dir, 'out'),
      '--model-dir',
      join(dir, 'models'),
    ]);
    expect(stdout).toMatch(/held out {3}2022-02-09 … 2023-02-08 \(365 days\)/);
    expect(stdout).toMatch(/LSTM \+ calendar {8}MAPE [\d.]+%/);
    expect(stdout).toMatch(/LSTM autoregressive/);
    expect(stdout).toMatch(/largest change of a held-out forecast after reloading: 0\n/);
    // Past the data: 2023-02-09 (a Thursday) and the two days after it, from both reloaded models.
    expect(stdout).toMatch(
      /Forecast for the 3 days after the data[^\n]*\n {2}2023-02-09 Thu {2}\d+ \/ \d+\n {2}2023-02-10 Fri/,
    );
  });

  it('says what is wrong with a gap in the series and exits with code 1', async () => {
    const path = join(dir, 'gap.csv');
    await writeFile(path, 'date,value\n2020-01-01,4\n2020-01-03,6\n');
    const error = await cli(['--csv', path]).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/DataError: .*followed by 2020-01-03/),
    });
  });
});

const SMOKE = {
  inputSteps: 14,
  units: 16,
  hiddenUnits: [],
  dropout: 0,
  loss: 'meanAbsoluteError',
  epochs: 4,
  batchSize: 64,
  learningRate: 0.01,
  patience: 2,
  seed: 3,
  verbose: 0,
} as const;

/** A seeded daily series with a weekly pattern, a yearly wave and noise, as `day,units` CSV. */
function dailyCsv(firstDay: number, days: number): string {
  const random = new SeededRandom(7);
  const lines = ['day,units'];
  for (let i = 0; i < days; i++) {
    const day = firstDay + i;
    const weekly = weekday(day) >= 5 ? 0.7 : 1;
    const yearly = 1 + 0.1 * Math.sin((2 * Math.PI * i) / 365.25);
    lines.push(
      `${formatDay(day)},${Math.round(1000 * weekly * yearly * (1 + 0.03 * (random.nextFloat() - 0.5)))}`,
    );
  }
  return lines.join('\n');
}
