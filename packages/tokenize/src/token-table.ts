/**
 * An open-addressing hash table from token to a dense slot number, looked up by the
 * token's UTF-16 units in a scratch buffer. Tokenizing a corpus with `Map<string, …>`
 * costs a string allocation and a hash per token; here a known token costs one probe and
 * a comparison against a contiguous pool of units (one array read for single-unit tokens
 * such as characters), and a string is only made when a token is seen for the first time.
 */
export class TokenTable {
  /** Token text per slot, in insertion order. */
  readonly tokens: string[] = [];
  /** Slot of each single-unit token by unit, -1 if absent: characters skip hashing entirely. */
  readonly unitSlots = new Int32Array(0x10000).fill(-1);
  #hashes = new Int32Array(256);
  /** Token `slot` is `#units[#offsets[slot] … #offsets[slot + 1])`. */
  #offsets = new Int32Array(257);
  #units = new Uint16Array(2048);
  /** Open addressing with linear probing: bucket b is (hash, slot) at [2b, 2b + 1]; slot -1 is empty. */
  #buckets = new Int32Array(2 * 1024).fill(-1);

  get size(): number {
    return this.tokens.length;
  }

  /**
   * The slot of the token `units[0 … length-1]`, or -1.
   * @param hash its {@link hashUnits}, computed by the caller while scanning.
   */
  find(units: Uint16Array, length: number, hash: number): number {
    if (length === 1) return this.unitSlots[units[0]!]!;
    const buckets = this.#buckets;
    const offsets = this.#offsets;
    const pool = this.#units;
    const mask = (buckets.length >> 1) - 1;
    for (let bucket = spread(hash) & mask; ; bucket = (bucket + 1) & mask) {
      const slot = buckets[2 * bucket + 1]!;
      if (slot < 0) return -1;
      if (buckets[2 * bucket] !== hash) continue;
      const offset = offsets[slot]!;
      if (offsets[slot + 1]! - offset === length && sameUnits(pool, offset, units, length)) return slot;
    }
  }

  /** The slot of the token `units[0 … length-1]`, adding it if new; arguments as for {@link find}. */
  intern(units: Uint16Array, length: number, hash: number): number {
    const found = this.find(units, length, hash);
    return found >= 0 ? found : this.#add(units, length, hash);
  }

  /** {@link find} for a token given as a string. */
  findString(token: string): number {
    const units = toUnits(token);
    return this.find(units, token.length, hashUnits(units, token.length));
  }

  /** {@link intern} for a token given as a string. */
  internString(token: string): number {
    const units = toUnits(token);
    return this.intern(units, token.length, hashUnits(units, token.length));
  }

  /** Forgets every slot from `size` on (to undo a failed batch of interns). */
  truncate(size: number): void {
    if (size >= this.tokens.length) return;
    for (const token of this.tokens.splice(size)) {
      if (token.length === 1) this.unitSlots[token.charCodeAt(0)] = -1;
    }
    this.#rehash(this.#buckets.length >> 1);
  }

  #add(units: Uint16Array, length: number, hash: number): number {
    const slot = this.tokens.length;
    this.tokens.push(unitsToString(units, length));
    if (slot + 1 === this.#hashes.length) {
      this.#hashes = grow(this.#hashes, this.#hashes.length * 2);
      this.#offsets = grow(this.#offsets, this.#hashes.length + 1);
    }
    this.#hashes[slot] = hash;
    const offset = this.#offsets[slot]!;
    if (offset + length > this.#units.length) {
      this.#units = grow(this.#units, Math.max(this.#units.length * 2, offset + length));
    }
    for (let i = 0; i < length; i++) this.#units[offset + i] = units[i]!;
    this.#offsets[slot + 1] = offset + length;
    if (length === 1) {
      this.unitSlots[units[0]!] = slot;
    } else if ((slot + 1) * 2 > this.#buckets.length >> 1) {
      this.#rehash(this.#buckets.length);
    } else {
      this.#place(this.#buckets, slot);
    }
    return slot;
  }

  #rehash(bucketCount: number): void {
    this.#buckets = new Int32Array(2 * bucketCount).fill(-1);
    for (let slot = 0; slot < this.tokens.length; slot++) {
      if (this.tokens[slot]!.length !== 1) this.#place(this.#buckets, slot);
    }
  }

  #place(buckets: Int32Array, slot: number): void {
    const hash = this.#hashes[slot]!;
    const mask = (buckets.length >> 1) - 1;
    let bucket = spread(hash) & mask;
    while (buckets[2 * bucket + 1]! >= 0) bucket = (bucket + 1) & mask;
    buckets[2 * bucket] = hash;
    buckets[2 * bucket + 1] = slot;
  }
}

/** FNV-1a offset basis; scanners start each token's hash here. */
export const HASH_SEED = 0x811c9dc5 | 0;

/** One FNV-1a step: scanners fold each code unit in as they read it. */
export function hashStep(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, 0x01000193);
}

/** FNV-1a over `units[0 … length-1]`, as a signed 32-bit integer. */
export function hashUnits(units: Uint16Array, length: number): number {
  let hash = HASH_SEED;
  for (let i = 0; i < length; i++) hash = hashStep(hash, units[i]!);
  return hash;
}

/** Every UTF-16 unit mapped to itself: the fold of case-sensitive scanning. */
export const IDENTITY_UNITS = Uint16Array.from({ length: 0x10000 }, (_, unit) => unit);

/** The UTF-16 units of `text` in a fresh buffer. */
export function toUnits(text: string): Uint16Array {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}

const CHUNK = 0x1000;

/** The string of `units[0 … length-1]`. */
export function unitsToString(units: Uint16Array, length: number): string {
  let text = '';
  if (length <= 16) {
    // Typical tokens: a short concatenation is faster than any bulk conversion.
    for (let i = 0; i < length; i++) text += String.fromCharCode(units[i]!);
    return text;
  }
  for (let start = 0; start < length; start += CHUNK) {
    const chunk = units.subarray(start, Math.min(length, start + CHUNK));
    text += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return text;
}

function sameUnits(pool: Uint16Array, offset: number, units: Uint16Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (pool[offset + i] !== units[i]) return false;
  return true;
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
