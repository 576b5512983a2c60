import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import type { BatchRules } from './batch-checks.js';
import { BatchPasses } from './batch-passes.js';
import { type Batch, type DataSource, disposeBatch, knownSize } from './data-source.js';
import { DropoutSeeds } from './dropout-seeds.js';
import { EarlyStoppingMonitor, type WeightStore } from './early-stopping.js';
import { validationPass } from './evaluation-pass.js';
import { type History, HistoryRecorder, WeightedMeans } from './history.js';
import { getLearningRate, setLearningRate } from './optimizers.js';
import { ProgressReporter } from './progress.js';
import type { TrainSetup } from './train-setup.js';
import { type BatchValues, StepRunner } from './train-step.js';

/**
 * `train`'s epochs and batches: learning rate, dropout seeds, callbacks, progress, history and
 * early stopping around each step.
 */
export class TrainingLoop<B extends Batch> {
  private readonly history = new HistoryRecorder();
  private readonly seeds: DropoutSeeds | null;
  private readonly early: EarlyStoppingMonitor | null;
  private readonly stateful: boolean;
  private readonly passes: BatchPasses<B>;
  private readonly steps: StepRunner<B>;
  private progress: ProgressReporter | null = null;
  private step: number;
  private currentRate: number | undefined;

  constructor(
    private readonly model: LayersModel,
    private readonly data: DataSource<B>,
    private readonly o: TrainSetup<B>,
    variables: tf.Variable[],
    rules: BatchRules | null,
    opened: Set<unknown>,
  ) {
    this.step = o.initialStep;
    this.passes = new BatchPasses(o, opened);
    this.steps = new StepRunner(model, o, variables, rules);
    this.seeds = o.seed === undefined ? null : new DropoutSeeds(model, o.seed);
    this.early =
      o.earlyStopping === undefined ? null : new EarlyStoppingMonitor(o.earlyStopping, weightStore(model));
    this.stateful = (model as { stateful?: boolean }).stateful === true;
  }

  async run(): Promise<History> {
    const o = this.o;
    this.progress = await ProgressReporter.create({
      verbose: o.verbose,
      output: o.output,
      clock: o.clock,
      logIntervalMs: o.logIntervalMs,
      epochs: o.epochs,
    });
    for (const callback of o.callbacks) await callback.onTrainBegin?.();
    let batchesPerEpoch = knownSize(this.data);
    let lastLogs: Record<string, number> | undefined;
    for (let epoch = o.initialEpoch; epoch < o.epochs && !this.passes.aborted; epoch++) {
      if (this.stateful && o.resetStatesEachEpoch) this.model.resetStates();
      for (const callback of o.callbacks) await callback.onEpochBegin?.(epoch);
      this.progress.epochBegin(epoch, batchesPerEpoch);
      const means = await this.trainEpoch(epoch);
      if (means === null) break;
      batchesPerEpoch = means.batches;
      const logs = means.logs;
      if (o.validationData !== undefined) {
        if (this.stateful && o.resetStatesEachEpoch) this.model.resetStates();
        const parts = { passes: this.passes, steps: this.steps };
        const validation = await validationPass(parts, o.validationData, { epoch, step: this.step });
        if (validation === null) break;
        Object.assign(logs, validation);
      }
      this.history.record(epoch, logs);
      lastLogs = logs;
      this.progress.epochEnd(means.batches, logs);
      for (const callback of o.callbacks) await callback.onEpochEnd?.(epoch, { ...logs });
      if (this.early?.onEpochEnd(epoch, logs)) break;
    }
    this.progress.close();
    this.early?.finish();
    for (const callback of o.callbacks)
      await callback.onTrainEnd?.(lastLogs === undefined ? undefined : { ...lastLogs });
    return this.history.toHistory();
  }

  /** Releases what the loop holds, whether it finished or threw. */
  cleanUp(): void {
    this.progress?.close();
    this.seeds?.restore();
    this.early?.dispose();
    if (this.o.ownsOptimizer) this.o.optimizer.dispose();
  }

  /** One pass over the training data; `null` when aborted part-way. */
  private async trainEpoch(epoch: number): Promise<{ logs: Record<string, number>; batches: number } | null> {
    const means = new WeightedMeans();
    const pass = await this.passes.open(this.data, 'data', `epoch ${epoch}`);
    let batchIndex = 0;
    try {
      for (;;) {
        if (this.passes.aborted) return null;
        const where = `Batch ${batchIndex} of epoch ${epoch}`;
        const next = await this.passes.read(pass, 'data', where);
        if (next.done) break;
        const batch = next.value;
        let result: BatchValues;
        let rate: number | undefined;
        try {
          this.steps.check(batch, where);
          rate = this.applyLearningRate(epoch);
          this.seeds?.apply(this.step);
          result = await this.steps.train(batch, { epoch, step: this.step, where, batchIndex });
        } finally {
          if (this.passes.disposes(this.data)) disposeBatch(batch);
        }
        means.add(result.values, result.weight);
        const step = this.step;
        this.step += 1;
        batchIndex += 1;
        this.progress!.batchEnd(batchIndex, means.means());
        for (const callback of this.o.callbacks) {
          await callback.onBatchEnd?.(step, {
            ...result.values,
            batch: batchIndex - 1,
            size: result.size,
            ...(rate !== undefined ? { learningRate: rate } : {}),
          });
        }
        await this.passes.maybeYield();
      }
    } finally {
      await pass.close();
    }
    if (batchIndex === 0) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `data yielded no batches in epoch ${epoch}. A generator or iterator can be read only once: for several ` +
          'epochs pass a function that creates it (() => generate()) or a dataset.',
      );
    }
    return { logs: means.means(), batches: batchIndex };
  }

  /** Sets this step's learning rate on the optimizer; returns it (undefined when not managed). */
  private applyLearningRate(epoch: number): number | undefined {
    if (this.o.learningRate === null) return getLearningRate(this.o.optimizer);
    const rate = this.o.learningRate(this.step, epoch);
    if (rate !== this.currentRate || getLearningRate(this.o.optimizer) !== rate) {
      setLearningRate(this.o.optimizer, rate);
      this.currentRate = rate;
    }
    return rate;
  }
}

function weightStore(model: LayersModel): WeightStore {
  return {
    snapshot: () => model.getWeights().map((weight) => tf.clone(weight)),
    restore: (weights) => model.setWeights(weights as tf.Tensor[]),
  };
}
