import { EventLoopPacer, RnnkitError } from '@rnnkit/core';
import { RnnModelsError } from '../errors.js';
import { type Batch, type BatchPass, type DataSource, disposeBatch, openPass } from './data-source.js';
import type { TrainSetup } from './train-setup.js';
import { ownsBatches } from './whole-set.js';

const YIELD_EVERY_MS = 20;

/** Who reads the data, for data-source errors: the function and what its failure leaves. */
export interface PassCaller {
  /** `'train'` or `'evaluate'`. */
  readonly name: string;
  /** What a data-source failure means for the caller's work, and how to go on. */
  readonly onFailure: string;
}

const TRAIN_CALLER: PassCaller = {
  name: 'train',
  onFailure:
    'Training stopped; the batches of that epoch read so far were applied. Fix the data source (the original ' +
    'error is the cause) and resume with initialEpoch / initialStep.',
};

/**
 * Passes over the data sources of `train` (its epochs and validation passes) and `evaluate`:
 * abort checks, who disposes the batches, data-source errors and yielding to the event loop.
 */
export class BatchPasses<B extends Batch> {
  private readonly pacer = new EventLoopPacer(YIELD_EVERY_MS);

  constructor(
    private readonly o: Pick<TrainSetup<B>, 'signal' | 'disposeBatches'>,
    /** Sources whose batches a pass has handled (used, or disposed when left unread). */
    private readonly opened: Set<unknown>,
    private readonly caller: PassCaller = TRAIN_CALLER,
  ) {}

  get aborted(): boolean {
    return this.o.signal?.aborted === true;
  }

  /** Starts a pass over `source`; a source that throws is `RNN_MODELS_DATA_SOURCE_FAILED`. */
  async open(source: DataSource<B>, what: string, when: string): Promise<BatchPass<B>> {
    this.opened.add(source);
    try {
      return await openPass(source, what, this.unreadHandler(source));
    } catch (error) {
      throw dataSourceFailed(
        error,
        `${what} threw when ${this.caller.name} started its pass for ${when}`,
        this.caller,
      );
    }
  }

  /** The next batch of a pass; a source that throws is `RNN_MODELS_DATA_SOURCE_FAILED`. */
  async read(pass: BatchPass<B>, what: string, where: string): Promise<IteratorResult<B>> {
    try {
      return await pass.next();
    } catch (error) {
      throw dataSourceFailed(
        error,
        `${what} threw while ${this.caller.name} read ${where.charAt(0).toLowerCase()}${where.slice(1)}`,
        this.caller,
      );
    }
  }

  /** Whether train disposes the batches of `source` after use. */
  disposes(source: DataSource<B>): boolean {
    // Batches cut from a whole set exist only for this pass: always freed.
    if (ownsBatches(source)) return true;
    return this.o.disposeBatches === 'auto' ? !Array.isArray(source) : this.o.disposeBatches;
  }

  /** Lets timers and I/O (an abort, a progress redraw) run every ~20 ms of work. */
  async maybeYield(): Promise<void> {
    if (this.pacer.due()) await this.pacer.yield();
  }

  /** Disposes the batches a pass ended early (abort, error) leaves unread, when train owns them. */
  private unreadHandler(source: DataSource<B>): ((batch: B) => void) | undefined {
    return this.disposes(source) ? (batch) => disposeBatch(batch) : undefined;
  }
}

/** A data source's own error as `RNN_MODELS_DATA_SOURCE_FAILED` (rnnkit errors pass through). */
function dataSourceFailed(error: unknown, what: string, caller: PassCaller): unknown {
  if (error instanceof RnnkitError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RnnModelsError('RNN_MODELS_DATA_SOURCE_FAILED', `${what}: ${message}. ${caller.onFailure}`, {
    cause: error,
  });
}
