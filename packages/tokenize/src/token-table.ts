/**
 * An open-addressing hash table from token text to a dense slot number, looked up by a
 * range of a larger string. Tokenizing a corpus with `Map<string, …>` costs a string
 * allocation and a hash per token; here a known token costs one probe and a comparison
 * against a contiguous pool of code units (one array read for single-unit tokens such as
 * characters), and a string is only made when a token is seen for the first time.
 */
export class TokenTable {
  /** Token text per slot, in insertion order. */
  readonly tokens: string[] = [];
  #hashes = new Int32Array(256);
  /** Token `slot` is `#units[#offsets[slot] … #offsets[slot + 1])`. */
  #offsets = new Int32Array(257);
  #units = new Uint16Array(2048);
  #buckets = new Int32Array(1024).fill(-1);
  /** Slot of each single-UTF-16-unit token by unit, -1 if absent: characters skip hashing entirely. */
  readonly unitSlots = new Int32Array(0x10000).fill(-1);

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
    const length = end - start;
    if (length === 1) return this.unitSlots[text.charCodeAt(start)]!;
    const buckets = this.#buckets;
    const hashes = this.#hashes;
    const offsets = this.#offsets;
    const units = this.#units;
    const mask = buckets.length - 1;
    for (let bucket = spread(hash) & mask; ; bucket = (bucket + 1) & mask) {
      const slot = buckets[bucket]!;
      if (slot < 0) return -1;
      if (hashes[slot] !== hash) continue;
      const offset = offsets[slot]!;
      if (offsets[slot + 1]! - offset !== length) continue;
      let i = 0;
      while (i < length && units[offset + i] === text.charCodeAt(start + i)) i++;
      if (i === length) return slot;
    }
  }

  /** The slot of `text.slice(start, end)`, adding it if new. `hash` as for {@link find}. */
  intern(text: string, start: number, end: number, hash = hashRange(text, start, end)): number {
    const found = this.find(text, start, end, hash);
    return found >= 0 ? found : this.#add(text.slice(start, end), hash);
  }

  /** Forgets every slot from `size` on (to undo a failed batch of interns). */
  truncate(size: number): void {
    if (size >= this.tokens.length) return;
    for (const token of this.tokens.splice(size)) {
      if (token.length === 1) this.unitSlots[token.charCodeAt(0)] = -1;
    }
    this.#rehash(this.#buckets.length);
  }

  #add(token: string, hash: number): number {
    const slot = this.tokens.length;
    this.tokens.push(token);
    if (slot + 1 === this.#hashes.length) {
      this.#hashes = grow(this.#hashes, this.#hashes.length * 2);
      this.#offsets = grow(this.#offsets, this.#hashes.length + 1);
    }
    this.#hashes[slot] = hash;
    const offset = this.#offsets[slot]!;
    if (offset + token.length > this.#units.length) {
      this.#units = grow(this.#units, Math.max(this.#units.length * 2, offset + token.length));
    }
    for (let i = 0; i < token.length; i++) this.#units[offset + i] = token.charCodeAt(i);
    this.#offsets[slot + 1] = offset + token.length;
    if (token.length === 1) {
      this.unitSlots[token.charCodeAt(0)] = slot;
    } else if ((slot + 1) * 2 > this.#buckets.length) {
      this.#rehash(this.#buckets.length * 2);
    } else {
      this.#place(this.#buckets, slot);
    }
    return slot;
  }

  #rehash(bucketCount: number): void {
    this.#buckets = new Int32Array(bucketCount).fill(-1);
    for (let slot = 0; slot < this.tokens.length; slot++) {
      if (this.tokens[slot]!.length !== 1) this.#place(this.#buckets, slot);
    }
  }

  #place(buckets: Int32Array, slot: number): void {
    const mask = buckets.length - 1;
    let bucket = spread(this.#hashes[slot]!) & mask;
    while (buckets[bucket]! >= 0) bucket = (bucket + 1) & mask;
    buckets[bucket] = slot;
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

function grow<T extends Int32Array | Uint16Array>(array: T, length: number): T {
  const grown = new (array.constructor as new (length: number) => T)(length);
  grown.set(array);
  return grown;
}
