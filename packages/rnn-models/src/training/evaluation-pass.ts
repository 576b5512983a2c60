import { RnnModelsError } from '../errors.js';
import type { BatchPasses } from './batch-passes.js';
import { type Batch, type DataSource, disposeBatch } from './data-source.js';
import type { BatchValues, EvaluationStep } from './evaluation-step.js';
import { WeightedMeans } from './history.js';

/** What a pass without gradients runs with: the pass helpers and the step. */
export interface EvaluationParts<B extends Batch> {
  readonly passes: BatchPasses<B>;
  readonly steps: EvaluationStep<B>;
}

/** How a pass names its source and batches, where it stands, and whom it tells of each batch. */
export interface EvaluationPassContext {
  /** The source's name in errors (`'validationData'`, `'data'`). */
  readonly what: string;
  /** The pass in errors (`'validation after epoch 2'`). */
  readonly when: string;
  /** A batch in errors (`'validationData batch 3 after epoch 2'`). */
  readonly where: (index: number) => string;
  readonly epoch: number;
  /** The loop's global step counter (a custom step sees the last training step). */
  readonly step: number;
  /** Called after each batch with its values (plain numbers); awaited. */
  readonly onBatch?: (index: number, result: BatchValues) => void | Promise<void>;
}

/** The means of one pass and what they were taken over. */
export interface EvaluationTotals {
  /** `loss`, metrics and step logs: `Σ weightᵢ · valueᵢ / Σ weightᵢ` over the batches. */
  readonly means: Record<string, number>;
  readonly batches: number;
  /** Rows over all batches. */
  readonly samples: number;
  /** `Σ weightᵢ`: the samples, or the mask sums (real tokens) for batches with a mask. */
  readonly weight: number;
}

/**
 * One pass over `source` in inference mode: each batch's loss and metrics (see
 * `EvaluationStep.evaluate`) averaged with the batch's weight (mask sum, else rows), so the
 * result is the mean over every sample — or every real token when batches carry a mask — of the
 * source, as one batch of all of it would give. `train()`'s validation and `evaluate()` both run
 * it. Returns `null` when the signal fired part-way; `batches: 0` for an empty source.
 * Ownership: batches are disposed after use when `passes.disposes(source)`; nothing else is kept.
 */
export async function evaluationPass<B extends Batch>(
  parts: EvaluationParts<B>,
  source: DataSource<B>,
  context: EvaluationPassContext,
): Promise<EvaluationTotals | null> {
  const { passes, steps } = parts;
  const means = new WeightedMeans();
  const pass = await passes.open(source, context.what, context.when);
  let batches = 0;
  let samples = 0;
  let weight = 0;
  try {
    for (;;) {
      if (passes.aborted) return null;
      const where = context.where(batches);
      const next = await passes.read(pass, context.what, where);
      if (next.done) break;
      const batch = next.value;
      let result: BatchValues;
      try {
        steps.check(batch, where);
        result = await steps.evaluate(batch, { epoch: context.epoch, step: context.step, where });
      } finally {
        if (passes.disposes(source)) disposeBatch(batch);
      }
      means.add(result.values, result.weight);
      samples += result.size;
      weight += result.weight;
      await context.onBatch?.(batches, result);
      batches += 1;
      await passes.maybeYield();
    }
  } finally {
    await pass.close();
  }
  return { means: means.means(), batches, samples, weight };
}

/**
 * One pass over `validationData` after an epoch: validation means under `val_` keys; `null` when
 * aborted part-way. `step` is the loop's global step counter.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when the source yields no batches.
 */
export async function validationPass<B extends Batch>(
  parts: EvaluationParts<B>,
  source: DataSource<B>,
  { epoch, step }: { readonly epoch: number; readonly step: number },
): Promise<Record<string, number> | null> {
  const totals = await evaluationPass(parts, source, {
    what: 'validationData',
    when: `validation after epoch ${epoch}`,
    where: (index) => `validationData batch ${index} after epoch ${epoch}`,
    epoch,
    step,
  });
  if (totals === null) return null;
  if (totals.batches === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `validationData yielded no batches after epoch ${epoch}. A generator can be read only once: pass a function ` +
        'that creates it, or a dataset.',
    );
  }
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(totals.means)) out[`val_${key}`] = value;
  return out;
}
