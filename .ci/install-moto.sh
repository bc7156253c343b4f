#!/usr/bin/env bash
# Installs what the live-collection tests need into a project-local virtualenv
# (.venv/): the AWS emulator (moto server) and botocore, whose service models
# (botocore/data/<service>/<version>/service-2.json) are the reference the recorded
# responses in tests/corpus/ are validated against. Both pinned. Idempotent: a
# second run only checks the installed versions.
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_VERSION="5.2.5"
BOTOCORE_VERSION="1.44.5"
PYTHON="${PYTHON:-python3}"
installed() {
  [ -x .venv/bin/moto_server ] && .venv/bin/python - <<PY 2>/dev/null
import sys, moto, botocore
sys.exit(0 if (moto.__version__, botocore.__version__) == ("${MOTO_VERSION}", "${BOTOCORE_VERSION}") else 1)
PY
}
if installed; then
  echo "moto ${MOTO_VERSION} and botocore ${BOTOCORE_VERSION} already installed in .venv/"
  exit 0
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  "moto[server]==${MOTO_VERSION}" "botocore==${BOTOCORE_VERSION}" "boto3==${BOTOCORE_VERSION}"
.venv/bin/moto_server --help >/dev/null
installed
echo "moto ${MOTO_VERSION} and botocore ${BOTOCORE_VERSION} installed in .venv/"
