#!/usr/bin/env bash
# The development server and the task worker together; Ctrl-C stops both.
# PORT (default 8000) picks another port when 8000 is taken.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/legion worker --interval 1 &
worker=$!
trap 'kill $worker 2>/dev/null' EXIT
.venv/bin/legion runserver "127.0.0.1:${PORT:-8000}"
