// Probes of @rnnkit/sampling: every public function fed what a user might feed it. The models
// are hand-written StepModels whose logits come from a fixed table (a tensor, so leaks show),
// their state one id per row: fast, deterministic, no training.
import '@tensorflow/tfjs-backend-cpu';
import {
  allowedTokensProcessor,
  bannedTokensProcessor,
  beamSearch,
  createLogitsProcessor,
  createSampler,
  type GenerateOptions,
  generate,
  greedySampler,
  type LogitsProcessor,
  logSoftmax,
  minPProcessor,
  multinomialSampler,
  noRepeatNgramProcessor,
  repetitionPenaltyProcessor,
  SeededRandom,
  type StepModel,
  softmax,
  stream,
  temperatureProcessor,
  topIndices,
  topKProcessor,
  topPProcessor,
  windowedStepModel,
} from '@rnnkit/sampling';
import * as tf from '@tensorflow/tfjs-core';
import type { Probe, ProbeSuite } from '../types.js';

const VOCAB = 4;
const TABLE = [
  [0.1, 2, 0.5, -1],
  [1, 0.2, 2, 0.3],
  [2, 0.1, 0.4, 1],
  [0.5, 1.5, 0.3, 0.2],
];
const ALPHABET = 'abcd';
const decoder = {
  decode: (ids: Iterable<number>) => Array.from(ids, (id) => ALPHABET[id] ?? '?').join(''),
  encode: (text: string) => Array.from(text, (char) => ALPHABET.indexOf(char)),
};

type IdState = tf.Tensor1D;
type StepOutput = { logits: tf.Tensor2D; state: IdState };

/** `TABLE` as a tensor, made once in `setup` (so that probes building models leave nothing behind). */
let table: tf.Tensor2D;

/** Logits after token i are `TABLE[i]`; the state is the last id of each row. */
function tableModel(override?: (ids: Int32Array, state: () => IdState) => unknown): StepModel<IdState> {
  const step = (ids: Int32Array): StepOutput => {
    const last = tf.tensor1d(ids, 'int32');
    return { logits: tf.tidy(() => tf.gather(table, last) as tf.Tensor2D), state: last };
  };
  return {
    vocabularySize: VOCAB,
    initialState: (batchSize) => tf.zeros([batchSize], 'int32') as IdState,
    step: (ids, _state) =>
      (override ? override(ids, () => tf.tensor1d(ids, 'int32') as IdState) : step(ids)) as StepOutput,
    gatherState: (state, rows) => tf.tidy(() => tf.gather(state, tf.tensor1d(rows, 'int32')) as IdState),
    disposeState: (state) => state.dispose(),
  };
}

let model: StepModel<IdState>;
const context = { ids: [0, 1], promptLength: 1 };
const row = () => Float32Array.of(0.1, 2, 0.5, -1);

const gen = (options: Partial<GenerateOptions>, m: StepModel<IdState> = model) =>
  generate(m, { prompt: [0], maxNewTokens: 5, ...options } as GenerateOptions);

