// The baseline: an interpolated modified Kneser–Ney word trigram (Chen & Goodman 1998, §3.5 and
// eq. 17–19; the variant SRILM's `-kndiscount -interpolate` and KenLM estimate).
//
//   P3(w | u v) = [max(c(uvw) − D3(c(uvw)), 0) + γ3(uv) · P2(w | v)] / c(uv•)
//   P2(w | v)   = [max(N1+(•vw) − D2(·), 0)    + γ2(v)  · P1(w)]     / Σ_w N1+(•vw)
//   P1(w)       = [max(N1+(•w) − D1(·), 0)     + γ1     · 1/|V|]     / Σ_w N1+(•w)
//   γ(context)  = D(1) · N1(context•) + D(2) · N2(context•) + D(3+) · N3+(context•)
//
// The highest order uses raw counts, the lower orders continuation counts (in how many distinct
// contexts a word follows), and each order has its own three discounts D(1), D(2), D(3+) from its
// count-of-counts n1…n4: Y = n1 / (n1 + 2 n2), D(k) = k − (k + 1) · Y · n(k+1) / n(k). The lowest
// order is interpolated with the uniform distribution over the vocabulary, so no word (not even
// one never seen) gets probability 0. A context never seen falls back to the next lower order.
// n-grams are counted inside the stream only (no sentence padding): the stream is one text.

/** The three discounts of one order: for counts 1, 2 and 3 or more. */
export type Discounts = readonly [d1: number, d2: number, d3plus: number];

/** KenLM's `--discount_fallback` defaults, used when an order's estimates are out of range. */
export const FALLBACK_DISCOUNTS: Discounts = [0.5, 1, 1.5];

/**
 * Modified Kneser–Ney discounts from count-of-counts `n[k]` = number of n-grams seen exactly k
 * times (k = 1…4; `n[0]` unused): Chen & Goodman's estimates, a ratio with a zero denominator
 * counting as 0. Small or odd corpora can give a D(k) outside (0, k]; then, as KenLM does, the
 * order uses {@link FALLBACK_DISCOUNTS}. So D never exceeds the count it discounts (every
 * distribution sums to exactly 1) and is never 0 (every seen context hands mass down, so no
 * word gets probability 0).
 */
export function modifiedDiscounts(n: readonly number[]): Discounts {
  const [, n1 = 0, n2 = 0, n3 = 0, n4 = 0] = n;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  const y = ratio(n1, n1 + 2 * n2);
  const estimates: Discounts = [
    1 - 2 * y * ratio(n2, n1),
    2 - 3 * y * ratio(n3, n2),
    3 - 4 * y * ratio(n4, n3),
  ];
  return estimates.every((dk, k) => dk > 0 && dk <= k + 1) ? estimates : FALLBACK_DISCOUNTS;
}

/** Statistics of one order: its counts and, per context, the total and the discounted mass. */
interface Order {
  readonly counts: Map<number, number>;
  /** Per context: Σ_w count(context, w). */
  readonly totals: Map<number, number>;
  /** Per context: γ = Σ_w D(count(context, w)), the mass handed down to the lower order. */
  readonly backoff: Map<number, number>;
  readonly discounts: Discounts;
}

function discountOf(count: number, [d1, d2, d3]: Discounts): number {
  return count === 0 ? 0 : count === 1 ? d1 : count === 2 ? d2 : d3;
}

/** Builds an order from `counts` keyed `context · V + w`; `context` of a key is `floor(key / V)`. */
function buildOrder(counts: Map<number, number>, vocabularySize: number): Order {
  const countOfCounts = [0, 0, 0, 0, 0];
  for (const c of counts.values()) if (c <= 4) countOfCounts[c]! += 1;
  const discounts = modifiedDiscounts(countOfCounts);
  const totals = new Map<number, number>();
  const backoff = new Map<number, number>();
  for (const [key, c] of counts) {
    const context = Math.floor(key / vocabularySize);
    totals.set(context, (totals.get(context) ?? 0) + c);
    backoff.set(context, (backoff.get(context) ?? 0) + discountOf(c, discounts));
  }
  return { counts, totals, backoff, discounts };
}

/** The fitted trigram. Ids are integers in `[0, vocabularySize)`. */
export class KneserNeyTrigram {
  readonly vocabularySize: number;
  readonly #trigram: Order;
  readonly #bigram: Order;
  readonly #unigram: Order;

