/**
 * A token of a sentence compared by BLEU or an edit distance: a word, a subword, a character or a
 * token id. Tokens are equal when they are the same string or the same number (`1` and `'1'` differ,
 * as in Python).
 */
export type Token = string | number;

/** Modified n-gram precision of one hypothesis as counts, exactly as NLTK keeps it (unreduced). */
export interface NgramPrecisionCounts {
  /** Hypothesis n-grams found in some reference, each clipped to its largest count in one reference. */
  readonly numerator: number;
  /** Hypothesis n-grams (`hypothesis.length - n + 1`), at least 1 so that the precision is defined. */
  readonly denominator: number;
}

/** Largest integer up to which every key built below is exact. */
const MAX_EXACT_KEY = Number.MAX_SAFE_INTEGER;

// Scratch space reused by every call (the functions are synchronous, so calls never interleave).
const tokenIds = new Map<Token, number>();
const slotOfKey = new Map<number | string, number>();
let hypothesisCounts = new Int32Array(256);
let slotOrders = new Int32Array(256);
let maxReferenceCounts = new Int32Array(256);
let referenceCounts = new Int32Array(256);
let touchedSlots = new Int32Array(256);

function ensureSlots(size: number): void {
  if (hypothesisCounts.length >= size) return;
  const capacity = Math.max(size, hypothesisCounts.length * 2);
  hypothesisCounts = new Int32Array(capacity);
  slotOrders = new Int32Array(capacity);
  maxReferenceCounts = new Int32Array(capacity);
  referenceCounts = new Int32Array(capacity);
  touchedSlots = new Int32Array(capacity);
}

/**
 * Adds the clipped n-gram counts of one hypothesis against its references, for every order
 * `1..maxOrder`, to `numerators[n - 1]` and `denominators[n - 1]` — the per-pair step of NLTK 3.8's
 * `modified_precision`, for all orders in one pass.
 *
 * Every hypothesis n-gram gets a numeric key (its tokens' local ids as digits in base
 * `distinct + 1`, no digit zero, so keys of different orders never collide); reference n-grams that
 * contain a token absent from the hypothesis are skipped, since they cannot match. When the keys
 * would exceed 2^53 (very long n-grams over many distinct tokens) string keys are used instead.
 */
export function addClippedNgramCounts(
  references: readonly (readonly Token[])[],
  hypothesis: readonly Token[],
  maxOrder: number,
  numerators: number[],
  denominators: number[],
): void {
  const length = hypothesis.length;
  for (let order = 1; order <= maxOrder; order++) {
    denominators[order - 1]! += Math.max(1, length - order + 1);
  }
  if (length === 0) return;

  tokenIds.clear();
  const hypothesisIds = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const token = hypothesis[i]!;
    let id = tokenIds.get(token);
    if (id === undefined) {
      id = tokenIds.size + 1;
      tokenIds.set(token, id);
    }
    hypothesisIds[i] = id;
  }
  const base = tokenIds.size + 1;
  const numericKeys = maxOrder * Math.log2(base) < Math.log2(MAX_EXACT_KEY) - 1;

  slotOfKey.clear();
  ensureSlots(length * Math.min(maxOrder, length));
  let slots = 0;
  for (let start = 0; start < length; start++) {
    let key: number | string = numericKeys ? 0 : '';
    const last = Math.min(length, start + maxOrder);
    for (let end = start; end < last; end++) {
      const id = hypothesisIds[end]!;
      key = numericKeys ? (key as number) * base + id : `${key as string}${id},`;
      let slot = slotOfKey.get(key);
      if (slot === undefined) {
        slot = slots++;
        slotOfKey.set(key, slot);
        hypothesisCounts[slot] = 0;
        maxReferenceCounts[slot] = 0;
        referenceCounts[slot] = 0;
        slotOrders[slot] = end - start;
      }
      hypothesisCounts[slot]!++;
    }
  }

  for (const reference of references) {
    const referenceLength = reference.length;
    let touched = 0;
    const referenceIds = new Int32Array(referenceLength);
    for (let i = 0; i < referenceLength; i++) referenceIds[i] = tokenIds.get(reference[i]!) ?? 0;
    for (let start = 0; start < referenceLength; start++) {
      let key: number | string = numericKeys ? 0 : '';
      const last = Math.min(referenceLength, start + maxOrder);
      for (let end = start; end < last; end++) {
        const id = referenceIds[end]!;
        if (id === 0) break;
        key = numericKeys ? (key as number) * base + id : `${key as string}${id},`;
        const slot = slotOfKey.get(key);
        if (slot === undefined) break;
        if (referenceCounts[slot] === 0) touchedSlots[touched++] = slot;
        referenceCounts[slot]!++;
      }
    }
    for (let t = 0; t < touched; t++) {
      const slot = touchedSlots[t]!;
      if (referenceCounts[slot]! > maxReferenceCounts[slot]!)
        maxReferenceCounts[slot] = referenceCounts[slot]!;
      referenceCounts[slot] = 0;
    }
  }

  for (let slot = 0; slot < slots; slot++) {
    numerators[slotOrders[slot]!]! += Math.min(hypothesisCounts[slot]!, maxReferenceCounts[slot]!);
  }
}
