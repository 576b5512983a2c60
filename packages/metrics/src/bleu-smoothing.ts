import type { BleuStatistics } from './bleu-statistics.js';
import { modifiedPrecision } from './bleu-statistics.js';
import { MetricsError } from './errors.js';
import { check } from './validate.js';

/** Names of NLTK 3.8's `SmoothingFunction` methods (Chen & Cherry 2014); `method0` is no smoothing. */
export type BleuSmoothingMethod =
  | 'method0'
  | 'method1'
  | 'method2'
  | 'method3'
  | 'method4'
  | 'method5'
  | 'method6'
  | 'method7';

/**
 * A BLEU smoothing method, by name with NLTK's default parameters, or as an object carrying the
 * parameters that method uses (`SmoothingFunction(epsilon=0.1, alpha=5, k=5)` in NLTK). Giving a
 * parameter the method does not use is an error, so no option is silently ignored.
 */
export type BleuSmoothing =
  | BleuSmoothingMethod
  | { readonly method: 'method0' | 'method2' | 'method3' | 'method5' }
  | {
      readonly method: 'method1';
      /** Count added to an order without matches. @default 0.1 */
      readonly epsilon?: number;
    }
  | {
      readonly method: 'method4' | 'method7';
      /** Divisor of the smoothed count (`1 / (2^i · k / ln(hypothesis length))`). @default 5 */
      readonly k?: number;
    }
  | {
      readonly method: 'method6';
      /** Weight of the prior `p(n-1)² / p(n-2)` in the interpolation. @default 5 */
      readonly alpha?: number;
    };

/** A smoothing method with every parameter filled in. */
export interface ResolvedBleuSmoothing {
  readonly method: BleuSmoothingMethod;
  readonly epsilon: number;
  readonly alpha: number;
  readonly k: number;
}

/** Default parameters of NLTK's `SmoothingFunction()` (those of Chen & Cherry's experiments). */
export const DEFAULT_BLEU_SMOOTHING_PARAMETERS = Object.freeze({ epsilon: 0.1, alpha: 5, k: 5 });

const METHODS: readonly BleuSmoothingMethod[] = [
  'method0',
  'method1',
  'method2',
  'method3',
  'method4',
  'method5',
  'method6',
  'method7',
];
const PARAMETERS_OF: Record<BleuSmoothingMethod, readonly ('epsilon' | 'alpha' | 'k')[]> = {
  method0: [],
  method1: ['epsilon'],
  method2: [],
  method3: [],
  method4: ['k'],
  method5: [],
  method6: ['alpha'],
  method7: ['k'],
};

/**
 * Validates a smoothing option and fills in NLTK's default parameters (internal).
 * @param fn the public function, for messages.
 */
export function resolveBleuSmoothing(
  smoothing: BleuSmoothing = 'method0',
  fn = 'corpusBleu',
): ResolvedBleuSmoothing {
  const spec = typeof smoothing === 'string' ? { method: smoothing } : smoothing;
  if (typeof spec !== 'object' || spec === null) {
    check.invalid(
      fn,
      'smoothing',
      smoothing,
      `must be one of ${METHODS.join(', ')} or { method, …parameters }`,
    );
  }
  const method = check.oneOf(fn, 'smoothing.method', spec.method, METHODS);
  const given = check.options(`${fn} smoothing ${method}`, spec, ['method', ...PARAMETERS_OF[method]]) as {
    epsilon?: number;
    alpha?: number;
    k?: number;
  };
  const parameters = DEFAULT_BLEU_SMOOTHING_PARAMETERS;
  return {
    method,
    epsilon: check.number(fn, 'smoothing.epsilon', given.epsilon ?? parameters.epsilon, { min: 0 }),
    alpha: check.number(fn, 'smoothing.alpha', given.alpha ?? parameters.alpha, {
      min: 0,
      minExclusive: true,
    }),
    k: check.number(fn, 'smoothing.k', given.k ?? parameters.k, { min: 0, minExclusive: true }),
  };
}

