import { SeededRandom } from '@rnnkit/core';
import {
  greedySampler,
  type LogitsProcessor,
  multinomialSampler,
  temperatureProcessor,
} from '@rnnkit/sampling';
import type { DecoderStepModel } from './decoder-step-model.js';
import { type DecodingPace, DecodingRows } from './decoding-loop.js';

/** Settings of {@link decodeGreedyOrSample}. */
export interface BatchSamplingSettings {
  readonly bos: number;
  readonly eos: number;
  readonly method: 'greedy' | 'sample';
  readonly maxNewTokens: number;
  readonly temperature: number;
  /** One seed per source of the batch (translate passes `seed + caller's index`). */
  readonly seeds: readonly number[];
}

/**
 * Greedy or sampled decoding of every source a step model holds, all rows in one `step` per
 * time step; rows that end (EOS or `maxNewTokens`) are dropped with `gatherState`. Each row picks
 * exactly as `@rnnkit/sampling`'s `generate` with prompt `[bos]` and `stop: [eos]` does for that
 * source alone: `greedySampler` (temperature 0), or the temperature processor (unless 1) then
 * `multinomialSampler` on its own `SeededRandom(seeds[row])` — so ids do not depend on batching.
 *
 * Tensors: states and logits are created and freed here, on success, error or abort; the step
 * model stays the caller's.
 *
 * @returns per source its generated ids, EOS included when it ended on EOS.
 * @throws SamplingError `SAMPLING_ABORTED` through `pace`; `SAMPLING_INVALID_INPUT` for NaN logits.
 */
export async function decodeGreedyOrSample(
  model: DecoderStepModel,
  settings: BatchSamplingSettings,
  pace: DecodingPace,
): Promise<number[][]> {
  const { bos, eos, method, maxNewTokens, temperature } = settings;
  const count = model.sourceCount;
  const vocabulary = model.vocabularySize;
  const randoms = settings.seeds.map((seed) => new SeededRandom(seed));
  const warp: LogitsProcessor | null =
    method === 'sample' && temperature !== 1 ? temperatureProcessor(temperature) : null;
  const generated: number[][] = Array.from({ length: count }, () => []);
  let active = Array.from({ length: count }, (_, row) => row);
  let ids = new Int32Array(count).fill(bos);
  const rows = new DecodingRows(model);
  try {
    for (let index = 0; index < maxNewTokens; index++) {
      await pace.checkpoint();
      const logits = await rows.step(ids);
      const keep: number[] = [];
      for (let position = 0; position < active.length; position++) {
        const row = active[position]!;
        let values = logits.subarray(position * vocabulary, (position + 1) * vocabulary);
        if (warp !== null) values = warp(values, { ids: [bos, ...generated[row]!], promptLength: 1 });
        const id = (method === 'greedy' ? greedySampler : multinomialSampler)(values, randoms[row]!);
        generated[row]!.push(id);
        if (id !== eos) keep.push(position);
      }
      if (keep.length === 0 || index === maxNewTokens - 1) break;
      if (keep.length < active.length) {
        rows.keep(Int32Array.from(keep));
        active = keep.map((position) => active[position]!);
      }
      ids = Int32Array.from(active, (row) => generated[row]!.at(-1)!);
    }
  } finally {
    rows.dispose();
  }
  return generated;
}
