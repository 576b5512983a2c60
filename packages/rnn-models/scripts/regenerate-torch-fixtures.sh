#!/usr/bin/env bash
# Regenerates the PyTorch parity fixtures in test/fixtures/torch/ (see make_torch_fixtures.py).
# Tests only read the results, so neither Python nor PyTorch is needed to run them.
#   needs: apt-get install -y python3-torch libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 scripts/make_torch_fixtures.py