/** Python's `sys.float_info.min`, what NLTK's method0 puts in place of a zero precision. */
const FLOAT_INFO_MIN = 2.2250738585072014e-308;

/**
 * Smooths the precisions NLTK-style. `numerators`/`denominators` are the raw counts (NLTK's unreduced
 * `Fraction`s); the result holds floats (where NLTK keeps exact `Fraction`s through methods 5 and 6,
 * we compute in doubles, which agrees to ~1e-15 relative).
 */
export function smooth(
  statistics: BleuStatistics,
  smoothing: ResolvedBleuSmoothing,
  onWarning: ((message: string) => void) | undefined,
): number[] {
  const { numerators, denominators, hypothesisLength } = statistics;
  const raw = numerators.map((numerator, i) => numerator / denominators[i]!);
  const last = statistics.last!;
  // NLTK passes hyp_len = the total hypothesis length; `hyp_len if hyp_len else len(hypothesis)`.
  const hypLength = hypothesisLength || last.hypothesis.length;

  const method4 = (values: number[]): number[] => {
    let incvnt = 1;
    for (let i = 0; i < values.length; i++) {
      if (numerators[i] === 0 && hypLength > 1) {
        const numerator = 1 / ((2 ** incvnt * smoothing.k) / Math.log(hypLength));
        values[i] = numerator / denominators[i]!;
        incvnt++;
      }
    }
    return values;
  };
  const method5 = (values: number[]): number[] => {
    const fifth = modifiedPrecision(last.references, last.hypothesis, 5);
    const plusOne = [...values, fifth.numerator / fifth.denominator];
    let previous = values[0]! + 1;
    for (let i = 0; i < values.length; i++) {
      values[i] = (previous + plusOne[i]! + plusOne[i + 1]!) / 3;
      previous = values[i]!;
    }
    return values;
  };

  switch (smoothing.method) {
    case 'method0':
      return raw.map((value, i) => {
        if (numerators[i] !== 0) return value;
        onWarning?.(
          `The hypothesis contains 0 counts of ${i + 1}-gram overlaps. Therefore the BLEU score evaluates to 0, independently of how many N-gram overlaps of lower order it contains. Consider using lower n-gram order or use a smoothing method.`,
        );
        return FLOAT_INFO_MIN;
      });
    case 'method1':
      return raw.map((value, i) =>
        numerators[i] === 0 ? (numerators[i]! + smoothing.epsilon) / denominators[i]! : value,
      );
    case 'method2':
      return raw.map((value, i) => (i === 0 ? value : (numerators[i]! + 1) / (denominators[i]! + 1)));
    case 'method3': {
      let incvnt = 1;
      return raw.map((value, i) => {
        if (numerators[i] !== 0) return value;
        return 1 / (2 ** incvnt++ * denominators[i]!);
      });
    }
    case 'method4':
      return method4(raw);
    case 'method5':
      return method5(raw);
    case 'method6': {
      if (numerators[2] === 0) {
        throw new MetricsError(
          'METRICS_UNDEFINED',
          'BLEU smoothing method6 needs a non-zero trigram precision (NLTK asserts the same), got no trigram match. Use another smoothing method for this hypothesis.',
        );
      }
      const values = raw;
      const hypothesis = last.hypothesis;
      for (let i = 2; i < values.length; i++) {
        const pi0 = values[i - 2] === 0 ? 0 : values[i - 1]! ** 2 / values[i - 2]!;
        // NLTK counts the n-grams of the last hypothesis only, with the corpus-wide matches.
        const ngrams = Math.max(0, hypothesis.length - i);
        values[i] = (numerators[i]! + smoothing.alpha * pi0) / (ngrams + smoothing.alpha);
      }
      return values;
    }
    case 'method7':
      return method5(method4(raw));
    default: {
      const never: never = smoothing.method;
      return check.invalid('smooth', 'method', never, 'must be a BLEU smoothing method');
    }
  }
}
