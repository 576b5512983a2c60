import { throwIfAborted } from './abort.js';
import { type BeamSearchOptions, resolveBeamSearchOptions } from './beam-search-options.js';
import { applyProcessors } from './logits-processors.js';
import { checkModel, StepSession } from './model-step.js';
import { decodeText } from './prompt.js';
import { logSoftmax } from './softmax.js';
import { topIndices } from './top-indices.js';
import type { StepModel } from './types.js';
import { fail } from './validate.js';

/** One hypothesis of {@link beamSearch}. Plain data, owned by the caller. */
export interface BeamHypothesis {
  /** Generated ids, prompt excluded, EOS included when it ended on EOS. */
  readonly ids: number[];
  /** `decoder.decode(ids)`, or `null` without a decoder. */
  readonly text: string | null;
  /** `logProbability / ids.length^lengthPenalty`, what hypotheses are ranked by. */
  readonly score: number;
  /** Σ of the natural-log probabilities of the ids (after the processors). */
  readonly logProbability: number;
  /** Whether it ended on a `stop` id (else it reached `maxNewTokens`). */
  readonly finished: boolean;
}

/** What {@link beamSearch} returns. Plain data, owned by the caller. */
export interface BeamSearchResult {
  /** `numReturnSequences` hypotheses, best score first. */
  readonly sequences: BeamHypothesis[];
  /** The best hypothesis' ids. */
  readonly ids: number[];
  /** The best hypothesis' text, or `null` without a decoder. */
  readonly text: string | null;
  /** The prompt as ids. */
  readonly promptIds: number[];
  /** `model.step` calls made (prompt tokens + search steps). */
  readonly steps: number;
}

const WHERE = 'beamSearch';

interface Beam {
  readonly ids: number[];
  readonly logProbability: number;
}

interface Finished extends Beam {
  readonly score: number;
  readonly finished: boolean;
}

/**
 * Beam search over a {@link StepModel}: keeps the `beamWidth` best partial hypotheses by
 * summed log-probability and runs all of them as one batch — one `step` call per time step —
 * reordering the state by parent beam with `gatherState`. Per step it considers the
 * `2 × beamWidth` best (beam, token) extensions; an extension by a `stop` id ranked within the
 * first `beamWidth` becomes a finished hypothesis scored `Σ log p / length^lengthPenalty`
 * (HF's length penalty; see {@link BeamSearchOptions.lengthPenalty}), the others continue.
 * At `maxNewTokens` the running beams are scored the same way; the best `numReturnSequences`
 * of all finished hypotheses (at most `beamWidth` are kept) are returned. Deterministic: ties
 * go to the lower beam, then the lower token id.
 *
 * Tensors: logits and states are created and freed here, nothing is left behind, on success,
 * error or abort. Only plain numbers and strings are returned.
 *
 * Event loop: like `generate`, the search yields one macrotask every few milliseconds of work
 * and checks `signal` right after, so timers run and a timer-driven abort lands within ms.
 *
 * @throws SamplingError `SAMPLING_INVALID_OPTION` for an unknown option (naming the closest known
 *   one), a value of the wrong type or range, a stop string, or a bad prompt;
 *   `SAMPLING_INVALID_INPUT` for a model returning logits of the wrong shape, NaN, or a fully
 *   masked row, a processor returning a row of the wrong length or type or with NaN (naming it),
 *   or a decoder returning a non-string; `SAMPLING_ABORTED` when `signal` aborts.
 * @example
 * const { text, sequences } = await beamSearch(toStepModel(model), {
 *   prompt: 'The ', decoder: vocab, beamWidth: 5, maxNewTokens: 40, numReturnSequences: 3,
 * });
 */
export async function beamSearch<State>(
  model: StepModel<State>,
  options: BeamSearchOptions,
): Promise<BeamSearchResult> {
  checkModel(WHERE, model);
  const resolved = resolveBeamSearchOptions(options, model.vocabularySize);
  const { promptIds, beamWidth, maxNewTokens, lengthPenalty, stop, earlyStopping, processors, signal } =
    resolved;
  const vocab = model.vocabularySize;
  const normalise = (logProbability: number, length: number) => logProbability / length ** lengthPenalty;
  const finished: Finished[] = [];
  const addFinished = (beam: Beam, ended: boolean) => {
    finished.push({ ...beam, score: normalise(beam.logProbability, beam.ids.length), finished: ended });
    finished.sort((a, b) => b.score - a.score);
    if (finished.length > beamWidth) finished.pop();
  };
  const isDone = (bestRunning: number, length: number): boolean => {
    if (finished.length < beamWidth) return false;
    if (earlyStopping === true) return true;
    const worst = finished.at(-1)!.score;
    const boundLength = earlyStopping === 'never' && lengthPenalty > 0 ? maxNewTokens : length;
    return worst >= normalise(bestRunning, boundLength);
  };

  const session = await StepSession.start(WHERE, model, promptIds, signal);
  let logits = session.logits;
  let beams: Beam[] = [{ ids: [], logProbability: 0 }];
  try {
    for (let t = 0; t < maxNewTokens; t++) {
      await session.checkpoint(); // hands the event loop back every few ms, then checks the signal
      const totals = new Float64Array(beams.length * vocab);
      for (let b = 0; b < beams.length; b++) {
        if (session.due()) await session.yield(); // wide beams over a large vocabulary take a while
        const beam = beams[b]!;
        const rowLogits = logits.subarray(b * vocab, (b + 1) * vocab);
        const processed = applyProcessors(
          processors,
          rowLogits,
          { ids: [...promptIds, ...beam.ids], promptLength: promptIds.length },
          WHERE,
        );
        const logProbabilities = logSoftmax(processed);
        for (let v = 0; v < vocab; v++) totals[b * vocab + v] = beam.logProbability + logProbabilities[v]!;
      }
      const next: Beam[] = [];
      const parents: number[] = [];
      const candidates = topIndices(totals, 2 * beamWidth);
      for (let rank = 0; rank < candidates.length && next.length < beamWidth; rank++) {
        const candidate = candidates[rank]!;
        const parent = Math.floor(candidate / vocab);
        const token = candidate - parent * vocab;
        const beam = { ids: [...beams[parent]!.ids, token], logProbability: totals[candidate]! };
        if (stop.ids.has(token)) {
          if (rank < beamWidth) addFinished(beam, true);
        } else {
          next.push(beam);
          parents.push(parent);
        }
      }
      if (t === maxNewTokens - 1) {
        for (const beam of next) addFinished(beam, false);
        break;
      }
      if (next.length === 0 || isDone(next[0]!.logProbability, t + 1)) break;
      session.regather(Int32Array.from(parents));
      beams = next;
      throwIfAborted(signal);
      logits = await session.step(Int32Array.from(next, (beam) => beam.ids.at(-1)!));
    }
  } finally {
    session.dispose();
  }
  if (finished.length === 0) {
    fail(
      'SAMPLING_INVALID_INPUT',
      'beamSearch: no hypothesis survived; the processors masked every continuation.',
    );
  }
  const sequences = finished.slice(0, resolved.numReturnSequences).map((hypothesis) => ({
    ids: hypothesis.ids,
    text: resolved.decoder === null ? null : decodeText(WHERE, resolved.decoder, hypothesis.ids),
    score: hypothesis.score,
    logProbability: hypothesis.logProbability,
    finished: hypothesis.finished,
  }));
  return {
    sequences,
    ids: sequences[0]!.ids,
    text: sequences[0]!.text,
    promptIds: [...promptIds],
    steps: session.steps,
  };
}
