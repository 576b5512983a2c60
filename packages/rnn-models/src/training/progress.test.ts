import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import {
  formatEta,
  formatLogValue,
  formatProgressLine,
  formatStepTime,
  type ProgressOutput,
  ProgressReporter,
} from './progress.js';
import { train } from './train.js';

useCpuBackend();

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A sink recording every write; `isTTY` selects the terminal bar. */
function sink(isTTY: boolean): ProgressOutput & { chunks: string[]; text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 200,
    chunks,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
  };
}

/** A clock that advances by `stepMs` on every read. */
function ticking(stepMs: number, start = 0): () => number {
  let now = start - stepMs;
  return () => (now += stepMs);
}

/**
 * A reporter on `output` whose clock ticks `stepMs` per read: verbose 1, one epoch and
 * logIntervalMs 0 unless `options` say otherwise.
 */
function reporterOn(
  output: ProgressOutput | undefined,
  stepMs: number,
  options: Partial<Parameters<typeof ProgressReporter.create>[0]> = {},
): ReturnType<typeof ProgressReporter.create> {
  return ProgressReporter.create({
    verbose: 1,
    output,
    clock: ticking(stepMs),
    logIntervalMs: 0,
    epochs: 1,
    ...options,
  });
}

describe('formatProgressLine (Keras 2 Progbar format)', () => {
  it.each([
    [
      'shows the bar, the ETA and the running values during an epoch',
      { current: 12, elapsedMs: 480, logs: { loss: 1.2345, accuracy: 0.4567 }, final: false },
      ' 12/100 [==>...........................] - ETA: 3s - loss: 1.2345 - accuracy: 0.4567',
    ],
    [
      'shows total time and time per step at the end, with validation values',
      { current: 100, elapsedMs: 3000, logs: { loss: 0.1234, val_loss: 0.00012345 }, final: true },
      '100/100 [==============================] - 3s 30ms/step - loss: 0.1234 - val_loss: 1.2345e-04',
    ],
  ])('%s', (_name, line, expected) => {
    expect(formatProgressLine({ ...line, target: 100, bar: true })).toBe(expected);
  });

  it('handles an unknown number of batches, no bar, and the epoch start', () => {
    const base = { elapsedMs: 3000, logs: { loss: 2 }, final: false };
    expect(formatProgressLine({ ...base, current: 12, target: undefined, bar: true })).toBe(
      '     12/Unknown - 3s 250ms/step - loss: 2.0000',
    );
    expect(formatProgressLine({ ...base, current: 3, target: 10, bar: false })).toBe(
      ' 3/10 - ETA: 7s - loss: 2.0000',
    );
    expect(formatProgressLine({ ...base, current: 0, target: 10, logs: {}, bar: true })).toBe(
      ' 0/10 [..............................]',
    );
    expect(formatProgressLine({ ...base, current: 10, target: 10, final: true, bar: false, logs: {} })).toBe(
      '10/10 - 3s 300ms/step',
    );
  });

  it('formats ETAs, step times and values as Keras does', () => {
    expect([formatEta(3.9), formatEta(45), formatEta(125), formatEta(3723)]).toEqual([
      '3s',
      '45s',
      '2:05',
      '1:02:03',
    ]);
    expect([formatStepTime(2500), formatStepTime(30.4), formatStepTime(0.25), formatStepTime(0)]).toEqual([
      ' 3s/step',
      ' 30ms/step',
      ' 250us/step',
      ' 0s/step',
    ]);
    expect(
      [1.23456, -0.5, 0.0001234, 0, -2e-7, Number.NaN, Number.POSITIVE_INFINITY].map(formatLogValue),
    ).toEqual(['1.2346', '-0.5000', '1.2340e-04', '0.0000e+00', '-2.0000e-07', 'NaN', 'Infinity']);
  });
});