/** Generation options that must be rejected with SAMPLING_INVALID_OPTION. */
const badOptions: [string, Probe['kind'], Record<string, unknown>][] = [
  ['temperature NaN', 'non-finite', { temperature: Number.NaN }],
  ['temperature -1', 'out-of-range', { temperature: -1 }],
  ['temperature Infinity', 'non-finite', { temperature: Number.POSITIVE_INFINITY }],
  ['temperature "0.8"', 'bad-type', { temperature: '0.8' }],
  ['topP 1.5', 'out-of-range', { topP: 1.5 }],
  ['topP 0', 'out-of-range', { topP: 0 }],
  ['topK 0', 'out-of-range', { topK: 0 }],
  ['topK 2.5', 'out-of-range', { topK: 2.5 }],
  ['minP NaN', 'non-finite', { minP: Number.NaN }],
  ['repetitionPenalty 0', 'out-of-range', { repetitionPenalty: 0 }],
  ['noRepeatNgramSize -1', 'out-of-range', { noRepeatNgramSize: -1 }],
  ['bannedIds [NaN]', 'non-finite', { bannedIds: [Number.NaN] }],
  ['bannedIds [99] (beyond the vocabulary)', 'out-of-range', { bannedIds: [99] }],
  ['allowedIds []', 'empty', { allowedIds: [] }],
  ['maxNewTokens 0', 'out-of-range', { maxNewTokens: 0 }],
  ['maxNewTokens Infinity', 'non-finite', { maxNewTokens: Number.POSITIVE_INFINITY }],
  ['batchSize 0', 'out-of-range', { batchSize: 0 }],
  ['seed 1.5', 'out-of-range', { seed: 1.5 }],
  ['prompt []', 'empty', { prompt: [] }],
  ['prompt "" with a decoder', 'empty', { prompt: '', decoder }],
  ['prompt [NaN]', 'non-finite', { prompt: [Number.NaN] }],
  ['prompt [7] (beyond the vocabulary)', 'out-of-range', { prompt: [7] }],
  ['prompt string without a decoder', 'bad-type', { prompt: 'ab' }],
  ['prompt null', 'bad-type', { prompt: null }],
  ['misspelt maxNewTokns', 'misspelt-option', { maxNewTokns: 3 }],
  ['Python top_k', 'misspelt-option', { top_k: 3 }],
  ['stop [""]', 'empty', { stop: [''], decoder }],
  ['stop string without decoder', 'bad-type', { stop: ['a'] }],
  ['signal "yes"', 'bad-type', { signal: 'yes' }],
  ['onToken 1', 'bad-type', { onToken: 1 }],
  ['streamer without end', 'bad-type', { streamer: { put() {} } }],
  ['processors not functions', 'bad-type', { processors: [1] }],
  [
    'decoder.encode returns non-integers',
    'bad-type',
    { prompt: 'ab', decoder: { ...decoder, encode: () => [0.5] } },
  ],
  [
    'decoder.encode returns a string',
    'bad-type',
    { prompt: 'ab', decoder: { ...decoder, encode: () => 'ab' } },
  ],
  ['custom sampler with temperature 0', 'bad-type', { sampler: () => 0, temperature: 0 }],
];

/** Runs generate with `options`; the call must reject with SAMPLING_INVALID_INPUT (a misbehaving part). */
const badParts: [string, Probe['kind'], () => Promise<unknown>][] = [
  ['processor returns a shorter row', 'out-of-range', () => gen({ processors: [(l) => l.subarray(0, 2)] })],
  [
    'processor returns a longer row',
    'out-of-range',
    () => gen({ processors: [(l) => Float32Array.of(...l, 9, 9)], temperature: 0 }),
  ],
  [
    'processor returns a number',
    'bad-type',
    () => gen({ processors: [(() => 3) as unknown as LogitsProcessor] }),
  ],
  ['processor returns undefined', 'bad-type', () => gen({ processors: [(() => undefined) as never] })],
  ['processor returns a NaN row', 'non-finite', () => gen({ processors: [(l) => l.map(() => Number.NaN)] })],
  [
    'processor returns a plain array of strings',
    'bad-type',
    () => gen({ processors: [(() => ['1', '2', '3', '4']) as never], temperature: 0 }),
  ],
  ['sampler returns 99', 'out-of-range', () => gen({ sampler: () => 99 })],
  ['sampler returns 1.5', 'out-of-range', () => gen({ sampler: () => 1.5 })],
  ['sampler returns "1"', 'bad-type', () => gen({ sampler: (() => '1') as never })],
  ['stopping criterion returns "yes"', 'bad-type', () => gen({ stoppingCriteria: [(() => 'yes') as never] })],
  [
    'stopping criterion returns undefined',
    'bad-type',
    () => gen({ stoppingCriteria: [(() => undefined) as never] }),
  ],
  ['decoder.decode returns a number', 'bad-type', () => gen({ decoder: { decode: () => 42 as never } })],
  [
    'step returns a plain array as logits',
    'bad-type',
    () =>
      gen(
        {},
        tableModel((_ids, state) => ({ state: state(), logits: [[0, 1, 2, 3]] })),
      ),
  ],
  [
    'step returns undefined',
    'bad-type',
    () =>
      gen(
        {},
        tableModel(() => undefined),
      ),
  ],
  [
    'step returns logits of the wrong vocabulary',
    'out-of-range',
    () =>
      gen(
        {},
        tableModel((ids, state) => ({ state: state(), logits: tf.zeros([ids.length, 3]) })),
      ),
  ],
  [
    'step returns int32 logits',
    'bad-type',
    () =>
      gen(
        {},
        tableModel((ids, state) => ({ state: state(), logits: tf.zeros([ids.length, VOCAB], 'int32') })),
      ),
  ],
  [
    'step returns NaN logits',
    'non-finite',
    () =>
      gen(
        {},
        tableModel((ids, state) => ({ state: state(), logits: tf.fill([ids.length, VOCAB], Number.NaN) })),
      ),
  ],
];

