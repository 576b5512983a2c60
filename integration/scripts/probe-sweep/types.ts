/** What a probe feeds the public API (the categories). */
export type ProbeKind =
  | 'bad-type'
  | 'out-of-range'
  | 'non-finite'
  | 'empty'
  | 'misspelt-option'
  | 'aborted'
  | 'concurrent'
  | 'corrupt-file'
  | 'huge'
  | 'valid';

/** One call a user could make, and what a well-behaved library does with it. */
export interface Probe {
  /** `function: what is wrong`, unique within its package. */
  readonly name: string;
  readonly kind: ProbeKind;
  /** The call; it may return a promise. Tensors it creates must be disposed by it. */
  readonly run: () => unknown;
  /**
   * `'error'`: must throw (or reject with) an rnnkit error — any `RnnkitError`, or one with
   * `code`; `'ok'`: must return normally.
   */
  readonly expect: 'error' | 'ok' | { readonly code: string };
  /** Seconds the probe may take before it counts as a hang. @default 10 */
  readonly timeoutSeconds?: number;
}

/** A package's probes; `setup` runs once in the child before them (a backend, temp files). */
export interface ProbeSuite {
  readonly packageName: string;
  readonly setup?: () => Promise<void>;
  /** Whether to count tfjs tensors before and after each probe. */
  readonly checksTensors?: boolean;
  readonly probes: () => Promise<readonly Probe[]> | readonly Probe[];
}

export type Verdict =
  | 'good'
  | 'silent'
  | 'untyped'
  | 'wrong-code'
  | 'bad-message'
  | 'leak'
  | 'hang'
  | 'crash'
  | 'failed';

/** One line of a child's report. */
export interface ProbeResult {
  readonly name: string;
  readonly kind: ProbeKind;
  readonly verdict: Verdict;
  readonly detail: string;
  readonly ms: number;
}

/** A {@link Probe} from positional parts, the shorthand of long probe tables. */
export function probe(
  name: string,
  kind: ProbeKind,
  expect: Probe['expect'],
  run: () => unknown,
  timeoutSeconds?: number,
): Probe {
  return timeoutSeconds === undefined
    ? { name, kind, expect, run }
    : { name, kind, expect, run, timeoutSeconds };
}
