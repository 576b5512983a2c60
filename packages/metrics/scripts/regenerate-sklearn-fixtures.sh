#!/usr/bin/env bash
# Regenerates the scikit-learn parity fixtures (test/fixtures/sklearn/*.json). Tests only read
# the JSON, so neither Python nor scikit-learn is needed to run them.
#   needs: apt-get install -y python3-sklearn   (fixtures written with scikit-learn 1.2.1)
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 scripts/make_sklearn_fixtures.py