/** Generation whose signal aborts on a 50 ms timer while 20,000 tokens are asked for. */
async function timerAbort(run: (signal: AbortSignal) => Promise<unknown>): Promise<unknown> {
  const controller = new AbortController();
  let firedAt = 0;
  setTimeout(() => {
    firedAt = performance.now();
    controller.abort();
  }, 50);
  try {
    return await run(controller.signal);
  } finally {
    const late = firedAt === 0 ? Number.POSITIVE_INFINITY : performance.now() - firedAt;
    // biome-ignore lint/correctness/noUnsafeFinally: a late abort is the failure being probed
    if (late > 250) throw new Error(`the abort landed ${late.toFixed(0)} ms after the timer fired`);
  }
}

/** A probe that must fail with `SAMPLING_<code>`. */
const expecting =
  (code: string) =>
  (name: string, kind: Probe['kind'], run: () => unknown): Probe => ({
    name,
    kind,
    expect: { code: `SAMPLING_${code}` },
    run,
  });
const badOption = expecting('INVALID_OPTION');
const badInput = expecting('INVALID_INPUT');
const aborted = expecting('ABORTED');

const sampleIds = (options: Partial<GenerateOptions>) =>
  gen({ maxNewTokens: 20, ...options }).then((r) => r.ids);

const suite: ProbeSuite = {
  packageName: 'sampling',
  checksTensors: true,
  setup: async () => {
    await tf.setBackend('cpu');
    table = tf.keep(tf.tensor2d(TABLE));
    model = tableModel();
  },
  probes: (): Probe[] => [
    { name: 'generate: valid call', kind: 'valid', expect: 'ok', run: () => gen({ decoder, prompt: 'ab' }) },
    badInput('generate: model null', 'bad-type', () => generate(null as never, { prompt: [0] })),
    badOption('generate: options undefined', 'empty', () => generate(model, undefined as never)),
    ...badOptions.map(([what, kind, options]) =>
      badOption(`generate: ${what}`, kind, () => gen(options as Partial<GenerateOptions>)),
    ),
    ...badParts.map(([what, kind, run]) => badInput(`generate: ${what}`, kind, run)),
    aborted('generate: signal already aborted', 'aborted', () => gen({ signal: AbortSignal.abort() })),
    {
      name: 'generate: a 50 ms timer aborts 20,000 tokens',
      kind: 'aborted',
      expect: { code: 'SAMPLING_ABORTED' },
      timeoutSeconds: 40,
      run: () => timerAbort((signal) => gen({ maxNewTokens: 20_000, signal })),
    },
    {
      name: 'generate: concurrent calls on one model give the sequential ids',
      kind: 'concurrent',
      expect: 'ok',
      run: async () => {
        const alone = await Promise.all([sampleIds({ seed: 1 }), sampleIds({ seed: 2 })]);
        const sequential = [await sampleIds({ seed: 1 }), await sampleIds({ seed: 2 })];
        if (JSON.stringify(alone) !== JSON.stringify(sequential)) throw new Error('concurrent ids differ');
      },
    },
    {
      name: 'generate: huge batchSize 1e9',
      kind: 'huge',
      expect: 'error',
      run: () => gen({ batchSize: 1e9, maxNewTokens: 1 }),
    },
    badOption('stream: bad option throws at the call', 'out-of-range', () =>
      stream(model, { prompt: [0], topP: 2 }),
    ),
    {
      name: 'stream: break after one token frees the state',
      kind: 'valid',
      expect: 'ok',
      run: async () => {
        for await (const _ of stream(model, { prompt: [0], maxNewTokens: 50 })) break;
      },
    },
    {
      name: 'stream: abort during the stream',
      kind: 'aborted',
      expect: { code: 'SAMPLING_ABORTED' },
      run: async () => {
        const controller = new AbortController();
        for await (const token of stream(model, {
          prompt: [0],
          maxNewTokens: 50,
          signal: controller.signal,
        })) {
          if (token.index === 2) controller.abort();
        }
      },
    },
    {
      name: 'stream: a 50 ms timer aborts 20,000 tokens',
      kind: 'aborted',
      expect: { code: 'SAMPLING_ABORTED' },
      timeoutSeconds: 40,
      run: () =>
        timerAbort(async (signal) => {
          for await (const _ of stream(model, { prompt: [0], maxNewTokens: 20_000, signal }));
        }),
    },
    {
      name: 'stream: return() mid-stream, then next()',
      kind: 'concurrent',
      expect: 'ok',
      run: async () => {
        const iterator = stream(model, { prompt: [0], maxNewTokens: 50 });
        await iterator.next();
        await iterator.return(undefined as never);
        const after = await iterator.next();
        if (!after.done) throw new Error('the stream went on after return()');
      },
    },
    {
      name: 'beamSearch: valid call',
      kind: 'valid',
      expect: 'ok',
      run: () => beamSearch(model, { prompt: [0], beamWidth: 2, maxNewTokens: 5, stop: [3] }),
    },
    ...(
      [
        ['beamWidth 0', 'out-of-range', { beamWidth: 0 }],
        ['beamWidth NaN', 'non-finite', { beamWidth: Number.NaN }],
        ['numReturnSequences > beamWidth', 'out-of-range', { beamWidth: 2, numReturnSequences: 3 }],
        ['lengthPenalty NaN', 'non-finite', { lengthPenalty: Number.NaN }],
        ['stop ["a"]', 'bad-type', { stop: ['a'] }],
        ['earlyStopping "sometimes"', 'bad-type', { earlyStopping: 'sometimes' }],
        ['misspelt beamWdith', 'misspelt-option', { beamWdith: 2 }],
        ['old name maxLength', 'misspelt-option', { maxLength: 5 }],
        ['prompt []', 'empty', { prompt: [] }],
      ] as const
    ).map(
      ([what, kind, options]): Probe => ({
        name: `beamSearch: ${what}`,
        kind,
        expect: { code: 'SAMPLING_INVALID_OPTION' },
        run: () => beamSearch(model, { prompt: [0], ...(options as object) } as never),
      }),
    ),
    badInput('beamSearch: model {}', 'bad-type', () => beamSearch({} as never, { prompt: [0] })),
    badInput('beamSearch: processor returns a shorter row', 'out-of-range', () =>
      beamSearch(model, { prompt: [0], processors: [(l) => l.subarray(0, 2)] }),
    ),
    {
      name: 'beamSearch: processor masks everything',
      kind: 'out-of-range',
      expect: { code: 'SAMPLING_INVALID_INPUT' },
      run: () =>
        beamSearch(model, { prompt: [0], processors: [(l) => l.map(() => Number.NEGATIVE_INFINITY)] }),
    },
    {
      name: 'beamSearch: step returns undefined',
      kind: 'bad-type',
      expect: { code: 'SAMPLING_INVALID_INPUT' },
      run: () =>
        beamSearch(
          tableModel(() => undefined),
          { prompt: [0] },
        ),
    },
    aborted('beamSearch: signal already aborted', 'aborted', () =>
      beamSearch(model, { prompt: [0], signal: AbortSignal.abort() }),
    ),
    {
      name: 'beamSearch: a 50 ms timer aborts 20,000 steps',
      kind: 'aborted',
      expect: { code: 'SAMPLING_ABORTED' },
      timeoutSeconds: 60,
      run: () => timerAbort((signal) => beamSearch(model, { prompt: [0], maxNewTokens: 20_000, signal })),
    },
    {
      name: 'beamSearch: concurrent calls on one model',
      kind: 'concurrent',
      expect: 'ok',
      run: async () => {
        const options = { prompt: [0], beamWidth: 3, maxNewTokens: 8 };
        const [a, b] = await Promise.all([beamSearch(model, options), beamSearch(model, options)]);
        if (JSON.stringify(a.ids) !== JSON.stringify(b.ids)) throw new Error('concurrent searches differ');
      },
    },
    badInput('softmax: null', 'bad-type', () => softmax(null as never)),
    badInput('softmax: []', 'empty', () => softmax([])),
    badInput('softmax: [NaN, 1]', 'non-finite', () => softmax([Number.NaN, 1])),
    badInput('softmax: ["1", "2"]', 'bad-type', () => softmax(['1', '2'] as never)),
    badInput('logSoftmax: [Infinity, 0]', 'non-finite', () => logSoftmax([Number.POSITIVE_INFINITY, 0])),
    badInput('logSoftmax: [undefined, 1]', 'bad-type', () => logSoftmax([undefined, 1] as never)),
    badOption('topIndices: k NaN', 'non-finite', () => topIndices([1, 2], Number.NaN)),
    badInput('topIndices: values "abc"', 'bad-type', () => topIndices('abc' as never, 1)),
    badInput('topIndices: values with NaN', 'non-finite', () => topIndices([Number.NaN, 1, 2], 2)),
    { name: 'topIndices: empty', kind: 'empty', expect: 'ok', run: () => topIndices([], 3) },
    badOption('temperatureProcessor: 0', 'out-of-range', () => temperatureProcessor(0)),
    badOption('topKProcessor: Infinity', 'non-finite', () => topKProcessor(Number.POSITIVE_INFINITY)),
    badOption('topPProcessor: 1.5', 'out-of-range', () => topPProcessor(1.5)),
    badOption('minPProcessor: -0.1', 'out-of-range', () => minPProcessor(-0.1)),
    badOption('repetitionPenaltyProcessor: NaN', 'non-finite', () => repetitionPenaltyProcessor(Number.NaN)),
    badOption('noRepeatNgramProcessor: 0', 'out-of-range', () => noRepeatNgramProcessor(0)),
    badOption('bannedTokensProcessor: [NaN]', 'non-finite', () => bannedTokensProcessor([Number.NaN])),
    badOption('bannedTokensProcessor: id 9 on 4 logits', 'out-of-range', () =>
      bannedTokensProcessor([9])(row(), context),
    ),
    badOption('allowedTokensProcessor: []', 'empty', () => allowedTokensProcessor([])),
    badInput('topKProcessor(2): logits null', 'bad-type', () => topKProcessor(2)(null as never, context)),
    badInput('temperatureProcessor(2): logits "abc"', 'bad-type', () =>
      temperatureProcessor(2)('abc' as never, context),
    ),
    badInput('repetitionPenaltyProcessor(1.2): context undefined', 'bad-type', () =>
      repetitionPenaltyProcessor(1.2)(row(), undefined as never),
    ),
    badInput('noRepeatNgramProcessor(2): context.ids null', 'bad-type', () =>
      noRepeatNgramProcessor(2)(row(), { ids: null as never, promptLength: 0 }),
    ),
    badOption('createLogitsProcessor: null', 'bad-type', () => createLogitsProcessor(null as never)),
    badOption('createLogitsProcessor: type "topk"', 'misspelt-option', () =>
      createLogitsProcessor({ type: 'topk' } as never),
    ),
    badOption('createLogitsProcessor: topK with kk', 'misspelt-option', () =>
      createLogitsProcessor({ type: 'topK', kk: 5 } as never),
    ),
    badOption('createLogitsProcessor: temperature NaN', 'non-finite', () =>
      createLogitsProcessor({ type: 'temperature', temperature: Number.NaN }),
    ),
    badOption('createSampler: type "beam"', 'out-of-range', () => createSampler({ type: 'beam' } as never)),
    badOption('createSampler: extra key k', 'misspelt-option', () =>
      createSampler({ type: 'greedy', k: 1 } as never),
    ),
    badInput('greedySampler: []', 'empty', () => greedySampler(new Float32Array(0), new SeededRandom(1))),
    badOption('multinomialSampler: random null', 'bad-type', () => multinomialSampler(row(), null as never)),
    badOption('multinomialSampler: nextFloat returns NaN', 'non-finite', () =>
      multinomialSampler(row(), { nextFloat: () => Number.NaN }),
    ),
    badOption('multinomialSampler: nextFloat returns 2', 'out-of-range', () =>
      multinomialSampler(row(), { nextFloat: () => 2 }),
    ),
    ...windowedProbes(),
  ],
};

