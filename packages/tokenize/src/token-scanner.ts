import { charClassBody } from './char-class.js';
import { HASH_SEED, hashStep, hashUnits, IDENTITY_UNITS } from './token-table.js';

// How tokenizers read text: into scratch buffers of (case-folded) UTF-16 units, without a
// string per token or a lowercased copy per document.

/**
 * Reports each token of `text`, as Keras would after `text.lower()` when `fold` is the
 * lowercase table (identity otherwise). Tokens arrive as units in a scratch buffer, so
 * callers can look them up without a string per token or a lowercased copy per document.
 */
export interface TokenScanner {
  /** Whether `scan` honours the lowercase fold; if not, lowercase the text before scanning. */
  readonly foldsCase: boolean;
  /**
   * Scans `text` from `from` on. With the lowercase fold, stops before the token holding
   * the first character whose lowercase needs more units or context (İ, Σ, surrogates)
   * and returns where that token starts: scan `text.toLowerCase()` from there, with the
   * identity fold (positions agree, since everything before lowercased unit for unit).
   * @returns -1 when the whole text was scanned.
   */
  scan(text: string, visit: TokenVisitor, fold: Uint16Array, from?: number): number;
}

/**
 * Receives one token: `units[0 … length-1]` (a scratch buffer, valid only during the call)
 * and their {@link hashUnits} (any value for single-unit tokens, which are found without it).
 */
export type TokenVisitor = (units: Uint16Array, length: number, hash: number) => void;

let lowercaseUnits: Uint16Array | undefined;

/**
 * Every UTF-16 unit mapped to its lowercase unit. Exact for text without İ, Σ and
 * surrogates, which lowercases unit by unit.
 */
export function lowercaseUnitTable(): Uint16Array {
  if (!lowercaseUnits) {
    // One native toLowerCase over all units; İ (the one unit whose lowercase is two units)
    // and surrogates are blanked so the result stays aligned.
    const units = IDENTITY_UNITS.map((unit) =>
      unit === 0x130 || (unit >= 0xd800 && unit <= 0xdfff) ? 0x20 : unit,
    );
    let all = '';
    for (let start = 0; start < units.length; start += 0x1000) {
      all += String.fromCharCode(...units.subarray(start, start + 0x1000));
    }
    const lowered = all.toLowerCase();
    lowercaseUnits = Uint16Array.from({ length: lowered.length }, (_, unit) => lowered.charCodeAt(unit));
  }
  return lowercaseUnits;
}

/**
 * Units whose lowercase is not one unit on its own: İ (two units), Σ (σ or final ς,
 * by context); surrogates (astral letters) are treated likewise. Text holding none of
 * them lowercases unit by unit through {@link lowercaseUnitTable}.
 */
function marksUnitsNeedingContext(table: Int32Array, mark: number): Int32Array {
  table[0x130] = mark;
  table[0x3a3] = mark;
  return table.fill(mark, 0xd800, 0xe000);
}

const UTF16_UNITS = 0x10000;
const DELIMITER = -1;
const NEEDS_CONTEXT = -2;

function isLoneUnit(text: string): boolean {
  const unit = text.charCodeAt(0);
  return text.length === 1 && (unit < 0xd800 || unit > 0xdfff);
}

// Built once per delimiter set and fold (256 KiB each), shared by every tokenizer using them.
const classifiers = new Map<string, Map<Uint16Array, Int32Array>>();

/**
 * Per UTF-16 unit: its folded value, {@link DELIMITER} if that is one of `delimiters`
 * (Keras lowercases before filtering), or, for a non-identity fold, {@link NEEDS_CONTEXT}.
 */
function unitClassifier(delimiters: string, fold: Uint16Array): Int32Array {
  let byFold = classifiers.get(delimiters);
  if (!byFold) {
    byFold = new Map();
    classifiers.set(delimiters, byFold);
  }
  let classify = byFold.get(fold);
  if (!classify) {
    const isDelimiter = new Uint8Array(UTF16_UNITS);
    for (let i = 0; i < delimiters.length; i++) isDelimiter[delimiters.charCodeAt(i)] = 1;
    classify = new Int32Array(UTF16_UNITS);
    for (let unit = 0; unit < UTF16_UNITS; unit++) {
      const folded = fold[unit]!;
      classify[unit] = isDelimiter[folded] === 1 ? DELIMITER : folded;
    }
    if (fold !== IDENTITY_UNITS) marksUnitsNeedingContext(classify, NEEDS_CONTEXT);
    byFold.set(fold, classify);
  }
  return classify;
}

