import { readdirSync, readFileSync } from 'node:fs';
import { expectErrorCode, expectNoLeaks, expectTensorsClose, readJsonFixture } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import { RnnModelsError, type RnnModelsErrorCode } from '../errors.js';

/** The error `fn` throws, checked to be an RnnModelsError with `code`. */
function fails(code: RnnModelsErrorCode, fn: () => unknown): RnnModelsError {
  return expectErrorCode(fn, RnnModelsError, code) as RnnModelsError;
}

import { languageModel } from '../templates/language-model.js';
import { sequenceClassifier } from '../templates/sequence-classifier.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { decodeTorchModel, encodeTorchModel, type TorchModelConfig } from './torch-model.js';

useCpuBackend();

/**
 * test/fixtures/torch-models (scripts/regenerate-torch-fixtures.sh): `rnnkit/<case>` models rnnkit
 * exported, `pytorch/<case>` models PyTorch built and saved with rnnkit_torch.save; each with
 * PyTorch's outputs on the case's input (token ids with padding 0 before, after and inside rows).
 */
const ROOT = new URL('../../test/fixtures/torch-models/', import.meta.url);
interface Case {
  readonly name: string;
  readonly template: TorchModelConfig['template'];
  readonly input: number[][] | number[][][];
}
const CASES = readJsonFixture<Case[]>(new URL('cases.json', ROOT));

function readCase(side: 'rnnkit' | 'pytorch', name: string) {
  const dir = new URL(`${side}/${name}/`, ROOT);
  return {
    config: JSON.parse(readFileSync(new URL('config.json', dir), 'utf8')) as TorchModelConfig,
    bytes: new Uint8Array(readFileSync(new URL('model.safetensors', dir))),
    expected: readJsonFixture<{ output: number[] }>(new URL('expected.json', dir)).output,
  };
}

function predict(model: tfl.LayersModel, input: Case['input']): tf.Tensor {
  return tf.tidy(() => model.predict(tf.tensor(input)) as tf.Tensor);
}

function weightBits(model: tfl.LayersModel): Uint32Array[] {
  return model.weights.map((w) => new Uint32Array(w.read().dataSync().slice().buffer));
}

