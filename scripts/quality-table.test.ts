import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatQualityTable,
  meetsTarget,
  parseSummary,
  QualityResultsError,
  readSummaries,
} from './quality-table.js';

const summary = (example: string, value: number, target: unknown, extra: Record<string, unknown> = {}) => ({
  summary: {
    example,
    seconds: 125.4,
    metrics: [{ name: 'held-out accuracy', value, target, met: true }],
    note: null,
    ...extra,
  },
  date: '2026-12-05T00:00:00.000Z',
});

describe('the quality table', () => {
  it('recomputes "met" from the value and the target instead of trusting the file', () => {
    expect(meetsTarget(2.019, { atMost: 2 })).toBe(false);
    expect(meetsTarget(2, { atMost: 2 })).toBe(true);
    expect(meetsTarget(0.5, { atLeast: 0.5 })).toBe(true);
    expect(meetsTarget(0.49, { atLeast: 0.5 })).toBe(false);
    expect(meetsTarget(0.49, null)).toBeNull();
    // The file claims the target was met; the table says it was not.
    expect(parseSummary(summary('x', 0.4, { atLeast: 0.5 }), 'x.json').metrics[0]!.met).toBe(false);
  });

  it('prints one row per metric with the time, the missed targets and the notes', () => {
    const table = formatQualityTable([
      parseSummary(summary('char-lm', 2.0188, { atMost: 2 }, { note: 'train longer' }), 'a.json'),
      parseSummary(summary('text-classifier', 0.98926, { atLeast: 0.98 }), 'b.json'),
    ]);
    expect(table.split('\n')).toEqual([
      '| example         | metric            | value  | target | result     | time       |',
      '| --------------- | ----------------- | ------ | ------ | ---------- | ---------- |',
      '| char-lm         | held-out accuracy | 2.0188 | ≤ 2    | **missed** | 2 min 05 s |',
      '| text-classifier | held-out accuracy | 0.9893 | ≥ 0.98 | met        | 2 min 05 s |',
      '',
      'Missed: char-lm (held-out accuracy).',
      '',
      'Notes:',
      '- char-lm: train longer',
    ]);
    expect(formatDuration(59.6)).toBe('1 min 00 s');
    expect(formatDuration(12.2)).toBe('12 s');
  });

  it('names the file and the field when a summary block is missing or malformed', () => {
    expect(() => parseSummary({ accuracy: 1 }, 'r.json')).toThrow(QualityResultsError);
    expect(() => parseSummary({ accuracy: 1 }, 'r.json')).toThrow(/r\.json: has no "summary" block/);
    expect(() => parseSummary(summary('x', Number.NaN, null), 'r.json')).toThrow(/metrics\[0\]\.value/);
    expect(() => parseSummary(summary('x', 1, { below: 2 }), 'r.json')).toThrow(/metrics\[0\]\.target/);
    expect(() => parseSummary(summary('x', 1, null, { seconds: -1 }), 'r.json')).toThrow(/summary\.seconds/);
  });

  it('reads every example folder and lists those without results', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rnnkit-quality-'));
    try {
      await mkdir(join(root, 'b', 'results'), { recursive: true });
      await writeFile(
        join(root, 'b', 'results', 'b.json'),
        JSON.stringify(summary('b', 0.9, { atLeast: 0.8 })),
      );
      await mkdir(join(root, 'a'));
      const { summaries, missing } = await readSummaries(root);
      expect(summaries.map((s) => [s.example, s.metrics[0]!.met, s.date])).toEqual([
        ['b', true, '2026-12-05T00:00:00.000Z'],
      ]);
      expect(missing).toEqual(['a']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