/** A growable scratch buffer for one token's units. */
class TokenBuffer {
  units: Uint16Array = new Uint16Array(64);

  /** Makes room for at least `length` units, keeping the first `kept`. */
  reserve(length: number, kept: number): Uint16Array {
    if (length > this.units.length) {
      const grown = new Uint16Array(Math.max(length, this.units.length * 2));
      grown.set(this.units.subarray(0, kept));
      this.units = grown;
    }
    return this.units;
  }
}

/**
 * Compiles Keras' "translate every filter character to `split`, split on `split`, drop
 * empty strings" into a scanner, so a tokenizer pays for the set-up once.
 */
export function createWordScanner(filters: string, split: string): TokenScanner {
  const filterChars = Array.from(new Set(filters));
  const buffer = new TokenBuffer();
  if (isLoneUnit(split) && filterChars.every(isLoneUnit)) {
    // Every delimiter is one BMP unit, so a word is a maximal run of other units: one pass,
    // no translated or lowercased copy of the text. Per fold, one table gives each unit's
    // folded value, or -1 for a delimiter (Keras lowercases before filtering).
    const delimiters = [split, ...filterChars].sort().join('');
    const classifierFor = (fold: Uint16Array) => unitClassifier(delimiters, fold);
    const scan = (text: string, visit: TokenVisitor, fold: Uint16Array, from = 0) => {
      const classify = classifierFor(fold);
      const units = buffer.reserve(text.length - from, 0); // no token is longer than the text
      let length = 0;
      let hash = HASH_SEED;
      for (let i = from; i < text.length; i++) {
        const unit = classify[text.charCodeAt(i)]!;
        if (unit < 0) {
          if (unit === NEEDS_CONTEXT) return i - length;
          if (length > 0) {
            visit(units, length, hash);
            length = 0;
            hash = HASH_SEED;
          }
        } else {
          units[length++] = unit;
          hash = hashStep(hash, unit);
        }
      }
      if (length > 0) visit(units, length, hash);
      return -1;
    };
    return { foldsCase: true, scan };
  }
  // General case (multi-character split or astral filter characters): literal Keras semantics.
  const filterPattern =
    filterChars.length > 0 ? new RegExp(`[${charClassBody(filterChars.join(''))}]`, 'gu') : null;
  const scan = (text: string, visit: TokenVisitor) => {
    const translated = filterPattern ? text.replace(filterPattern, () => split) : text;
    let start = 0;
    for (;;) {
      const end = translated.indexOf(split, start);
      const stop = end < 0 ? translated.length : end;
      if (stop > start) {
        const units = buffer.reserve(stop - start, 0);
        for (let i = start; i < stop; i++) units[i - start] = translated.charCodeAt(i);
        visit(units, stop - start, hashUnits(units, stop - start));
      }
      if (end < 0) return -1;
      start = end + split.length;
    }
  };
  return { foldsCase: false, scan };
}

/** Whether a high surrogate at `index` is followed by a low one: one astral character. */
function isSurrogatePair(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  const next = text.charCodeAt(index + 1); // NaN past the end
  return unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
}

/** Writes the character at `index` (one unit, or a surrogate pair) folded into `units`; returns its length. */
export function readCharacter(text: string, index: number, fold: Uint16Array, units: Uint16Array): number {
  units[0] = fold[text.charCodeAt(index)]!;
  if (!isSurrogatePair(text, index)) return 1;
  units[1] = fold[text.charCodeAt(index + 1)]!;
  return 2;
}

let lowercaseCharacters: Int32Array | undefined;

/** Per unit: itself, or -1 for surrogates (read them with {@link readCharacter}). */
export const IDENTITY_CHARACTERS = Int32Array.from(IDENTITY_UNITS).fill(-1, 0xd800, 0xe000);

/**
 * The table character scans read each unit through: with `lower`, its lowercase unit, or
 * -1 where that needs more units or context (İ, Σ, surrogates) — from such a unit on,
 * read `text.toLowerCase()` through {@link IDENTITY_CHARACTERS} instead (positions agree,
 * since everything before it lowercased unit for unit).
 */
export function characterTable(lower: boolean): Int32Array {
  if (!lower) return IDENTITY_CHARACTERS;
  lowercaseCharacters ??= marksUnitsNeedingContext(Int32Array.from(lowercaseUnitTable()), -1);
  return lowercaseCharacters;
}
