#!/usr/bin/env bash
# Installs the AWS emulator used by the live-collection tests into a project-local
# virtualenv (.venv/). Idempotent: a second run only checks the installed version.
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_VERSION="5.2.5"
PYTHON="${PYTHON:-python3}"
if [ -x .venv/bin/moto_server ] && .venv/bin/python -c "import moto, sys; sys.exit(0 if moto.__version__ == '${MOTO_VERSION}' else 1)" 2>/dev/null; then
  echo "moto ${MOTO_VERSION} already installed in .venv/"
  exit 0
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}"
.venv/bin/moto_server --help >/dev/null
echo "moto ${MOTO_VERSION} installed in .venv/"