describe('ProgressReporter', () => {
  it('lines mode (not a terminal): epoch header, a line every logIntervalMs, the final line', async () => {
    const out = sink(false);
    const reporter = await reporterOn(out, 400, { logIntervalMs: 1000, epochs: 3 });
    expect(reporter.mode).toBe('lines');
    reporter.epochBegin(1, 5); // t = 0
    for (let i = 1; i <= 5; i++) reporter.batchEnd(i, { loss: 1 / i }); // t = 400 … 2000
    reporter.epochEnd(5, { loss: 0.5, val_loss: 0.6 }); // t = 2400
    expect(out.text()).toBe(
      'Epoch 2/3\n' +
        '3/5 - ETA: 0s - loss: 0.3333\n' + // t = 1200: 400 ms/step, 2 steps left
        '5/5 - 2s 480ms/step - loss: 0.5000 - val_loss: 0.6000\n',
    );
  });

  it('bar mode (terminal): redraws one line in place through cli-progress, at most every 100 ms', async () => {
    vi.stubEnv('CI', '');
    const out = sink(true);
    const reporter = await reporterOn(out, 60, { logIntervalMs: 1000 });
    expect(reporter.mode).toBe('bar');
    reporter.epochBegin(0, 4); // t = 0
    for (let i = 1; i <= 4; i++) reporter.batchEnd(i, { loss: i }); // t = 60 (skip), 120 (draw), 180 (skip), 240 (draw)
    reporter.epochEnd(4, { loss: 2.5 }); // t = 300
    const text = out.chunks.filter((c) => !c.startsWith('\x1b'));
    const line = (current: number, elapsedMs: number, loss: number, final = false) =>
      formatProgressLine({ current, target: 4, elapsedMs, logs: { loss }, final, bar: true });
    expect(text).toEqual([
      'Epoch 1/1\n',
      ' 0/4 [..............................]'.slice(1),
      line(2, 120, 2),
      line(4, 240, 4),
      line(4, 300, 2.5, true),
      '\n',
    ]);
    expect(text[2]).toBe('2/4 [==============>...............] - ETA: 0s - loss: 2.0000');
    // Cursor moves to the line start before each redraw (readline.cursorTo writes CSI 1G).
    expect(out.chunks.filter((c) => c === '\x1b[1G').length).toBeGreaterThanOrEqual(4);
    // The bar's refresh timer is gone: nothing more is written.
    const count = out.chunks.length;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(out.chunks.length).toBe(count);
  });

  it('close() ends an interrupted bar; CI=true or verbose 2 give plain lines; verbose 0 or no output give nothing', async () => {
    vi.stubEnv('CI', '');
    const tty = sink(true);
    const interrupted = await reporterOn(tty, 10);
    interrupted.epochBegin(0, 10);
    interrupted.close();
    expect(tty.chunks.at(-1)).toBe('\n');
    interrupted.close();

    vi.stubEnv('CI', 'true');
    const ci = await reporterOn(sink(true), 1);
    expect(ci.mode).toBe('lines');
    const perEpoch = sink(true);
    const two = await reporterOn(perEpoch, 500, { verbose: 2 });
    expect(two.mode).toBe('epochs');
    two.epochBegin(0, 2);
    two.batchEnd(1, { loss: 1 });
    two.batchEnd(2, { loss: 1 });
    two.epochEnd(2, { loss: 1 });
    expect(perEpoch.text()).toBe('Epoch 1/1\n2/2 - 1s 250ms/step - loss: 1.0000\n'); // the clock is read at begin and end only
    for (const options of [
      { verbose: 0 as const, output: sink(true) },
      { verbose: 1 as const, output: undefined },
    ]) {
      const off = await reporterOn(options.output, 1, { verbose: options.verbose });
      expect(off.mode).toBe('off');
      off.epochBegin(0, 1);
      off.batchEnd(1, { loss: 1 });
      off.epochEnd(1, { loss: 1 });
      expect((options.output as { chunks?: string[] } | undefined)?.chunks ?? []).toEqual([]);
    }
  });
});

describe('train progress output', () => {
  function model() {
    return tfl.sequential({
      layers: [tfl.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros', useBias: false })],
    });
  }
  const batch = () => ({ xs: tf.tensor2d([[3, 4]]), ys: tf.tensor2d([[10]]) });

  it('writes Keras-style lines to the injected output with the injected clock (Unknown total in the first epoch of a stream)', async () => {
    const m = model();
    const out = sink(false);
    await train(m, () => [batch(), batch()], {
      epochs: 2,
      optimizer: 'sgd',
      learningRate: 0,
      loss: 'meanSquaredError',
      validationData: () => [batch()],
      output: out,
      clock: ticking(250),
      logIntervalMs: 0,
    });
    expect(out.text()).toBe(
      'Epoch 1/2\n' +
        '      1/Unknown - 0s 250ms/step - loss: 100.0000\n' +
        '      2/Unknown - 1s 250ms/step - loss: 100.0000\n' +
        '      2/Unknown - 1s 375ms/step - loss: 100.0000 - val_loss: 100.0000\n' +
        'Epoch 2/2\n' +
        '1/2 - ETA: 0s - loss: 100.0000\n' +
        '2/2 - ETA: 0s - loss: 100.0000\n' +
        '2/2 - 1s 375ms/step - loss: 100.0000 - val_loss: 100.0000\n',
    );
    m.dispose();
  });

  it('draws the bar on a terminal output, and writes nothing with verbose 0', async () => {
    vi.stubEnv('CI', '');
    const m = model();
    const tty = sink(true);
    const data = [batch(), batch(), batch()];
    await train(m, data, {
      optimizer: 'sgd',
      learningRate: 0,
      loss: 'meanSquaredError',
      output: tty,
      clock: ticking(100),
    });
    const lines = tty.chunks.filter((c) => !c.startsWith('\x1b'));
    expect(lines[0]).toBe('Epoch 1/1\n');
    expect(lines).toContain('1/3 [=========>....................] - ETA: 0s - loss: 100.0000');
    expect(lines.at(-2)).toBe('3/3 [==============================] - 0s 133ms/step - loss: 100.0000');
    const silent = sink(true);
    await train(m, data, { verbose: 0, optimizer: 'sgd', loss: 'meanSquaredError', output: silent });
    expect(silent.chunks).toEqual([]);
    tf.dispose(data.flatMap((b) => [b.xs, b.ys]));
    m.dispose();
  });
});