  private constructor(vocabularySize: number, trigram: Order, bigram: Order, unigram: Order) {
    this.vocabularySize = vocabularySize;
    this.#trigram = trigram;
    this.#bigram = bigram;
    this.#unigram = unigram;
  }

  /** Counts the trigrams, and the continuation counts below them, of one stream of ids. */
  static fit(ids: ArrayLike<number>, vocabularySize: number): KneserNeyTrigram {
    const V = vocabularySize;
    if (!Number.isInteger(V) || V < 1 || V ** 3 > Number.MAX_SAFE_INTEGER)
      throw new RangeError(`KneserNeyTrigram.fit: vocabularySize must be an integer in [1, 2^17], got ${V}.`);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= V)
        throw new RangeError(`KneserNeyTrigram.fit: ids[${i}] = ${id} is not an id in [0, ${V}).`);
    }
    const trigrams = new Map<number, number>();
    for (let i = 2; i < ids.length; i++) {
      const key = (ids[i - 2]! * V + ids[i - 1]!) * V + ids[i]!;
      trigrams.set(key, (trigrams.get(key) ?? 0) + 1);
    }
    // Continuation counts: N1+(•vw) = distinct u before "v w"; N1+(•w) = distinct v before w.
    const bigrams = new Map<number, number>();
    for (const key of trigrams.keys()) {
      const vw = key % (V * V);
      bigrams.set(vw, (bigrams.get(vw) ?? 0) + 1);
    }
    const bigramTypes = new Set<number>();
    for (let i = 1; i < ids.length; i++) bigramTypes.add(ids[i - 1]! * V + ids[i]!);
    const unigrams = new Map<number, number>();
    for (const vw of bigramTypes) {
      const w = vw % V;
      unigrams.set(w, (unigrams.get(w) ?? 0) + 1);
    }
    return new KneserNeyTrigram(V, buildOrder(trigrams, V), buildOrder(bigrams, V), buildOrder(unigrams, V));
  }

  /** D(1), D(2), D(3+) of each order. */
  get discounts(): { trigram: Discounts; bigram: Discounts; unigram: Discounts } {
    return {
      trigram: this.#trigram.discounts,
      bigram: this.#bigram.discounts,
      unigram: this.#unigram.discounts,
    };
  }

  /** P(w | u v): the probability of `w` after the two ids `u`, `v`. */
  probability(w: number, u: number, v: number): number {
    const V = this.vocabularySize;
    return this.#interpolate(this.#trigram, u * V + v, w, this.#bigramProbability(w, v));
  }

  /** P(• | u v) over the whole vocabulary (sums to 1). */
  distribution(u: number, v: number): Float64Array {
    const out = new Float64Array(this.vocabularySize);
    for (let w = 0; w < out.length; w++) out[w] = this.probability(w, u, v);
    return out;
  }

  #bigramProbability(w: number, v: number): number {
    return this.#interpolate(
      this.#bigram,
      v,
      w,
      this.#interpolate(this.#unigram, 0, w, 1 / this.vocabularySize),
    );
  }

  /** [max(c − D(c), 0) + γ · lower] / total for `w` after `context`, or `lower` for an unseen context. */
  #interpolate(order: Order, context: number, w: number, lower: number): number {
    const total = order.totals.get(context);
    if (total === undefined) return lower;
    const c = order.counts.get(context * this.vocabularySize + w) ?? 0;
    return (Math.max(c - discountOf(c, order.discounts), 0) + order.backoff.get(context)! * lower) / total;
  }

  /**
   * Cross-entropy of `ids[start…]`, each token scored after the two ids before it (so `start` ≥ 2:
   * the first scored tokens take their context from before `start`, e.g. the training part).
   * Returns the total negative log-likelihood in nats and the number of tokens scored.
   */
  score(ids: ArrayLike<number>, start: number): { totalNats: number; tokens: number } {
    if (start < 2)
      throw new RangeError(`KneserNeyTrigram.score: start must be ≥ 2 (two ids of context), got ${start}.`);
    let totalNats = 0;
    for (let i = start; i < ids.length; i++)
      totalNats -= Math.log(this.probability(ids[i]!, ids[i - 2]!, ids[i - 1]!));
    return { totalNats, tokens: Math.max(0, ids.length - start) };
  }
}
