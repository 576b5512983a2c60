import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, RnnModelsError } from '@rnnkit/rnn-models';
import { expectErrorCode, expectNoLeaks, expectTensorsClose, readJsonFixture } from '@rnnkit/test-utils';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EncoderDecoder, encoderDecoder } from '../encoder-decoder.js';
import { Seq2SeqError } from '../errors.js';
import { decodeTorchEncoderDecoder, encodeTorchEncoderDecoder } from '../torch-interop.js';
import { exportTorchEncoderDecoder, importTorchEncoderDecoder } from './torch-files.js';

/**
 * test/fixtures/torch/<case>: encoder–decoders PyTorch built (rnnkit_torch.EncoderDecoderModel) and saved
 * with rnnkit_torch.save, with their logits on padded source and decoder ids; made by
 * packages/rnn-models/scripts/make_torch_model_fixtures.py.
 */
const ROOT = new URL('../../test/fixtures/torch/', import.meta.url);
const CASES = readdirSync(ROOT).sort();
interface Expected {
  readonly sourceIds: number[][];
  readonly decoderInputIds: number[][];
  readonly logits: number[][][];
}

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'rnnkit-seq2seq-torch-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

function readCase(name: string) {
  const dir = new URL(`${name}/`, ROOT);
  return {
    dir: dir.pathname,
    config: JSON.parse(readFileSync(new URL('config.json', dir), 'utf8')) as unknown,
    bytes: new Uint8Array(readFileSync(new URL('model.safetensors', dir))),
    expected: readJsonFixture<Expected>(new URL('expected.json', dir)),
  };
}

function logits(model: EncoderDecoder, expected: Expected): tf.Tensor {
  return tf.tidy(
    () =>
      model.model.predict([
        tf.tensor2d(expected.sourceIds, undefined, 'int32'),
        tf.tensor2d(expected.decoderInputIds, undefined, 'int32'),
      ]) as tf.Tensor,
  );
}

describe('encoder–decoders to and from PyTorch', () => {
  it('covers both cells, stacked and bidirectional encoders and every attention', () => {
    expect(CASES).toHaveLength(4);
  });

  for (const name of CASES) {
    it(`${name}: PyTorch-made model gives rnnkit PyTorch's logits (≤ 1e-5 relative); rnnkit's export is PyTorch's file`, async () => {
      const { dir, bytes, expected } = readCase(name);
      const { encoderDecoder: model } = await importTorchEncoderDecoder(dir);
      const output = logits(model, expected);
      expectTensorsClose(output, expected.logits.flat(2), { rtol: 1e-5, atol: 1e-6 });
      // what rnnkit writes for these weights is, tensor by tensor and bit by bit, what PyTorch
      // wrote — so PyTorch loading rnnkit's export computes the logits above
      const ours = decodeSafetensors(encodeTorchEncoderDecoder(model).safetensors).tensors;
      const theirs = decodeSafetensors(bytes).tensors;
      expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
      for (const [key, tensor] of theirs) {
        expect(ours.get(key)!.shape, key).toEqual(tensor.shape);
        expect(new Uint32Array(ours.get(key)!.data.buffer), key).toEqual(new Uint32Array(tensor.data.buffer));
      }
      output.dispose();
      model.dispose();
    });
  }

  it('round trip rnnkit → directory → rnnkit is bit-identical, extras kept', async () => {
    const model = encoderDecoder({
      sourceVocabularySize: 9,
      targetVocabularySize: 8,
      embeddingDim: 4,
      units: 5,
      cell: 'lstm',
      layers: 2,
      bidirectionalEncoder: true,
      attention: 'bahdanau',
      seed: 5,
    });
    const dir = join(root, 'export');
    await exportTorchEncoderDecoder(model, dir, { extras: { note: 'vocabularies here' } });
    const { encoderDecoder: copy, config } = await importTorchEncoderDecoder(dir);
    expect(config.extras).toEqual({ note: 'vocabularies here' });
    expect(config.options).toMatchObject({ cell: 'lstm', layers: 2, attention: 'bahdanau' });
    const bits = (m: EncoderDecoder) =>
      m.model.weights.map((w) => new Uint32Array(w.read().dataSync().slice().buffer));
    expect(bits(copy)).toEqual(bits(model));
    model.dispose();
    copy.dispose();
  });

  it('names the missing or extra tensor, refuses other configs, leaks nothing', async () => {
    const { config, bytes } = readCase('gru-luong-dot');
    const tensors = new Map(decodeSafetensors(bytes).tensors);
    tensors.delete('attention.wc.weight');
    const missing = expectErrorCode(
      () => decodeTorchEncoderDecoder(config, encodeSafetensors(tensors)),
      RnnModelsError,
      'RNN_MODELS_CHECKPOINT_MISMATCH',
    );
    expect(missing.message).toContain("'attention.wc.weight'");
    const wrongLayer = new Map(decodeSafetensors(bytes).tensors);
    wrongLayer.delete('decoder.0.weight_hh_l0');
    expect(
      expectErrorCode(
        () => decodeTorchEncoderDecoder(config, encodeSafetensors(wrongLayer)),
        RnnModelsError,
        'RNN_MODELS_CHECKPOINT_MISMATCH',
      ).message,
    ).toContain("'decoder.0.weight_hh_l0'");
    const c = config as { options: object };
    expectErrorCode(
      () => decodeTorchEncoderDecoder({ ...c, template: 'languageModel' }, bytes),
      Seq2SeqError,
      'SEQ2SEQ_CHECKPOINT_CORRUPT',
    );
    expectErrorCode(
      () => decodeTorchEncoderDecoder({ ...c, options: { ...c.options, unitz: 4 } }, bytes),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    await expectNoLeaks(() => {
      decodeTorchEncoderDecoder(config, bytes).encoderDecoder.dispose();
      expect(() => decodeTorchEncoderDecoder(config, encodeSafetensors(tensors))).toThrow(RnnModelsError);
    });
  });
});
