#!/usr/bin/env bash
# Legion as in production, on this machine: `legion serve` (granian, DEBUG off, static
# files through whitenoise) and `legion worker` (tasks: e-mails, retention); Ctrl-C
# stops both. PORT (default 8000) picks another port; LEGION_WEB_WORKERS and
# LEGION_WEB_THREADS size the server (README, "Running in production").
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8000}"
.venv/bin/legion worker &
worker=$!
trap 'kill $worker 2>/dev/null' EXIT
echo
echo "Applicants: http://127.0.0.1:${port}/    Staff: http://127.0.0.1:${port}/staff/ (demo logins above)"
echo
PORT="$port" .venv/bin/legion serve