/** A fixed-window model: predict returns the table row of each window's last id as probabilities. */
function windowed(shape?: (batch: number) => number[]) {
  return {
    outputs: [{ shape: [null, VOCAB] }],
    predict: (x: tf.Tensor) =>
      tf.tidy(() => {
        const batch = x.shape[0]!;
        if (shape) return tf.zeros(shape(batch));
        const last = tf.squeeze(tf.slice(x, [0, x.shape[1]! - 1], [-1, 1]), [1]);
        return tf.softmax(tf.gather(tf.tensor2d(TABLE), last));
      }),
  };
}

function windowedProbes(): Probe[] {
  const bad = (what: string, kind: Probe['kind'], options: object): Probe => ({
    name: `windowedStepModel: ${what}`,
    kind,
    expect: { code: 'SAMPLING_INVALID_OPTION' },
    run: () => windowedStepModel(windowed(), options as never),
  });
  return [
    {
      name: 'windowedStepModel: generate through it',
      kind: 'valid',
      expect: 'ok',
      run: () =>
        generate(windowedStepModel(windowed(), { sequenceLength: 3 }), { prompt: [1], maxNewTokens: 5 }),
    },
    badOption('windowedStepModel: model null', 'bad-type', () =>
      windowedStepModel(null as never, { sequenceLength: 3 }),
    ),
    bad('sequenceLength 0', 'out-of-range', { sequenceLength: 0 }),
    bad('sequenceLength missing', 'empty', {}),
    bad('options undefined', 'empty', undefined as never),
    bad('Keras maxlen', 'misspelt-option', { maxlen: 3 }),
    bad('outputs "probs"', 'misspelt-option', { sequenceLength: 3, outputs: 'probs' }),
    bad('padId -1', 'out-of-range', { sequenceLength: 3, padId: -1 }),
    bad('padId beyond the vocabulary', 'out-of-range', { sequenceLength: 3, padId: VOCAB }),
    bad('vocabularySize NaN', 'non-finite', { sequenceLength: 3, vocabularySize: Number.NaN }),
    badOption('windowedStepModel: initialState(0)', 'out-of-range', () =>
      windowedStepModel(windowed(), { sequenceLength: 3 }).initialState(0),
    ),
    {
      name: 'windowedStepModel: step with 2 ids for 1 row',
      kind: 'out-of-range',
      expect: { code: 'SAMPLING_INVALID_INPUT' },
      run: () => {
        const m = windowedStepModel(windowed(), { sequenceLength: 3 });
        return m.step(Int32Array.of(1, 2), m.initialState(1));
      },
    },
    {
      name: 'windowedStepModel: step with a plain array of ids',
      kind: 'bad-type',
      expect: { code: 'SAMPLING_INVALID_INPUT' },
      run: () => {
        const m = windowedStepModel(windowed(), { sequenceLength: 3 });
        m.step([1.5] as never, m.initialState(1)).logits.dispose();
      },
    },
    badInput('windowedStepModel: step with a state of another model', 'bad-type', () =>
      windowedStepModel(windowed(), { sequenceLength: 3 }).step(Int32Array.of(1), {} as never),
    ),
    {
      name: 'windowedStepModel: gatherState row 5 of 1',
      kind: 'out-of-range',
      expect: { code: 'SAMPLING_INVALID_INPUT' },
      run: () => {
        const m = windowedStepModel(windowed(), { sequenceLength: 3 });
        return m.gatherState(m.initialState(1), Int32Array.of(5));
      },
    },
    {
      name: 'windowedStepModel: predict returns the wrong shape',
      kind: 'out-of-range',
      expect: { code: 'SAMPLING_INVALID_INPUT' },
      run: () =>
        generate(
          windowedStepModel(
            windowed((batch) => [batch, 7]),
            { sequenceLength: 3 },
          ),
          {
            prompt: [1],
            maxNewTokens: 2,
          },
        ),
    },
    {
      name: 'windowedStepModel: predict returns a non-tensor',
      kind: 'bad-type',
      expect: { code: 'SAMPLING_INVALID_INPUT' },
      run: () =>
        generate(
          windowedStepModel({ ...windowed(), predict: () => [[0, 1, 2, 3]] as never }, { sequenceLength: 3 }),
          {
            prompt: [1],
            maxNewTokens: 2,
          },
        ),
    },
    {
      name: 'windowedStepModel: a 50 ms timer aborts 20,000 tokens',
      kind: 'aborted',
      expect: { code: 'SAMPLING_ABORTED' },
      timeoutSeconds: 60,
      run: () =>
        timerAbort((signal) =>
          generate(windowedStepModel(windowed(), { sequenceLength: 3 }), {
            prompt: [1],
            maxNewTokens: 20_000,
            signal,
          }),
        ),
    },
  ];
}

export default suite;
