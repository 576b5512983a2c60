// Calendar covariates, known in advance for any day, so a forecast may use them for the day it
// predicts: day of week, day of year as sin/cos, and six US federal holidays by their rules.
// Dates are UTC days throughout ('YYYY-MM-DD' ↔ Date.UTC), so no time zone shifts a day.

const DAY_MS = 86_400_000;

/** `'YYYY-MM-DD'` → days since 1970-01-01 (UTC); `null` for anything else, or a date that does not exist. */
export function parseDay(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  // Date.UTC rolls 1988-02-30 over to March 1: such a day does not exist.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return time / DAY_MS;
}

/** Days since 1970-01-01 → `'YYYY-MM-DD'`. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a calendar date (month 1–12). */
export function dayOf(year: number, month: number, date: number): number {
  return Date.UTC(year, month - 1, date) / DAY_MS;
}

/** 0 = Monday … 6 = Sunday (ISO order; 1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The `n`-th (1-based) given weekday (0 = Monday) of a month; `n = -1` for the last. */
function nthWeekday(year: number, month: number, wanted: number, n: number): number {
  if (n > 0) {
    const first = dayOf(year, month, 1);
    return first + ((wanted - weekday(first) + 7) % 7) + 7 * (n - 1);
  }
  const last = dayOf(year, month + 1, 1) - 1;
  return last - ((weekday(last) - wanted + 7) % 7);
}

export type HolidayName =
  | "New Year's Day"
  | 'Memorial Day'
  | 'Independence Day'
  | 'Labor Day'
  | 'Thanksgiving'
  | 'Christmas';

/** One holiday of one year: the day itself and the weekday it is observed on. */
export interface Holiday {
  readonly name: HolidayName;
  /** The holiday's own date (days since 1970-01-01). */
  readonly day: number;
  /** The day federal offices close: a Saturday holiday moves to Friday, a Sunday one to Monday; else `day`. */
  readonly observed: number;
}

function fixed(name: HolidayName, day: number): Holiday {
  const shift = weekday(day) === 5 ? -1 : weekday(day) === 6 ? 1 : 0;
  return { name, day, observed: day + shift };
}

/**
 * The six federal holidays the births series shows most (the rules of 5 U.S.C. 6103 and
 * Executive Order 11582): New Year's Day (Jan 1), Memorial Day (May 30 until 1970, the last Monday
 * of May from 1971 — the Uniform Monday Holiday Act), Independence Day (Jul 4), Labor Day (first
 * Monday of September), Thanksgiving (fourth Thursday of November), Christmas (Dec 25). The fixed
 * dates are observed on the Friday before when they fall on a Saturday and on the Monday after when
 * on a Sunday (so New Year's Day 1983, a Saturday, was observed on Friday 31 December 1982).
 */
export function usHolidays(year: number): Holiday[] {
  const monday = 0;
  const thursday = 3;
  return [
    fixed("New Year's Day", dayOf(year, 1, 1)),
    year <= 1970
      ? fixed('Memorial Day', dayOf(year, 5, 30))
      : {
          name: 'Memorial Day',
          day: nthWeekday(year, 5, monday, -1),
          observed: nthWeekday(year, 5, monday, -1),
        },
    fixed('Independence Day', dayOf(year, 7, 4)),
    { name: 'Labor Day', day: nthWeekday(year, 9, monday, 1), observed: nthWeekday(year, 9, monday, 1) },
    {
      name: 'Thanksgiving',
      day: nthWeekday(year, 11, thursday, 4),
      observed: nthWeekday(year, 11, thursday, 4),
    },
    fixed('Christmas', dayOf(year, 12, 25)),
  ];
}

/** The covariate columns of {@link calendarFeatures}, in order. */
export const CALENDAR_FEATURES = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'dayOfYearSin',
  'dayOfYearCos',
  'holiday',
  'observedHoliday',
  'holidayTomorrow',
] as const;

/** Holiday days and observed days in `[firstDay − 400, lastDay + 400]`, as sets of day numbers. */
export interface HolidayTable {
  readonly holidays: ReadonlySet<number>;
  readonly observed: ReadonlySet<number>;
}

/** Builds the holiday sets for every year that touches the days `[firstDay, lastDay]` (± one year). */
export function holidayTable(firstDay: number, lastDay: number): HolidayTable {
  const from = new Date(firstDay * DAY_MS).getUTCFullYear() - 1;
  const to = new Date(lastDay * DAY_MS).getUTCFullYear() + 1;
  const holidays = new Set<number>();
  const observed = new Set<number>();
  for (let year = from; year <= to; year++) {
    for (const holiday of usHolidays(year)) {
      holidays.add(holiday.day);
      if (holiday.observed !== holiday.day) observed.add(holiday.observed);
    }
  }
  return { holidays, observed };
}

/**
 * The covariates of one day, in {@link CALENDAR_FEATURES} order: weekday one-hot (7), day of year
 * as sin/cos of 2π·(dayOfYear − 1)/365.25 (2), the holiday itself, the weekday a weekend holiday is
 * observed on, and whether tomorrow is either (3; births are scheduled around them).
 */
export function calendarFeatures(day: number, table: HolidayTable): number[] {
  const row = new Array<number>(CALENDAR_FEATURES.length).fill(0);
  row[weekday(day)] = 1;
  const date = new Date(day * DAY_MS);
  const dayOfYear = day - dayOf(date.getUTCFullYear(), 1, 1);
  const angle = (2 * Math.PI * dayOfYear) / 365.25;
  row[7] = Math.sin(angle);
  row[8] = Math.cos(angle);
  row[9] = table.holidays.has(day) ? 1 : 0;
  row[10] = table.observed.has(day) ? 1 : 0;
  row[11] = table.holidays.has(day + 1) || table.observed.has(day + 1) ? 1 : 0;
  return row;
}