describe('PyTorch models through safetensors', () => {
  it('the fixtures cover every template, from both sides', () => {
    expect(new Set(CASES.map((c) => c.template))).toEqual(
      new Set(['languageModel', 'sequenceClassifier', 'sequenceTagger', 'forecaster']),
    );
    for (const side of ['rnnkit', 'pytorch']) {
      expect(readdirSync(new URL(`${side}/`, ROOT)).sort()).toEqual(CASES.map((c) => c.name).sort());
    }
  });

  for (const side of ['rnnkit', 'pytorch'] as const) {
    for (const c of CASES) {
      it(`${side}-made ${c.name}: rnnkit's predict matches PyTorch's outputs (≤ 1e-5 relative)`, () => {
        const { config, bytes, expected } = readCase(side, c.name);
        const { model } = decodeTorchModel(config, bytes);
        const output = predict(model, c.input);
        expectTensorsClose(output, expected.flat(3) as number[], { rtol: 1e-5, atol: 1e-6 });
        output.dispose();
        model.dispose();
      });
    }
  }

  it('round trip rnnkit → file → rnnkit is bit-identical (weights and predictions), config included', () => {
    for (const c of CASES) {
      const { config, bytes } = readCase('pytorch', c.name);
      const first = decodeTorchModel(config, bytes).model;
      const encoded = encodeTorchModel(first, { extras: { vocabulary: ['<pad>', 'a'] } });
      expect(encoded.config.extras).toEqual({ vocabulary: ['<pad>', 'a'] });
      const second = decodeTorchModel(JSON.parse(JSON.stringify(encoded.config)), encoded.safetensors).model;
      expect(weightBits(second)).toEqual(weightBits(first));
      const [a, b] = [predict(first, c.input), predict(second, c.input)];
      expect(b.dataSync()).toEqual(a.dataSync());
      // re-encoding the copy gives the same bytes
      expect(encodeTorchModel(second, { extras: { vocabulary: ['<pad>', 'a'] } }).safetensors).toEqual(
        encoded.safetensors,
      );
      tf.dispose([a, b]);
      first.dispose();
      second.dispose();
    }
  });

  it('keeps the bits of a −0 LSTM bias (rnnkit writes bias_hh = 0 and reads bias_ih back unsummed)', () => {
    const model = sequenceClassifier({ vocabularySize: 5, embeddingDim: 2, units: 2, seed: 1 });
    const bias = model.weights.find((w) => /lstm(_\d+)?\/bias$/.test(w.originalName))!;
    tf.tidy(() => {
      bias.write(tf.tensor1d([-0, 1, -0, 2, 3, -0, 4, 5]));
    });
    const { safetensors, config } = encodeTorchModel(model);
    const copy = decodeTorchModel(config, safetensors).model;
    expect(weightBits(copy)).toEqual(weightBits(model));
    model.dispose();
    copy.dispose();
  });

  it('names the tensor that is missing, extra or of the wrong shape (RNN_MODELS_CHECKPOINT_MISMATCH)', () => {
    const { config, bytes } = readCase('rnnkit', CASES[0]!.name);
    const tensors = new Map(decodeSafetensors(bytes).tensors);
    const without = new Map(tensors);
    without.delete('recurrent.1.weight_hh_l0');
    const missing = fails('RNN_MODELS_CHECKPOINT_MISMATCH', () =>
      decodeTorchModel(config, encodeSafetensors(without)),
    );
    expect(missing.message).toContain("'recurrent.1.weight_hh_l0'");
    const extra = fails('RNN_MODELS_CHECKPOINT_MISMATCH', () =>
      decodeTorchModel(
        config,
        encodeSafetensors(
          new Map([...tensors, ['decoder.weight', { shape: [1], data: new Float32Array(1) }]]),
        ),
      ),
    );
    expect(extra.message).toContain("'decoder.weight'");
    const wider = fails('RNN_MODELS_CHECKPOINT_MISMATCH', () =>
      decodeTorchModel({ ...config, options: { ...config.options, embeddingDim: 4 } }, bytes),
    );
    expect(wider.message).toContain("'embedding.weight'");
  });

  it('refuses bad files and configs with typed errors', () => {
    const { config, bytes } = readCase('rnnkit', CASES[1]!.name);
    fails('RNN_MODELS_CHECKPOINT_CORRUPT', () => decodeTorchModel(config, bytes.subarray(0, 100)));
    fails('RNN_MODELS_CHECKPOINT_CORRUPT', () => decodeTorchModel({ ...config, formatVersion: 2 }, bytes));
    fails('RNN_MODELS_CHECKPOINT_CORRUPT', () =>
      decodeTorchModel({ ...config, template: 'transformer' }, bytes),
    );
    fails('RNN_MODELS_CHECKPOINT_CORRUPT', () => decodeTorchModel('nope', bytes));
    // a misspelt option: the template's own validator, naming the closest option
    const misspelt = fails('RNN_MODELS_INVALID_OPTION', () =>
      decodeTorchModel(
        { ...config, options: { ...config.options, embedingDim: 4 } } as unknown as TorchModelConfig,
        bytes,
      ),
    );
    expect(misspelt.message).toContain('embeddingDim');
    fails('RNN_MODELS_INVALID_OPTION', () =>
      encodeTorchModel(languageModel({ vocabularySize: 4 }), { templat: 'languageModel' } as never),
    );
  });

  it('refuses models no template builds', async () => {
    const tfl = await import('@tensorflow/tfjs-layers');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
    fails('RNN_MODELS_UNSUPPORTED_MODEL', () => encodeTorchModel(model));
    model.dispose();
  });

  it('leaves no tensors behind, also when it throws', async () => {
    const { config, bytes } = readCase('rnnkit', CASES[2]!.name);
    const tensors = new Map(decodeSafetensors(bytes).tensors);
    tensors.delete('output.bias');
    const broken = encodeSafetensors(tensors);
    await expectNoLeaks(() => {
      const { model } = decodeTorchModel(config, bytes);
      encodeTorchModel(model);
      model.dispose();
      expect(() => decodeTorchModel(config, broken)).toThrow(RnnModelsError);
      expect(() =>
        decodeTorchModel(
          { ...config, options: { ...config.options, unitz: 3 } } as unknown as TorchModelConfig,
          bytes,
        ),
      ).toThrow(RnnModelsError);
    });
  });

  it('records the options each template was built with, and the template asked for', () => {
    const model = languageModel({ vocabularySize: 6, embeddingDim: 2, units: 3, cell: 'gru', mode: 'next' });
    expect(encodeTorchModel(model).config.template).toBe('languageModel');
    const asClassifier = encodeTorchModel(model, { template: 'sequenceClassifier' }).config;
    expect(asClassifier).toMatchObject({
      template: 'sequenceClassifier',
      options: { numClasses: 6, cell: 'gru' },
    });
    fails('RNN_MODELS_UNSUPPORTED_MODEL', () => encodeTorchModel(model, { template: 'forecaster' }));
    model.dispose();
  });
});
