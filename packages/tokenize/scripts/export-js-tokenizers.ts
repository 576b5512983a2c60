// Fits our Tokenizer on every Keras fixture case and writes its JSON, so that
// make_keras_fixtures.py check-js can load it with Keras' tokenizer_from_json.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLikeKerasFixture, type KerasFixture } from '../test/keras-fixture.js';

const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures');
for (const file of readdirSync(join(fixtures, 'keras')).sort()) {
  const fixture = JSON.parse(readFileSync(join(fixtures, 'keras', file), 'utf8')) as KerasFixture;
  const tokenizer = fitLikeKerasFixture(fixture);
  const exported = {
    name: fixture.name,
    json: tokenizer.toJSON(),
    probe_texts: fixture.probe_texts,
    probe_sequences: fixture.probe_sequences,
  };
  writeFileSync(join(fixtures, 'js-export', file), `${JSON.stringify(exported, null, 1)}\n`);
  console.log(`wrote test/fixtures/js-export/${file}`);
}
