/**
 * An open-addressing hash table from token text to a dense slot number, looked up by a
 * range of a larger string. Tokenizing a corpus with `Map<string, …>` costs a string
 * allocation and a hash per token; here a known token costs one probe and one comparison
 * (one array read for single-unit tokens such as characters), and a string is only made
 * when a token is seen for the first time.
 */
export class TokenTable {
  /** Token text per slot, in insertion order. */
  readonly tokens: string[] = [];
  #hashes = new Int32Array(256);
  #buckets = new Int32Array(1024).fill(-1);
  /** Slot of each single-UTF-16-unit token, by unit: characters skip hashing entirely. */
  readonly #unitSlots = new Int32Array(0x10000).fill(-1);

  get size(): number {
    return this.tokens.length;
  }

  /** The {@link hashRange} of the token in `slot`. */
  hashAt(slot: number): number {
    return this.#hashes[slot]!;
  }

  /**
   * The slot of `text.slice(start, end)`, or -1.
   * @param hash {@link hashRange} of the range, if the caller computed it while scanning.
   */
  find(text: string, start: number, end: number, hash = hashRange(text, start, end)): number {
    if (end - start === 1) return this.#unitSlots[text.charCodeAt(start)]!;
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    for (let bucket = spread(hash) & mask; ; bucket = (bucket + 1) & mask) {
      const slot = buckets[bucket]!;
      if (slot < 0 || (this.#hashes[slot] === hash && equalsRange(this.tokens[slot]!, text, start, end)))
        return slot;
    }
  }

  /** The slot of `text.slice(start, end)`, adding it if new. `hash` as for {@link find}. */
  intern(text: string, start: number, end: number, hash = hashRange(text, start, end)): number {
    if (end - start === 1) {
      const unit = text.charCodeAt(start);
      const known = this.#unitSlots[unit]!;
      if (known >= 0) return known;
      const slot = this.#add(text.slice(start, end), hash);
      this.#unitSlots[unit] = slot;
      return slot;
    }
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    let bucket = spread(hash) & mask;
    for (; ; bucket = (bucket + 1) & mask) {
      const slot = buckets[bucket]!;
      if (slot < 0) break;
      if (this.#hashes[slot] === hash && equalsRange(this.tokens[slot]!, text, start, end)) return slot;
    }
    const slot = this.#add(text.slice(start, end), hash);
    buckets[bucket] = slot;
    if (this.tokens.length * 2 > buckets.length) this.#rehash();
    return slot;
  }

  #add(token: string, hash: number): number {
    const slot = this.tokens.length;
    this.tokens.push(token);
    if (slot === this.#hashes.length) {
      const grown = new Int32Array(slot * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    this.#hashes[slot] = hash;
    return slot;
  }

  #rehash(): void {
    const buckets = new Int32Array(this.#buckets.length * 2).fill(-1);
    const mask = buckets.length - 1;
    for (let slot = 0; slot < this.tokens.length; slot++) {
      if (this.tokens[slot]!.length === 1) continue; // held by #unitSlots
      let bucket = spread(this.#hashes[slot]!) & mask;
      while (buckets[bucket]! >= 0) bucket = (bucket + 1) & mask;
      buckets[bucket] = slot;
    }
    this.#buckets = buckets;
  }
}

/** FNV-1a offset basis; scanners start each token's hash here. */
export const HASH_SEED = 0x811c9dc5 | 0;

/** One FNV-1a step: scanners fold each code unit in as they read it. */
export function hashStep(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, 0x01000193);
}

/** FNV-1a over the UTF-16 code units of a range, as a signed 32-bit integer. */
export function hashRange(text: string, start: number, end: number): number {
  let hash = HASH_SEED;
  for (let i = start; i < end; i++) hash = hashStep(hash, text.charCodeAt(i));
  return hash;
}

/** FNV's low bits are weak for short keys; fold the high bits in before masking. */
function spread(hash: number): number {
  return hash ^ (hash >>> 15);
}

function equalsRange(token: string, text: string, start: number, end: number): boolean {
  const length = end - start;
  if (token.length !== length) return false;
  for (let i = 0; i < length; i++) if (token.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}
