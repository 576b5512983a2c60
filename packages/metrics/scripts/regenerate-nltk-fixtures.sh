#!/usr/bin/env bash
# Regenerates the NLTK parity fixtures (test/fixtures/nltk/*.json). Tests only read them,
# so neither Python nor NLTK is needed to run the tests.
#   needs: apt-get install -y python3-nltk   (Debian 12: NLTK 3.8)
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 scripts/make_nltk_fixtures.py
