import '@tensorflow/tfjs-backend-cpu';
import { CoreError, SeededRandom as CoreSeededRandom } from '@rnnkit/core';
import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomTable, TableStepModel } from '../test/support.js';
import { SamplingError } from './errors.js';
import {
  beamSearch,
  createLogitsProcessor,
  createSampler,
  generate,
  LOGITS_PROCESSOR_TYPES,
  type LogitsProcessorConfig,
  SeededRandom,
  stream,
  windowedStepModel,
} from './index.js';

// Every public function that takes options rejects a misspelt name with SAMPLING_INVALID_OPTION,
// and the message names the closest valid option.

let model: TableStepModel;
const windowed = { predict: () => tf.zeros([1, 4]), outputs: [{ shape: [null, 4] }] };

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = new TableStepModel(randomTable(4, 1));
});

afterAll(() => model.dispose());

function expectClosest(error: SamplingError, misspelt: string, closest: string): void {
  expect(error.message).toContain(misspelt);
  expect(error.message).toContain(`'${closest}'`);
}

describe('misspelt option names', () => {
  it('generate and stream', async () => {
    const error = await expectErrorCode(
      generate(model, { prompt: [0], maxNewTokns: 3 } as never),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
    expectClosest(error, 'maxNewTokns', 'maxNewTokens');
    const snake = expectErrorCode(
      () => stream(model, { prompt: [0], top_k: 3 } as never),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
    expectClosest(snake, 'top_k', 'topK');
  });

  it('beamSearch, including the names it had before (maxLength, eosId)', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ beamWdith: 2 }, 'beamWdith', 'beamWidth'],
      [{ maxLength: 5 }, 'maxLength', 'maxNewTokens'],
      [{ eosId: 3 }, 'eosId', 'stop'],
    ];
    for (const [option, misspelt, closest] of cases) {
      const error = await expectErrorCode(
        beamSearch(model, { prompt: [0], ...option } as never),
        SamplingError,
        'SAMPLING_INVALID_OPTION',
      );
      expectClosest(error, misspelt, closest);
    }
  });

  it('windowedStepModel, including length and Keras’ maxlen', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ sequenceLength: 3, padid: 0 }, 'padid', 'padId'],
      [{ length: 3 }, 'length', 'sequenceLength'],
      [{ maxlen: 3 }, 'maxlen', 'sequenceLength'],
    ];
    for (const [options, misspelt, closest] of cases) {
      const error = expectErrorCode(
        () => windowedStepModel(windowed, options as never),
        SamplingError,
        'SAMPLING_INVALID_OPTION',
      );
      expectClosest(error, misspelt, closest);
    }
  });

  it('createLogitsProcessor: every type, and the type itself', () => {
    const misspelt: Record<LogitsProcessorConfig['type'], Record<string, unknown>> = {
      temperature: { temprature: 0.5 },
      topK: { kk: 2 },
      topP: { pp: 0.9 },
      minP: { pp: 0.1 },
      repetitionPenalty: { penality: 1.2 },
      noRepeatNgram: { sise: 2 },
      bannedTokens: { idz: [0] },
      allowedTokens: { idz: [0] },
    };
    expect(Object.keys(misspelt)).toEqual([...LOGITS_PROCESSOR_TYPES]);
    for (const type of LOGITS_PROCESSOR_TYPES) {
      expectErrorCode(
        () => createLogitsProcessor({ type, ...misspelt[type] } as never),
        SamplingError,
        'SAMPLING_INVALID_OPTION',
      );
    }
    const error = expectErrorCode(
      () => createLogitsProcessor({ type: 'topk', k: 2 } as never),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
    expectClosest(error, 'topk', 'topK');
  });

  it('the processor factories take their parameter, not an options object', () => {
    expectErrorCode(
      () => createLogitsProcessor({ type: 'temperature', temperature: { value: 1 } } as never),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
  });

  it('createSampler', () => {
    const error = expectErrorCode(
      () => createSampler({ type: 'greedy', temperature: 0 } as never),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
    expectClosest(error, 'temperature', 'type');
    expectClosest(
      expectErrorCode(
        () => createSampler({ type: 'greedi' } as never),
        SamplingError,
        'SAMPLING_INVALID_OPTION',
      ),
      'greedi',
      'greedy',
    );
  });
});

describe('seeds', () => {
  it('SeededRandom is core’s, re-exported; sampling validates its own seed options first', async () => {
    expect(SeededRandom).toBe(CoreSeededRandom);
    expectErrorCode(() => new SeededRandom(1.5), CoreError, 'CORE_INVALID_OPTION');
    await expectErrorCode(
      generate(model, { prompt: [0], seed: 1.5 }),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
  });
});
