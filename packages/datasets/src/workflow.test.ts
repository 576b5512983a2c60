// The README's "Whole workflow" snippet, run as written (load → split → padding → batches);
// rnn-models' train() is not a dependency here, so tfjs-layers' fitDataset consumes the batches.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { type LabelledSentence, readLabelledSentences } from './loaders/tsv.js';
import { padSequences } from './pad-sequences.js';
import { trainValTestSplit } from './split.js';
import { toTensors } from './tensor/to-tensors.js';

let dir = '';
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'rnnkit-workflow-'));
  const lines = Array.from({ length: 100 }, (_, k) =>
    k % 2 ? `Great phone, works well ${k}.\t1` : `Battery died after a week ${k}.\t0`,
  );
  await writeFile(join(dir, 'amazon_cells_labelled.txt'), `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('README whole workflow', () => {
  it('loads, splits, pads and batches into tensors a model trains on', async () => {
    // --- as in the README ---
    const sentences = await readLabelledSentences(join(dir, 'amazon_cells_labelled.txt'));
    const parts = trainValTestSplit(sentences, {
      validation: 0.1,
      test: 0.2,
      seed: 42,
      stratify: (s) => s.label,
    });
    const tokenizer = new Tokenizer({ numWords: 2000, oovToken: '<OOV>' }).fitOnTexts(
      parts.train.map((s) => s.sentence),
    );
    const batches = (part: readonly LabelledSentence[], shuffleSeed?: number) => {
      const ids = padSequences(tokenizer.textsToSequences(part.map((s) => s.sentence)), {
        maxLength: 20,
      }).rows();
      let examples = Dataset.from(part.map((s, k) => ({ xs: ids[k]!, ys: [s.label] })));
      if (shuffleSeed !== undefined) examples = examples.shuffle(part.length, shuffleSeed);
      return toTensors(examples.batch(32), { xsDtype: 'int32' });
    };
    // --- end ---
    expect([parts.train.length, parts.validation.length, parts.test.length]).toEqual([70, 10, 20]);
    for (const part of [parts.train, parts.validation, parts.test]) {
      expect(part.filter((s) => s.label === 1)).toHaveLength(part.length / 2);
    }
    const shapes: string[] = [];
    for await (const { xs, ys } of batches(parts.train, 42)) {
      shapes.push(`${xs.dtype} ${xs.shape} ${ys.dtype} ${ys.shape}`);
      tf.dispose([xs, ys]);
    }
    expect(shapes).toEqual([
      'int32 32,20 float32 32,1',
      'int32 32,20 float32 32,1',
      'int32 6,20 float32 6,1',
    ]);

    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 2000, outputDim: 8, inputLength: 20 }),
        tfl.layers.globalAveragePooling1d(),
        tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
    const before = tf.memory().numTensors;
    const history = await model.fitDataset(batches(parts.train, 42), {
      epochs: 2,
      verbose: 0,
      validationData: batches(parts.validation),
    });
    expect(history.history['val_loss']).toHaveLength(2);
    expect(history.history['loss']!.every((loss) => Number.isFinite(loss))).toBe(true);
    // fitDataset disposed every batch; what is left is the optimizer's slots, not batches.
    expect(tf.memory().numTensors - before).toBeLessThan(10);
    model.dispose();
  });
});
