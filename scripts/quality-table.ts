// Reads the `summary` block every example's quality run writes to results/<name>.json and
// formats one table of results against targets. Kept apart from quality.ts so it is testable.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `{ atMost: x }` (lower is better) or `{ atLeast: x }`; null when the example sets no target. */
export type QualityTarget = { readonly atMost: number } | { readonly atLeast: number } | null;

export interface QualityMetric {
  readonly name: string;
  readonly value: number;
  readonly target: QualityTarget;
  readonly met: boolean | null;
}

export interface QualitySummary {
  readonly example: string;
  /** Wall time of the whole quality run. */
  readonly seconds: number;
  readonly metrics: readonly QualityMetric[];
  /** What would close a missed target, or what a figure means. */
  readonly note: string | null;
  /** When the results file was written (its `date`), if recorded. */
  readonly date?: string;
}

/** A results file without a usable summary block: the message names the file and the field. */
export class QualityResultsError extends Error {
  override name = 'QualityResultsError';
}

/** Whether `value` meets `target`, recomputed rather than trusted from the file. */
export function meetsTarget(value: number, target: QualityTarget): boolean | null {
  if (target === null) return null;
  return 'atMost' in target ? value <= target.atMost : value >= target.atLeast;
}

/** Checks the shape of one results file's summary block. */
export function parseSummary(json: unknown, file: string): QualitySummary {
  const fail = (what: string): never => {
    throw new QualityResultsError(`${file}: ${what}. Rerun the example's \`pnpm quality\` to rewrite it.`);
  };
  if (typeof json !== 'object' || json === null) fail('not a JSON object');
  const record = json as Record<string, unknown>;
  const summary = record['summary'] as Record<string, unknown> | undefined;
  if (typeof summary !== 'object' || summary === null) fail('has no "summary" block');
  const s = summary as Record<string, unknown>;
  if (typeof s['example'] !== 'string') fail('summary.example must be a string');
  if (typeof s['seconds'] !== 'number' || !(s['seconds'] >= 0)) fail('summary.seconds must be a number ≥ 0');
  if (!Array.isArray(s['metrics']) || s['metrics'].length === 0)
    fail('summary.metrics must be a non-empty array');
  const metrics = (s['metrics'] as unknown[]).map((m, i) => {
    const metric = m as Record<string, unknown>;
    if (typeof metric?.['name'] !== 'string') fail(`summary.metrics[${i}].name must be a string`);
    if (typeof metric['value'] !== 'number' || !Number.isFinite(metric['value'])) {
      fail(`summary.metrics[${i}].value must be a finite number`);
    }
    const target = metric['target'] as Record<string, unknown> | null | undefined;
    const valid =
      target === null ||
      (typeof target === 'object' &&
        Object.keys(target).length === 1 &&
        (typeof target['atMost'] === 'number' || typeof target['atLeast'] === 'number'));
    if (!valid) fail(`summary.metrics[${i}].target must be { "atMost": x }, { "atLeast": x } or null`);
    const value = metric['value'] as number;
    return {
      name: metric['name'] as string,
      value,
      target: target as QualityTarget,
      met: meetsTarget(value, target as QualityTarget),
    };
  });
  const note = s['note'];
  if (note !== null && note !== undefined && typeof note !== 'string')
    fail('summary.note must be a string or null');
  return {
    example: s['example'] as string,
    seconds: s['seconds'] as number,
    metrics,
    note: (note as string | null | undefined) ?? null,
    ...(typeof record['date'] === 'string' ? { date: record['date'] } : {}),
  };
}

/** Every example's summary under `examplesDir` (examples without results/<name>.json are skipped). */
export async function readSummaries(
  examplesDir: string,
  names?: readonly string[],
): Promise<{ summaries: QualitySummary[]; missing: string[] }> {
  const all =
    names ??
    (await readdir(examplesDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  const summaries: QualitySummary[] = [];
  const missing: string[] = [];
  for (const name of [...all].sort()) {
    const file = join(examplesDir, name, 'results', `${name}.json`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      missing.push(name);
      continue;
    }
    summaries.push(parseSummary(JSON.parse(text), file));
  }
  return { summaries, missing };
}

const formatNumber = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(4));

function formatTarget(target: QualityTarget): string {
  if (target === null) return '—';
  return 'atMost' in target ? `≤ ${target.atMost}` : `≥ ${target.atLeast}`;
}

export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = whole - 60 * minutes;
  return minutes === 0 ? `${rest} s` : `${minutes} min ${String(rest).padStart(2, '0')} s`;
}

/** A Markdown table, one row per metric, then the notes of examples that have one. */
export function formatQualityTable(summaries: readonly QualitySummary[]): string {
  const rows = [
    ['example', 'metric', 'value', 'target', 'result', 'time'],
    ...summaries.flatMap((summary) =>
      summary.metrics.map((metric, i) => [
        i === 0 ? summary.example : '',
        metric.name,
        formatNumber(metric.value),
        formatTarget(metric.target),
        metric.met === null ? '—' : metric.met ? 'met' : '**missed**',
        i === 0 ? formatDuration(summary.seconds) : '',
      ]),
    ),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => [...row[column]!].length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell + ' '.repeat(widths[column]! - [...cell].length)).join(' | ')} |`;
  const table = [
    line(rows[0]!),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.slice(1).map(line),
  ];
  const notes = summaries.filter((s) => s.note !== null).map((s) => `- ${s.example}: ${s.note}`);
  const missed = summaries.flatMap((s) =>
    s.metrics.filter((m) => m.met === false).map((m) => `${s.example} (${m.name})`),
  );
  return [
    ...table,
    '',
    missed.length === 0 ? 'Every target met.' : `Missed: ${missed.join(', ')}.`,
    ...(notes.length === 0 ? [] : ['', 'Notes:', ...notes]),
  ].join('\n');
}
