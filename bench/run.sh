#!/usr/bin/env bash
# The benchmark, in one command: bench/run.sh [--quick] [--other NAME] ... (see bench/run.py --help).
# Uses the project's .venv (made and filled with `pip install ".[test]"` if missing); installs
# wrk and Java (Debian), Prism, WireMock and Mockoon (npm, bench/.node) and py-spy (PyPI,
# bench/.pylib) itself if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c "import connexion, uvicorn, ruamel.yaml" 2>/dev/null; then
  .venv/bin/pip install --quiet ".[test]"
fi
exec .venv/bin/python bench/run.py "$@"
