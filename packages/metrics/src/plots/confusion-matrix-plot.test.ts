import { Resvg } from '@resvg/resvg-js';
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { cells, texts } from '../../test/svg-marks.js';
import { confusionMatrix } from '../confusion-matrix.js';
import { MetricsError } from '../errors.js';
import {
  confusionMatrixSvg,
  DEFAULT_CONFUSION_MATRIX_PLOT_OPTIONS,
  resolveConfusionMatrixPlotOptions,
} from './confusion-matrix-plot.js';
import { embeddingScatterSvg } from './embedding-scatter.js';
import { plotHistorySvg } from './history-plot.js';
import { MAX_PLOT_MARKS } from './index.js';
import { svgToPng } from './svg-to-png.js';

const CM = confusionMatrix(
  ['cat', 'cat', 'cat', 'dog', 'dog', 'pig', 'cat'],
  ['cat', 'dog', 'cat', 'dog', 'pig', 'pig', 'cat'],
);

/** `aria-label`s of the cells (rect marks) and the printed values (text marks), in drawing order. */

describe('confusionMatrixSvg', () => {
  it('draws one cell per (true, predicted) pair with its count, true classes down, predicted across', async () => {
    expect(CM.matrix).toEqual([
      [3, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const svg = await confusionMatrixSvg(CM, { title: 'Animals' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(() => new Resvg(svg)).not.toThrow();
    expect(cells(svg)).toHaveLength(9);
    expect(cells(svg)[0]).toBe('Predicted label: cat; True label: cat; value: 3');
    expect(cells(svg)).toContain('Predicted label: pig; True label: dog; value: 1');
    expect(texts(svg)).toEqual(['3', '1', '0', '0', '1', '1', '0', '0', '1']);
    expect(svg).toContain('>Animals</text>');
    expect(svg).toContain('>True label</text>');
    expect(svg).toContain('>Predicted label</text>');
  });

  it('normalizes rows, columns or all, printing two decimals; accepts plain arrays with labels', async () => {
    const byRow = await confusionMatrixSvg(CM, { normalize: 'true' });
    expect(texts(byRow).slice(0, 3)).toEqual(['0.75', '0.25', '0.00']);
    const byColumn = await confusionMatrixSvg(CM.matrix, { normalize: 'pred', labels: ['c', 'd', 'p'] });
    expect(texts(byColumn).slice(0, 3)).toEqual(['1.00', '0.50', '0.00']);
    expect(cells(byColumn)[0]).toBe('Predicted label: c; True label: c; value: 1');
    const plain = await confusionMatrixSvg([
      [1, 2],
      [3, 4],
    ]);
    expect(cells(plain)[1]).toBe('Predicted label: 1; True label: 0; value: 2');
  });

  it('sizes cells by cellSize and is deterministic', async () => {
    const svg = await confusionMatrixSvg(CM, { cellSize: 25 });
    expect(svg).toContain('d="M0.5,0.5h75v75h-75Z"');
    expect(await confusionMatrixSvg(CM, { cellSize: 25 })).toBe(svg);
  });

  it('renders to PNG', async () => {
    const png = await svgToPng(await confusionMatrixSvg(CM), { width: 300 });
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(new DataView(png.buffer, png.byteOffset).getUint32(16)).toBe(300);
    await expectErrorCode(svgToPng('<svg', {}), MetricsError, 'METRICS_INVALID_OPTION');
    await expectErrorCode(svgToPng('<svg/>', { width: 0 }), MetricsError, 'METRICS_INVALID_OPTION');
  });

  it('pins the defaults; rejects bad matrices and options', async () => {
    expect(DEFAULT_CONFUSION_MATRIX_PLOT_OPTIONS).toEqual({ normalize: 'none', title: '', cellSize: 40 });
    expect(resolveConfusionMatrixPlotOptions([[1]])).toEqual({
      labels: ['0'],
      normalize: 'none',
      title: '',
      cellSize: 40,
    });
    await expectErrorCode(confusionMatrixSvg([[1, 2]]), MetricsError, 'METRICS_SHAPE_MISMATCH');
    await expectErrorCode(confusionMatrixSvg([]), MetricsError, 'METRICS_SHAPE_MISMATCH');
    await expectErrorCode(confusionMatrixSvg([[Number.NaN]]), MetricsError, 'METRICS_NON_FINITE');
    await expectErrorCode(confusionMatrixSvg(CM, { labels: ['a'] }), MetricsError, 'METRICS_SHAPE_MISMATCH');
    await expectErrorCode(
      confusionMatrixSvg(CM, { labels: ['a', 'a', 'b'] }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    await expectErrorCode(
      confusionMatrixSvg(CM, { normalize: 'rows' as never }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    await expectErrorCode(confusionMatrixSvg(CM, { cellSize: 2.5 }), MetricsError, 'METRICS_INVALID_OPTION');
    await expectErrorCode(
      confusionMatrixSvg(CM, { title: 3 as never }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
  });
});

describe('issue 13: plots of bad and huge inputs', () => {
  it('issue 13 #13: null, ragged and negative matrices are typed errors', async () => {
    await expectErrorCode(confusionMatrixSvg(null as never), MetricsError, 'METRICS_INVALID_INPUT');
    await expectErrorCode(
      confusionMatrixSvg({ matrix: [[1]], labels: 5 } as never),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    await expectErrorCode(confusionMatrixSvg([[1, 2], [3]]), MetricsError, 'METRICS_SHAPE_MISMATCH');
    await expectErrorCode(confusionMatrixSvg([[-1]]), MetricsError, 'METRICS_INVALID_INPUT');
  });

  it('issue 13 #13: more than MAX_PLOT_MARKS cells is METRICS_INVALID_INPUT before vega runs', async () => {
    const n = Math.floor(Math.sqrt(MAX_PLOT_MARKS)) + 1;
    const started = performance.now();
    await expectErrorCode(
      confusionMatrixSvg(
        Array.from({ length: n }, () => new Array<number>(n).fill(1)),
        { cellSize: 4 },
      ),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('issue 13 #13: embeddingScatterSvg and plotHistorySvg check their inputs and sizes', async () => {
    await expectErrorCode(embeddingScatterSvg(null as never, []), MetricsError, 'METRICS_INVALID_INPUT');
    await expectErrorCode(
      embeddingScatterSvg([[1, 1]], null as never),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    await expectErrorCode(embeddingScatterSvg([null as never], ['a']), MetricsError, 'METRICS_INVALID_INPUT');
    await expectErrorCode(embeddingScatterSvg([[1, 1]], [5 as never]), MetricsError, 'METRICS_INVALID_INPUT');
    const many = MAX_PLOT_MARKS + 1;
    await expectErrorCode(
      embeddingScatterSvg(
        Array.from({ length: many }, (_, i) => [i, i] as [number, number]),
        new Array<string>(many).fill('a'),
      ),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    await expectErrorCode(
      plotHistorySvg({ epoch: [0], history: null as never }),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    await expectErrorCode(
      plotHistorySvg({ epoch: [0], history: { loss: 5 as never } }),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    const epochs = Array.from({ length: MAX_PLOT_MARKS / 2 + 1 }, (_, i) => i);
    const curve = epochs.map(() => 1);
    await expectErrorCode(
      plotHistorySvg({ epoch: epochs, history: { loss: curve, val_loss: curve } }),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
  });
});
