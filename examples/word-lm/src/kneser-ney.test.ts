import { perplexityFromTotal } from '@rnnkit/metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FALLBACK_DISCOUNTS, KneserNeyTrigram, modifiedDiscounts } from './kneser-ney.js';

// Vocabulary a=0, b=1, c=2, d=3; the training stream "a b c a b d a b c".
const [a, b, c, d] = [0, 1, 2, 3];
const TRAIN = [a, b, c, a, b, d, a, b, c];

describe('modified Kneser–Ney discounts', () => {
  it("are Chen & Goodman's estimates from the count-of-counts", () => {
    // n1..n4 = 10, 4, 2, 1: Y = 10 / 18; D1 = 1 − 2Y·4/10, D2 = 2 − 3Y·2/4, D3+ = 3 − 4Y·1/2.
    const y = 10 / 18;
    const [d1, d2, d3] = modifiedDiscounts([0, 10, 4, 2, 1]);
    expect(d1).toBeCloseTo(1 - (2 * y * 4) / 10, 12);
    expect(d2).toBeCloseTo(2 - (3 * y * 2) / 4, 12);
    expect(d3).toBeCloseTo(3 - (4 * y * 1) / 2, 12);
  });

  it("fall back to KenLM's 0.5, 1, 1.5 when an estimate leaves (0, k]", () => {
    // n3 = n4 = 0: the ratios count as 0, D2 = 2 and D3+ = 3 are still in range.
    const [d1, d2, d3] = modifiedDiscounts([0, 5, 1, 0, 0]);
    expect(d1).toBeCloseTo(5 / 7, 14);
    expect([d2, d3]).toEqual([2, 3]);
    // n1..n3 = 1, 1, 10: Y = 1/3, D2 = 2 − 3·(1/3)·10 = −8 → fallback.
    expect(modifiedDiscounts([0, 1, 1, 10, 0])).toEqual(FALLBACK_DISCOUNTS);
    expect(FALLBACK_DISCOUNTS).toEqual([0.5, 1, 1.5]);
  });
});

describe('interpolated modified Kneser–Ney trigram', () => {
  const model = KneserNeyTrigram.fit(TRAIN, 4);

  it('has the discounts of each order', () => {
    // Trigram counts: abc 2; bca, cab, abd, bda, dab 1 → n1 = 5, n2 = 1: Y = 5/7, D1 = 1 − 2·(5/7)·(1/5) = 5/7, D2 = 2, D3+ = 3.
    // Bigram continuation counts N1+(•vw) (distinct u before "v w"): ab 2 (c, d); bc, ca, bd, da 1 →
    //   n1 = 4, n2 = 1: Y = 2/3, D1 = 1 − 2·(2/3)·(1/4) = 2/3, D2 = 2, D3+ = 3.
    // Unigram continuation counts N1+(•w) (distinct v before w): a 2 (c, d); b, c, d 1 →
    //   n1 = 3, n2 = 1: Y = 3/5, D1 = 1 − 2·(3/5)·(1/3) = 3/5, D2 = 2, D3+ = 3.
    const { trigram, bigram, unigram } = model.discounts;
    expect(trigram[0]).toBeCloseTo(5 / 7, 12);
    expect(trigram.slice(1)).toEqual([2, 3]);
    expect(bigram[0]).toBeCloseTo(2 / 3, 12);
    expect(unigram[0]).toBeCloseTo(3 / 5, 12);
  });

  it('gives the hand-computed probabilities', () => {
    // Unigram: Σ N1+(•w) = 5, γ1 = D2·1 + D1·3 = 2 + 9/5 = 19/5, uniform 1/4:
    //   P1(a) = (max(2 − 2, 0) + 19/5 · 1/4) / 5 = 19/100; P1(b) = P1(c) = P1(d) = (1 − 3/5 + 19/20) / 5 = 27/100.
    // Bigram after b: N1+(•bc) = N1+(•bd) = 1, total 2, γ2(b) = 2 · 2/3 = 4/3:
    //   P2(c|b) = P2(d|b) = (1 − 2/3 + 4/3 · 27/100) / 2 = 26/75; P2(a|b) = (4/3 · 19/100) / 2 = 19/150; P2(b|b) = (4/3 · 27/100) / 2 = 27/150.
    // Trigram after "a b": c(abc) = 2, c(abd) = 1, total 3, γ3(ab) = D2 + D1 = 2 + 5/7 = 19/7:
    //   P(c|a b) = (max(2 − 2, 0) + 19/7 · 26/75) / 3 = 494/1575
    //   P(d|a b) = (1 − 5/7 + 19/7 · 26/75) / 3 = 644/1575
    //   P(a|a b) = (19/7 · 19/150) / 3 = 361/3150;  P(b|a b) = (19/7 · 27/150) / 3 = 513/3150  (sum: 3150/3150)
    expect(model.probability(c, a, b)).toBeCloseTo(494 / 1575, 14);
    expect(model.probability(d, a, b)).toBeCloseTo(644 / 1575, 14);
    expect(model.probability(a, a, b)).toBeCloseTo(361 / 3150, 14);
    expect(model.probability(b, a, b)).toBeCloseTo(513 / 3150, 14);
    // Unseen trigram context "d d" → the bigram after d: N1+(•da) = 1, total 1, γ2(d) = 2/3:
    //   P(a|d d) = 1 − 2/3 + 2/3 · 19/100 = 0.46; P(b|d d) = 2/3 · 27/100 = 0.18.
    expect(model.probability(a, d, d)).toBeCloseTo(0.46, 14);
    expect(model.probability(b, d, d)).toBeCloseTo(0.18, 14);
  });

  it('scores a held-out stream whose context comes from the training part', () => {
    // Held out "a d" after the training stream's "… b c":
    //   P(a|b c): c(bca) = 1, total 1, γ3(bc) = 5/7; P2(a|c) = 1 − 2/3 + 2/3 · 19/100 = 0.46
    //            → 1 − 5/7 + 5/7 · 0.46 = 4.3/7
    //   P(d|c a): c(cad) = 0, total 1 (cab), γ3(ca) = 5/7; P2(d|a) = (0 + 2 · 27/100) / 2 = 0.27 (a: ab 2, total 2, γ = D2 = 2)
    //            → 5/7 · 0.27 = 1.35/7
    //   perplexity = (P(a|b c) · P(d|c a))^(−1/2)
    const stream = [...TRAIN, a, d];
    const { totalNats, tokens } = model.score(stream, TRAIN.length);
    expect(tokens).toBe(2);
    expect(totalNats).toBeCloseTo(-Math.log(4.3 / 7) - Math.log(1.35 / 7), 12);
    expect(perplexityFromTotal(totalNats, tokens)).toBeCloseTo(((4.3 / 7) * (1.35 / 7)) ** -0.5, 12);
    expect(perplexityFromTotal(totalNats, tokens)).toBeCloseTo(2.90534, 4);
  });

  it('sums to 1 over the vocabulary after every seen and unseen context, never giving 0', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 7 })
          .chain((vocabularySize) =>
            fc.tuple(
              fc.constant(vocabularySize),
              fc.array(fc.integer({ min: 0, max: vocabularySize - 1 }), { maxLength: 60 }),
            ),
          ),
        ([vocabularySize, ids]) => {
          const fitted = KneserNeyTrigram.fit(ids, vocabularySize);
          for (let u = 0; u < vocabularySize; u++) {
            for (let v = 0; v < vocabularySize; v++) {
              const p = fitted.distribution(u, v);
              const sum = p.reduce((s, x) => s + x, 0);
              expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
              expect(Math.min(...p)).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });
});
