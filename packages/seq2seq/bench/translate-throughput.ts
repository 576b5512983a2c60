// Sources per second of translate() on an untrained seeded 1-layer GRU 128 with Luong-dot
// attention (wasm backend), per method, next to the one-source-at-a-time path (generate /
// beamSearch on translator.stepModel([row]), what translate did before it batched). Prints
// figures and how many results agree; never asserts.
//   pnpm --filter @rnnkit/seq2seq exec tsx --conditions=@rnnkit/source bench/translate-throughput.ts [sources] [methods]
import { SeededRandom } from '@rnnkit/core';
import { initBackend } from '@rnnkit/rnn-models';
import { beamSearch, generate } from '@rnnkit/sampling';
import * as tf from '@tensorflow/tfjs-core';
import { encoderDecoder, translate } from '../src/index.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const count = Number(args[0] ?? 2000);
const methods = (args[1] ?? 'greedy,sample,beam').split(',') as ('greedy' | 'sample' | 'beam')[];
const VOCABULARY = 40;
const MAX_NEW_TOKENS = 20;
const BEAM_WIDTH = 4;

const backend = await initBackend({ backend: 'wasm' });
const translator = encoderDecoder({
  sourceVocabularySize: VOCABULARY,
  targetVocabularySize: VOCABULARY,
  embeddingDim: 64,
  units: 128,
  attention: 'luong-dot',
  seed: 1,
});
const random = new SeededRandom(5);
const sources = Array.from({ length: count }, () =>
  Array.from({ length: 3 + random.nextInt(8) }, () => 3 + random.nextInt(VOCABULARY - 3)),
);

/** The one-source-at-a-time path: ids with EOS, as translate's results before batching. */
async function perSource(method: 'greedy' | 'sample' | 'beam'): Promise<number[][]> {
  const out: number[][] = [];
  for (const [i, row] of sources.entries()) {
    const stepModel = translator.stepModel([row]);
    try {
      const result =
        method === 'beam'
          ? await beamSearch(stepModel, {
              prompt: [1],
              stop: [2],
              beamWidth: BEAM_WIDTH,
              maxNewTokens: MAX_NEW_TOKENS,
            })
          : await generate(stepModel, {
              prompt: [1],
              stop: [2],
              maxNewTokens: MAX_NEW_TOKENS,
              temperature: method === 'greedy' ? 0 : 1,
              seed: i,
            });
      out.push(result.ids);
    } finally {
      stepModel.dispose();
    }
  }
  return out;
}

const rate = (ms: number) => Math.round((count / ms) * 1000);
console.log(
  `backend ${backend}; ${count} sources of 3–10 ids; GRU 128, embedding 64, luong-dot; vocabulary ${VOCABULARY}; ` +
    `maxNewTokens ${MAX_NEW_TOKENS}; beam width ${BEAM_WIDTH}`,
);
for (const method of methods) {
  const options = { bos: 1, eos: 2, method, maxNewTokens: MAX_NEW_TOKENS, beamWidth: BEAM_WIDTH } as const;
  let t0 = performance.now();
  const old = await perSource(method);
  const oldMs = performance.now() - t0;
  t0 = performance.now();
  const batched = await translate(translator, sources, options);
  const translateMs = performance.now() - t0;
  const same = batched.filter(
    (t, i) => [...t.ids, ...(t.finished ? [2] : [])].join() === old[i]!.join(),
  ).length;
  const tokens = batched.reduce((n, t) => n + t.ids.length + (t.finished ? 1 : 0), 0);
  console.log(
    `${method}: one at a time ${rate(oldMs)} sources/s (${(oldMs / 1000).toFixed(1)} s); ` +
      `translate ${rate(translateMs)} sources/s (${(translateMs / 1000).toFixed(1)} s, scoring pass included); ` +
      `same ids ${same}/${count}; ${(tokens / count).toFixed(1)} tokens per source`,
  );
}
console.log(`tensors left: ${tf.memory().numTensors} (the model's weights)`);
translator.dispose();
