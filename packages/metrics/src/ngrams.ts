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
// Tokens get a lasting global id (one Map lookup per token, no insertion after the first sighting),
// then a small local id per sentence through `localIds`, stamped like the table below.
const globalIds = new Map<Token, number>();
const MAX_GLOBAL_IDS = 1 << 20;
let localIds = new Int32Array(1024);
let localStamps = new Int32Array(1024);
let localStamp = 0;
const slotOfStringKey = new Map<string, number>();
let hypothesisCounts = new Int32Array(256);
let slotOrders = new Int32Array(256);
let maxReferenceCounts = new Int32Array(256);
let referenceCounts = new Int32Array(256);
let touchedSlots = new Int32Array(256);
let hypothesisIds = new Int32Array(256);
let referenceIds = new Int32Array(256);

function ensureSlots(size: number): void {
  if (hypothesisCounts.length >= size) return;
  const capacity = Math.max(size, hypothesisCounts.length * 2);
  hypothesisCounts = new Int32Array(capacity);
  slotOrders = new Int32Array(capacity);
  maxReferenceCounts = new Int32Array(capacity);
  referenceCounts = new Int32Array(capacity);
  touchedSlots = new Int32Array(capacity);
}

// Open-addressing hash table from numeric n-gram key to slot: several times faster than a Map for
// the few dozen keys of one sentence. An entry is live when its stamp equals the current one, so
// starting a new sentence costs one increment instead of a clear.
let tableKeys = new Float64Array(1024);
let tableSlots = new Int32Array(1024);
let tableStamps = new Int32Array(1024);
let tableMask = 1023;
let currentStamp = 0;

function resetTable(entries: number): void {
  let size = tableKeys.length;
  while (size < entries * 2) size *= 2;
  if (size !== tableKeys.length || currentStamp === 0x7fffffff) {
    tableKeys = new Float64Array(size);
    tableSlots = new Int32Array(size);
    tableStamps = new Int32Array(size);
    tableMask = size - 1;
    currentStamp = 0;
  }
  currentStamp++;
}

function bucketOf(key: number): number {
  // Exact integer key < 2^53 → two 32-bit halves, mixed.
  const high = Math.floor(key / 4294967296) | 0;
  let h = Math.imul((key >>> 0) ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h & tableMask;
}

/** Slot of `key`, or -1. */
function findSlot(key: number): number {
  let i = bucketOf(key);
  while (tableStamps[i] === currentStamp) {
    if (tableKeys[i] === key) return tableSlots[i]!;
    i = (i + 1) & tableMask;
  }
  return -1;
}

/** Slot of `key`, adding it as slot `next` when absent; returns the slot. */
function findOrAddSlot(key: number, next: number): number {
  let i = bucketOf(key);
  while (tableStamps[i] === currentStamp) {
    if (tableKeys[i] === key) return tableSlots[i]!;
    i = (i + 1) & tableMask;
  }
  tableStamps[i] = currentStamp;
  tableKeys[i] = key;
  tableSlots[i] = next;
  return next;
}

/**
 * Adds the clipped n-gram counts of one hypothesis against its references, for every order
 * `1..maxOrder`, to `numerators[n - 1]` and `denominators[n - 1]` — the per-pair step of NLTK 3.8's
 * `modified_precision`, for all orders in one pass.
 *
 * Every hypothesis n-gram gets a numeric key (its tokens' local ids as digits in base
 * `distinct + 1`, no digit zero, so keys of different orders never collide); reference n-grams that
 * contain a token absent from the hypothesis are skipped, since they cannot match. Keys live in an
 * open-addressing table; when they would exceed 2^53 (very long n-grams over many distinct tokens)
 * string keys in a Map are used instead.
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

  if (globalIds.size > MAX_GLOBAL_IDS) globalIds.clear();
  if (localStamp === 0x7fffffff) {
    localStamps.fill(0);
    localStamp = 0;
  }
  localStamp++;
  if (hypothesisIds.length < length)
    hypothesisIds = new Int32Array(Math.max(length, hypothesisIds.length * 2));
  let distinct = 0;
  for (let i = 0; i < length; i++) {
    const token = hypothesis[i]!;
    let global = globalIds.get(token);
    if (global === undefined) {
      global = globalIds.size;
      globalIds.set(token, global);
      if (global >= localIds.length) {
        const grownIds = new Int32Array(Math.max(global + 1, localIds.length * 2));
        const grownStamps = new Int32Array(grownIds.length);
        grownIds.set(localIds);
        grownStamps.set(localStamps);
        localIds = grownIds;
        localStamps = grownStamps;
      }
    }
    if (localStamps[global] !== localStamp) {
      localStamps[global] = localStamp;
      localIds[global] = ++distinct;
    }
    hypothesisIds[i] = localIds[global]!;
  }
  const base = distinct + 1;
  const numericKeys = maxOrder * Math.log2(base) < Math.log2(MAX_EXACT_KEY) - 1;
  const maxSlots = length * Math.min(maxOrder, length);
  ensureSlots(maxSlots);
  if (numericKeys) resetTable(maxSlots);
  else slotOfStringKey.clear();

  let slots = 0;
  for (let start = 0; start < length; start++) {
    let key = 0;
    let stringKey = '';
    const last = Math.min(length, start + maxOrder);
    for (let end = start; end < last; end++) {
      const id = hypothesisIds[end]!;
      let slot: number;
      if (numericKeys) {
        key = key * base + id;
        slot = findOrAddSlot(key, slots);
      } else {
        stringKey = `${stringKey}${id},`;
        slot = slotOfStringKey.get(stringKey) ?? slots;
        if (slot === slots) slotOfStringKey.set(stringKey, slot);
      }
      if (slot === slots) {
        slots++;
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
    if (referenceIds.length < referenceLength) {
      referenceIds = new Int32Array(Math.max(referenceLength, referenceIds.length * 2));
    }
    for (let i = 0; i < referenceLength; i++) {
      const global = globalIds.get(reference[i]!);
      referenceIds[i] = global !== undefined && localStamps[global] === localStamp ? localIds[global]! : 0;
    }
    for (let start = 0; start < referenceLength; start++) {
      let key = 0;
      let stringKey = '';
      const last = Math.min(referenceLength, start + maxOrder);
      for (let end = start; end < last; end++) {
        const id = referenceIds[end]!;
        if (id === 0) break;
        let slot: number;
        if (numericKeys) {
          key = key * base + id;
          slot = findSlot(key);
        } else {
          stringKey = `${stringKey}${id},`;
          slot = slotOfStringKey.get(stringKey) ?? -1;
        }
        // A prefix absent from the hypothesis: no longer n-gram from here can be present.
        if (slot < 0) break;
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
