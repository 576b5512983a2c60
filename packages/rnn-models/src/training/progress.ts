import type { SingleBar } from 'cli-progress';

/**
 * Where progress goes: anything with `write(string)` — `process.stderr`, a file stream, or a
 * test double. `isTTY: true` selects the in-place bar (Node streams set it on terminals).
 */
export interface ProgressOutput {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** 0: silent; 1: a progress bar on a terminal, periodic lines elsewhere; 2: one line per epoch. */
export type Verbosity = 0 | 1 | 2;

/** How a {@link ProgressReporter} writes, decided once from verbosity, the sink and `CI`. */
export type ProgressMode = 'off' | 'bar' | 'lines' | 'epochs';

/** Keras' bar width, in characters. */
const BAR_WIDTH = 30;
/** Minimum time between two redraws of the terminal bar, in ms (cli-progress' default 10 fps). */
export const BAR_REFRESH_MS = 100;

/** One progress line's content. */
export interface ProgressLine {
  /** Batches done in this epoch. */
  readonly current: number;
  /** Batches per epoch, when known. */
  readonly target: number | undefined;
  /** Time since the epoch began, in ms. */
  readonly elapsedMs: number;
  /** Values to show (running epoch means, plus `val_…` at the end), in order. */
  readonly logs: Readonly<Record<string, number>>;
  /** End of the epoch: show total time and time per step instead of the ETA. */
  readonly final: boolean;
  /** Draw the `[==>....]` bar (terminal mode). */
  readonly bar: boolean;
}

/**
 * Formats a progress line as Keras 2's `Progbar`:
 * `12/100 [==>...........................] - ETA: 3s - loss: 1.2345 - accuracy: 0.4567` during an
 * epoch, `100/100 [==============================] - 3s 30ms/step - loss: … - val_loss: …` at its
 * end, and `     12/Unknown - 3s 250ms/step - loss: …` while the number of batches is unknown.
 * Without `bar`, the same line without the bracketed bar.
 * @example
 * formatProgressLine({ current: 12, target: 100, elapsedMs: 480, logs: { loss: 1.2345 }, final: false, bar: true });
 * // ' 12/100 [==>...........................] - ETA: 3s - loss: 1.2345'
 */
export function formatProgressLine(line: ProgressLine): string {
  const { current, target, elapsedMs, logs, final } = line;
  let text: string;
  if (target !== undefined && target > 0) {
    const digits = String(target).length;
    text = `${String(current).padStart(digits)}/${target}`;
    if (line.bar) text += ` [${progressBar(current, target)}]`;
  } else {
    text = `${String(current).padStart(7)}/Unknown`;
  }
  if (current > 0) {
    const msPerStep = elapsedMs / current;
    if (final || target === undefined || target <= 0) {
      text += ` - ${Math.round(elapsedMs / 1000)}s${formatStepTime(msPerStep)}`;
    } else {
      text += ` - ETA: ${formatEta((msPerStep * Math.max(target - current, 0)) / 1000)}`;
    }
  }
  for (const [key, value] of Object.entries(logs)) text += ` - ${key}: ${formatLogValue(value)}`;
  return text;
}

function progressBar(current: number, target: number): string {
  const width = Math.min(BAR_WIDTH, Math.floor((BAR_WIDTH * current) / target));
  let bar = '';
  if (width > 0) bar += '='.repeat(width - 1) + (current < target ? '>' : '=');
  return bar + '.'.repeat(BAR_WIDTH - width);
}

/** Keras' ETA: `45s`, `2:05`, `1:02:03` (whole seconds, truncated). */
export function formatEta(seconds: number): string {
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (seconds > 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (seconds > 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${s}s`;
}

/** Keras' time per step: ` 2s/step`, ` 30ms/step`, ` 250us/step`. */
export function formatStepTime(msPerStep: number): string {
  if (msPerStep >= 1000 || msPerStep === 0) return ` ${Math.round(msPerStep / 1000)}s/step`;
  if (msPerStep >= 1) return ` ${Math.round(msPerStep)}ms/step`;
  return ` ${Math.round(msPerStep * 1000)}us/step`;
}

/** Keras' value format: `%.4f` above 1e-3 in magnitude, else `%.4e` (`1.2340e-04`). */
export function formatLogValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) > 1e-3) return value.toFixed(4);
  const [mantissa, exponent = '0'] = value.toExponential(4).split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}

/** Options of a {@link ProgressReporter}. */
export interface ProgressReporterOptions {
  readonly verbose: Verbosity;
  readonly output: ProgressOutput | undefined;
  /** Milliseconds, monotonic. */
  readonly clock: () => number;
  /** Minimum time between two periodic lines in `lines` mode, in ms. */
  readonly logIntervalMs: number;
  /** The `epochs` option: shown as the total in `Epoch 3/10`. */
  readonly epochs: number;
}

type BarConstructor = new (options: ConstructorParameters<typeof SingleBar>[0]) => SingleBar;

/**
 * Writes Keras-style training progress: `Epoch 1/10`, then an in-place bar on a terminal
 * (through cli-progress, loaded only then), periodic plain lines on other sinks or when the `CI`
 * environment variable is set, or one line per epoch with `verbose: 2`. All timing comes from
 * the injected clock, so output is reproducible in tests.
 */
export class ProgressReporter {
  private epochStart = 0;
  private lastWrite = 0;
  private target: number | undefined;
  private bar: SingleBar | null = null;

  private constructor(
    readonly mode: ProgressMode,
    private readonly options: ProgressReporterOptions,
    private readonly Bar: BarConstructor | null,
  ) {}

  /** Chooses the mode and, for a terminal bar, loads cli-progress. */
  static async create(options: ProgressReporterOptions): Promise<ProgressReporter> {
    const mode = chooseMode(options.verbose, options.output);
    let Bar: BarConstructor | null = null;
    if (mode === 'bar') {
      const cliProgress = await import('cli-progress');
      Bar = (cliProgress.default ?? cliProgress).SingleBar as BarConstructor;
    }
    return new ProgressReporter(mode, options, Bar);
  }

  /** Starts an epoch (0-based `epoch`); `target` is the number of batches if known. */
  epochBegin(epoch: number, target: number | undefined): void {
    if (this.mode === 'off') return;
    this.close();
    this.epochStart = this.options.clock();
    this.lastWrite = this.epochStart;
    this.target = target;
    this.write(`Epoch ${epoch + 1}/${this.options.epochs}\n`);
    if (this.mode === 'bar' && this.Bar !== null) {
      const output = this.options.output!;
      this.bar = new this.Bar({
        stream: output as NodeJS.WritableStream,
        format: (_options, _params, payload: { line?: string }) => payload.line ?? '',
        synchronousUpdate: false,
        hideCursor: false,
        clearOnComplete: false,
        gracefulExit: false,
        fps: 1000 / BAR_REFRESH_MS,
      });
      this.bar.start(target ?? 0, 0, { line: this.line(0, {}, false, this.epochStart) });
    }
  }

  /** After each batch: `current` batches done, running means in `logs`. */
  batchEnd(current: number, logs: Readonly<Record<string, number>>): void {
    if (this.mode !== 'bar' && this.mode !== 'lines') return;
    const now = this.options.clock();
    const interval = this.mode === 'bar' ? BAR_REFRESH_MS : this.options.logIntervalMs;
    if (now - this.lastWrite < interval) return;
    this.lastWrite = now;
    const line = this.line(current, logs, false, now);
    if (this.bar !== null) this.redraw(current, line);
    else this.write(`${line}\n`);
  }

  /** End of an epoch: the final line with total time, time per step and all logs. */
  epochEnd(current: number, logs: Readonly<Record<string, number>>): void {
    if (this.mode === 'off') return;
    const line = this.line(current, logs, true, this.options.clock());
    if (this.bar !== null) {
      this.redraw(current, line);
      this.close();
    } else {
      this.write(`${line}\n`);
    }
  }

  /** Stops an active terminal bar (ends its line, clears its timer). Safe to call any time. */
  close(): void {
    const bar = this.bar;
    this.bar = null;
    bar?.stop();
  }

  private line(current: number, logs: Readonly<Record<string, number>>, final: boolean, now: number): string {
    return formatProgressLine({
      current,
      target: this.target,
      elapsedMs: now - this.epochStart,
      logs,
      final,
      bar: this.mode === 'bar',
    });
  }

  private redraw(current: number, line: string): void {
    const bar = this.bar!;
    if (this.target === undefined) bar.setTotal(current);
    bar.update(current, { line });
    bar.render();
  }

  private write(text: string): void {
    this.options.output?.write(text);
  }
}

function chooseMode(verbose: Verbosity, output: ProgressOutput | undefined): ProgressMode {
  if (verbose === 0 || output === undefined) return 'off';
  if (verbose === 2) return 'epochs';
  return output.isTTY === true && !isCI() ? 'bar' : 'lines';
}

/** `CI` set to anything but '', '0' or 'false' (GitHub Actions, GitLab, … set `CI=true`). */
function isCI(): boolean {
  const value = typeof process !== 'undefined' ? process.env?.['CI'] : undefined;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
