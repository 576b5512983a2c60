import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { Seq2SeqError } from './errors.js';
import {
  DEFAULT_EVALUATE_TRANSLATIONS_OPTIONS,
  DEFAULT_EVALUATE_TRANSLATOR_OPTIONS,
  evaluateTranslations,
  evaluateTranslator,
} from './evaluate.js';

describe('evaluateTranslations', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_EVALUATE_TRANSLATIONS_OPTIONS).toEqual({ standardize: true, level: 'word', bleu: {} });
    expect(DEFAULT_EVALUATE_TRANSLATOR_OPTIONS).toEqual({
      standardize: true,
      level: 'word',
      bleu: {},
      batchSize: 64,
    });
  });

  it('scores a corpus by hand-computed BLEU, exact match and token accuracy', () => {
    const scores = evaluateTranslations(['The cat sat on the mat', 'Go.'], ['the cat sat on a mat', 'go .']);
    // corpus precisions: 1-grams (5+2)/(6+2), 2-grams (3+1)/(5+1), 3-grams (2+0)/(4+1), 4-grams
    // (1+0)/(3+1) — NLTK counts max(1, n-grams) per sentence, so the 2-token 'go .' adds 1 to the
    // 3- and 4-gram denominators; lengths 8 = 8, so no brevity penalty
    expect(scores.bleu).toBeCloseTo(((7 / 8) * (4 / 6) * (2 / 5) * (1 / 4)) ** 0.25, 12);
    expect(scores).toMatchObject({
      exactMatch: 0.5,
      exactMatches: 1,
      tokenAccuracy: 7 / 8,
      sentences: 2,
      hypothesisTokens: 8,
      referenceTokens: 8,
    });
  });

  it('matches the metrics example: one sentence, BLEU-4', () => {
    const { bleu } = evaluateTranslations(['the cat sat on the mat'], ['the cat sat on a mat']);
    expect(bleu).toBeCloseTo(0.537284965911771, 12); // (5/6 · 3/5 · 2/4 · 1/3)^¼
  });

  it('takes several references per sentence', () => {
    const scores = evaluateTranslations([['Va !', 'Marche.']], ['marche .'], {
      bleu: { weights: [0.5, 0.5] },
    });
    expect(scores).toMatchObject({ bleu: 1, exactMatch: 1, tokenAccuracy: 1, referenceTokens: 2 });
    // token accuracy uses the reference matching most positions; a short hypothesis misses the rest
    const partial = evaluateTranslations([['a b c d', 'x b c']], ['x b'], { bleu: { weights: [1] } });
    expect(partial.tokenAccuracy).toBeCloseTo(2 / 3, 12);
    expect(partial.exactMatch).toBe(0);
  });

  it('scores characters at char level, texts as given without standardisation', () => {
    const scores = evaluateTranslations(['abc'], ['abd'], {
      level: 'char',
      standardize: false,
      bleu: { weights: [1] },
    });
    expect(scores.bleu).toBeCloseTo(2 / 3, 12);
    expect(scores.tokenAccuracy).toBeCloseTo(2 / 3, 12);
    expect(scores.referenceTokens).toBe(3);
  });

  it('fails with typed errors', () => {
    const invalidOption = (options: object) =>
      expectErrorCode(
        () => evaluateTranslations(['a'], ['a'], options),
        Seq2SeqError,
        'SEQ2SEQ_INVALID_OPTION',
      );
    invalidOption({ levl: 'char' });
    invalidOption({ level: 'words' });
    invalidOption({ bleu: { weigths: [1] } });
    invalidOption({ bleu: 4 });
    invalidOption({ standardize: { lower: true } });
    const invalidInput = (references: unknown, hypotheses: unknown) =>
      expectErrorCode(
        () => evaluateTranslations(references as string[], hypotheses as string[]),
        Seq2SeqError,
        'SEQ2SEQ_INVALID_INPUT',
      );
    invalidInput([], []);
    invalidInput(['a', 'b'], ['a']);
    invalidInput(['a'], [1]);
    invalidInput([['a', 2]], ['a']);
    invalidInput(['42'], ['a']);
  });
});

describe('evaluateTranslator', () => {
  const dictionary: Record<string, string> = { 'Go.': 'va !', 'Hi.': 'salut !', 'Who?': 'que ?' };

  it('translates each distinct source once, in batches, and gathers its references', async () => {
    const calls: string[][] = [];
    const translate = async (sources: string[]) => {
      calls.push(sources);
      return sources.map((source) => dictionary[source] ?? '');
    };
    const held = [
      { source: 'Go.', target: 'Marche.' },
      { source: 'Hi.', target: 'Salut !' },
      { source: 'Go.', target: 'Va !' },
      { source: 'Who?', target: 'Qui ?' },
    ];
    const result = await evaluateTranslator(translate, held, { batchSize: 2, bleu: { weights: [1] } });
    expect(calls).toEqual([['Go.', 'Hi.'], ['Who?']]);
    expect(result.translations).toEqual([
      { source: 'Go.', references: ['Marche.', 'Va !'], translation: 'va !' },
      { source: 'Hi.', references: ['Salut !'], translation: 'salut !' },
      { source: 'Who?', references: ['Qui ?'], translation: 'que ?' },
    ]);
    // unigram precision 5/6 ('que' misses); hypothesis and closest reference lengths 2 + 2 + 2
    expect(result.bleu).toBeCloseTo(5 / 6, 12);
    expect(result).toMatchObject({ pairs: 4, sentences: 3, exactMatches: 2, tokenAccuracy: 5 / 6 });
    expect(result.exactMatch).toBeCloseTo(2 / 3, 12);
    const sync = await evaluateTranslator((sources) => sources.map((source) => dictionary[source]!), held, {
      bleu: { weights: [1] },
    });
    expect(sync.bleu).toBe(result.bleu);
  });

  it('fails with typed errors', async () => {
    const held = [{ source: 'Go.', target: 'Va !' }];
    await expectErrorCode(
      evaluateTranslator((s) => s, held, { batchSize: 0 }),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    await expectErrorCode(
      evaluateTranslator((s) => s, held, { batchsize: 2 } as object),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    await expectErrorCode(evaluateTranslator('x' as never, held), Seq2SeqError, 'SEQ2SEQ_INVALID_OPTION');
    await expectErrorCode(
      evaluateTranslator((s) => s, []),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    await expectErrorCode(
      evaluateTranslator((s) => s, [{ source: 'a' }] as never),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    await expectErrorCode(
      evaluateTranslator(() => [], held),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    await expectErrorCode(
      evaluateTranslator(async () => [3] as never, held),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
  });
});
