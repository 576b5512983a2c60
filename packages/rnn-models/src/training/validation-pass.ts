import { RnnModelsError } from '../errors.js';
import type { BatchPasses } from './batch-passes.js';
import { type Batch, type DataSource, disposeBatch } from './data-source.js';
import { WeightedMeans } from './history.js';
import type { BatchValues, StepRunner } from './train-step.js';

/** What a validation pass runs with: the loop's pass helpers and step runner. */
export interface ValidationParts<B extends Batch> {
  readonly passes: BatchPasses<B>;
  readonly steps: StepRunner<B>;
}

/**
 * One pass over `validationData` after an epoch: validation means under `val_` keys; `null` when
 * aborted part-way. `step` is the loop's global step counter.
 */
export async function validationPass<B extends Batch>(
  parts: ValidationParts<B>,
  source: DataSource<B>,
  { epoch, step }: { readonly epoch: number; readonly step: number },
): Promise<Record<string, number> | null> {
  const { passes, steps } = parts;
  const means = new WeightedMeans();
  const pass = await passes.open(source, 'validationData', `validation after epoch ${epoch}`);
  let count = 0;
  try {
    for (;;) {
      if (passes.aborted) return null;
      const where = `validationData batch ${count} after epoch ${epoch}`;
      const next = await passes.read(pass, 'validationData', where);
      if (next.done) break;
      const batch = next.value;
      let result: BatchValues;
      try {
        steps.check(batch, where);
        result = await steps.validate(batch, { epoch, step, where });
      } finally {
        if (passes.disposes(source)) disposeBatch(batch);
      }
      means.add(result.values, result.weight);
      count += 1;
      await passes.maybeYield();
    }
  } finally {
    await pass.close();
  }
  if (count === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `validationData yielded no batches after epoch ${epoch}. A generator can be read only once: pass a function ` +
        'that creates it, or a dataset.',
    );
  }
  return means.means('val_');
}
