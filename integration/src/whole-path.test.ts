// tokenize → datasets → rnn-models → sampling → metrics: the text-generation workflow end to end
// through every package's public API — standardize and encode a text, window it lazily, train a
// char-level GRU with rnnkit's train(), score held-out chunks with metrics' perplexity, then decode
// with sampling's generate and beamSearch over rnn-models' toStepModel and score the continuation.
import { Dataset, shiftedChunks } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import { bitsPerCharacter, characterErrorRate, PerplexityAccumulator, perplexity } from '@rnnkit/metrics';
import { initBackend, languageModel, toStepModel, train } from '@rnnkit/rnn-models';
import { beamSearch, generate } from '@rnnkit/sampling';
import { CharVocabulary, standardize } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

const VERSE = [
  'Tyger Tyger, burning bright,',
  'In the forests of the night;',
  'What immortal hand or eye,',
  'Could frame thy fearful symmetry?',
].join('\n');
const [SEQUENCE_LENGTH, BATCH, EPOCHS, SEED] = [20, 16, 6, 3];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Σ −log p(target) over every position of `chunks`, from the model's softmax outputs. */
function heldOutNll(
  model: ReturnType<typeof languageModel>,
  chunks: readonly { xs: ArrayLike<number>; ys: ArrayLike<number> }[],
) {
  return tf.tidy(() => {
    const xs = tf.tensor2d(
      chunks.map((chunk) => Array.from(chunk.xs)),
      undefined,
      'int32',
    );
    const ys = tf.tensor2d(
      chunks.map((chunk) => Array.from(chunk.ys)),
      undefined,
      'int32',
    );
    const probabilities = model.predict(xs) as tf.Tensor3D;
    const vocabularySize = probabilities.shape[2];
    const picked = tf.sum(tf.mul(probabilities, tf.oneHot(ys, vocabularySize)), -1);
    return { total: -tf.sum(tf.log(picked)).arraySync(), count: ys.size };
  });
}

describe('the whole path: tokenize → datasets → rnn-models → sampling → metrics', () => {
  it('trains, scores held-out text, decodes the same way for the same seed, and leaks nothing', async () => {
    const text = standardize(`${VERSE}\n\n`.repeat(24), { collapseWhitespace: false, lowercase: true });
    const vocabulary = CharVocabulary.fromText(text);
    const ids = vocabulary.encode(text);
    const before = tf.memory().numTensors;

    // The last tenth of the chunks is held out: training never sees those positions (the verse repeats,
    // so this checks the plumbing of an evaluation, not generalisation).
    const chunks = [...shiftedChunks(ids, { sequenceLength: SEQUENCE_LENGTH })];
    const cut = Math.floor(chunks.length * 0.9);
    const [trainChunks, heldOut] = [chunks.slice(0, cut), chunks.slice(cut)];
    expect(heldOut.length).toBeGreaterThan(2);
    const batches = toTensors(Dataset.from(trainChunks).shuffle(256, SEED).batch(BATCH), {
      xsDtype: 'int32',
      ysDtype: 'int32',
    });

    const model = languageModel({
      vocabularySize: vocabulary.vocabularySize,
      embeddingDim: 8,
      sequenceLength: SEQUENCE_LENGTH,
      cell: 'gru',
      units: 48,
      seed: SEED,
    });
    const untrained = heldOutNll(model, heldOut);
    const history = await train(model, batches, {
      epochs: EPOCHS,
      optimizer: 'adam',
      learningRate: 0.03,
      loss: 'sparseCategoricalCrossentropy',
      globalClipNorm: 1,
      seed: SEED,
      verbose: 0,
    });
    expect(history.epoch).toHaveLength(EPOCHS);

    // Held-out perplexity through metrics: the accumulator over two halves equals the direct formula.
    const trained = heldOutNll(model, heldOut);
    const half = Math.floor(heldOut.length / 2);
    const [first, second] = [
      heldOutNll(model, heldOut.slice(0, half)),
      heldOutNll(model, heldOut.slice(half)),
    ];
    const accumulator = new PerplexityAccumulator()
      .update(first.total, first.count)
      .update(second.total, second.count);
    expect(accumulator.result()).toBeCloseTo(perplexity(trained.total / trained.count), 3);
    const bits = bitsPerCharacter(trained.total / trained.count);
    // Uniform guessing costs log2(V) ≈ 4.6 bits; the verse repeats, so a trained model nearly knows it (seen: 0.13).
    expect(bits).toBeLessThan(1);
    expect(trained.total / trained.count).toBeLessThan(untrained.total / untrained.count - 1);

    // Decoding: one GRU step per character over the trained weights.
    const stepModel = toStepModel(model);
    const prompt = 'tyger tyger, burning ';
    const sampled = await generate(stepModel, {
      prompt,
      decoder: vocabulary,
      maxNewTokens: 40,
      temperature: 0.7,
      seed: 11,
    });
    const again = await generate(stepModel, {
      prompt,
      decoder: vocabulary,
      maxNewTokens: 40,
      temperature: 0.7,
      seed: 11,
    });
    expect(again.ids).toEqual(sampled.ids);
    expect(sampled.ids).toHaveLength(40);
    expect(vocabulary.decode(sampled.ids)).toBe(sampled.text);

    const greedy = await generate(stepModel, {
      prompt,
      decoder: vocabulary,
      maxNewTokens: 30,
      temperature: 0,
    });
    const truth = text.slice(prompt.length, prompt.length + 30);
    expect(characterErrorRate([truth], [greedy.text!])).toBeLessThan(0.1);

    // Beam search of width 1 without length normalisation is greedy decoding.
    const beam = await beamSearch(stepModel, {
      prompt,
      decoder: vocabulary,
      beamWidth: 1,
      maxNewTokens: 30,
      lengthPenalty: 0,
    });
    expect(beam.ids).toEqual(greedy.ids);
    expect(beam.sequences[0]!.logProbability).toBeLessThan(0);

    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
