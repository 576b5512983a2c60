import { RnnkitError, yieldToEventLoop } from '@rnnkit/core';
import { RnnModelsError } from '../errors.js';
import { type Batch, type BatchPass, type DataSource, disposeBatch, openPass } from './data-source.js';
import type { TrainSetup } from './train-setup.js';

const YIELD_EVERY_MS = 20;

/**
 * Passes over `train`'s data sources, shared by the training epochs and the validation passes:
 * abort checks, who disposes the batches, data-source errors and yielding to the event loop.
 */
export class BatchPasses<B extends Batch> {
  private lastYield = performance.now();

  constructor(
    private readonly o: Pick<TrainSetup<B>, 'signal' | 'disposeBatches'>,
    /** Sources whose batches a pass has handled (used, or disposed when left unread). */
    private readonly opened: Set<unknown>,
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
      throw dataSourceFailed(error, `${what} threw when train started its pass for ${when}`);
    }
  }

  /** The next batch of a pass; a source that throws is `RNN_MODELS_DATA_SOURCE_FAILED`. */
  async read(pass: BatchPass<B>, what: string, where: string): Promise<IteratorResult<B>> {
    try {
      return await pass.next();
    } catch (error) {
      throw dataSourceFailed(
        error,
        `${what} threw while train read ${where.charAt(0).toLowerCase()}${where.slice(1)}`,
      );
    }
  }

  /** Whether train disposes the batches of `source` after use. */
  disposes(source: DataSource<B>): boolean {
    return this.o.disposeBatches === 'auto' ? !Array.isArray(source) : this.o.disposeBatches;
  }

  /** Lets timers and I/O (an abort, a progress redraw) run every ~20 ms of training. */
  async maybeYield(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < YIELD_EVERY_MS) return;
    this.lastYield = now;
    await yieldToEventLoop();
  }

  /** Disposes the batches a pass ended early (abort, error) leaves unread, when train owns them. */
  private unreadHandler(source: DataSource<B>): ((batch: B) => void) | undefined {
    return this.disposes(source) ? (batch) => disposeBatch(batch) : undefined;
  }
}

/** A data source's own error as `RNN_MODELS_DATA_SOURCE_FAILED` (rnnkit errors pass through). */
function dataSourceFailed(error: unknown, what: string): unknown {
  if (error instanceof RnnkitError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RnnModelsError(
    'RNN_MODELS_DATA_SOURCE_FAILED',
    `${what}: ${message}. Training stopped; the batches of that epoch read so far were applied. Fix the data ` +
      'source (the original error is the cause) and resume with initialEpoch / initialStep.',
    { cause: error },
  );
}
