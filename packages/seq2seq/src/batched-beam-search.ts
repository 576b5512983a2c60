import { logSoftmax, topIndices } from '@rnnkit/sampling';
import type { DecoderStepModel } from './decoder-step-model.js';
import { type DecodingPace, DecodingRows } from './decoding-loop.js';
import { Seq2SeqError } from './errors.js';

/** Settings of {@link beamSearchBatch}. */
export interface BatchBeamSettings {
  readonly bos: number;
  readonly eos: number;
  readonly beamWidth: number;
  readonly lengthPenalty: number;
  readonly maxNewTokens: number;
}

interface Beam {
  readonly ids: number[];
  readonly logProbability: number;
}

interface Scored extends Beam {
  readonly score: number;
}

/** One source's search: its running beams (rows `offset …` of the batch) and finished hypotheses. */
interface Search {
  beams: Beam[];
  readonly finished: Scored[];
  done: boolean;
}

/**
 * Beam search over every source a step model holds at once: the running beams of all sources
 * are the rows of one `step` per time step, reordered by parent with one `gatherState`. Each
 * source's search is `@rnnkit/sampling`'s `beamSearch` with prompt `[bos]`, `stop: [eos]` and
 * its defaults (`earlyStopping: false`, no processors): per step the `2 × beamWidth` best
 * (beam, token) extensions, an EOS extension ranked within the first `beamWidth` finishes with
 * score `Σ log p / length^lengthPenalty`, running beams are scored the same at `maxNewTokens`,
 * and a source stops once its best running beam cannot beat its worst finished one. The same
 * arithmetic in the same order, so the best hypothesis equals `beamSearch`'s for that source.
 *
 * Tensors: states and logits are created and freed here, on success, error or abort; the step
 * model stays the caller's.
 *
 * @returns per source the best hypothesis' ids, EOS included when it ended on EOS.
 * @throws SamplingError `SAMPLING_ABORTED` through `pace`, `SAMPLING_INVALID_INPUT` for NaN logits.
 */
export async function beamSearchBatch(
  model: DecoderStepModel,
  settings: BatchBeamSettings,
  pace: DecodingPace,
): Promise<number[][]> {
  const { bos, eos, beamWidth, lengthPenalty, maxNewTokens } = settings;
  const vocabulary = model.vocabularySize;
  const normalise = (logProbability: number, length: number) => logProbability / length ** lengthPenalty;
  const searches: Search[] = Array.from({ length: model.sourceCount }, () => ({
    beams: [{ ids: [], logProbability: 0 }],
    finished: [],
    done: false,
  }));
  const addFinished = (search: Search, beam: Beam) => {
    search.finished.push({ ...beam, score: normalise(beam.logProbability, beam.ids.length) });
    search.finished.sort((a, b) => b.score - a.score);
    if (search.finished.length > beamWidth) search.finished.pop();
  };
  // beamSearch's default early stopping (false): done when the best running beam, at its current
  // length, cannot beat the worst of beamWidth finished hypotheses.
  const isDone = (search: Search, bestRunning: number, length: number) =>
    search.finished.length >= beamWidth && search.finished.at(-1)!.score >= normalise(bestRunning, length);

  let ids = new Int32Array(searches.length).fill(bos);
  const rows = new DecodingRows(model);
  try {
    for (let t = 0; t < maxNewTokens; t++) {
      await pace.checkpoint();
      const logits = await rows.step(ids);
      const gather: number[] = [];
      const nextIds: number[] = [];
      let offset = 0;
      for (const search of searches) {
        if (search.done) continue;
        const { beams } = search;
        const totals = new Float64Array(beams.length * vocabulary);
        for (let b = 0; b < beams.length; b++) {
          const row = offset + b;
          const logProbabilities = logSoftmax(logits.subarray(row * vocabulary, (row + 1) * vocabulary));
          const base = beams[b]!.logProbability;
          for (let v = 0; v < vocabulary; v++) totals[b * vocabulary + v] = base + logProbabilities[v]!;
        }
        const next: Beam[] = [];
        const parents: number[] = [];
        const candidates = topIndices(totals, 2 * beamWidth);
        for (let rank = 0; rank < candidates.length && next.length < beamWidth; rank++) {
          const candidate = candidates[rank]!;
          const parent = Math.floor(candidate / vocabulary);
          const token = candidate - parent * vocabulary;
          const beam = { ids: [...beams[parent]!.ids, token], logProbability: totals[candidate]! };
          if (token === eos) {
            if (rank < beamWidth) addFinished(search, beam);
          } else {
            next.push(beam);
            parents.push(offset + parent);
          }
        }
        offset += beams.length;
        if (t === maxNewTokens - 1) {
          for (const beam of next) addFinished(search, beam);
          search.done = true;
        } else if (next.length === 0 || isDone(search, next[0]!.logProbability, t + 1)) {
          search.done = true;
        } else {
          search.beams = next;
          gather.push(...parents);
          for (const beam of next) nextIds.push(beam.ids.at(-1)!);
        }
      }
      if (gather.length === 0) break;
      rows.keep(Int32Array.from(gather));
      ids = Int32Array.from(nextIds);
    }
  } finally {
    rows.dispose();
  }
  return searches.map((search, source) => {
    const best = search.finished[0];
    if (best === undefined) {
      // Unreachable without processors: a finite log-softmax always leaves a continuation.
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `translate: no hypothesis survived for source ${source}.`,
      );
    }
    return best.ids;
  });
}
