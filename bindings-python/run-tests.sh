#!/usr/bin/env bash
# Builds the aybiza_analytics wheel (abi3, debug profile unless --release is passed)
# checks its type stubs with mypy's stubtest, and runs the pytest suite against it,
# in a virtualenv under the workspace's target/.
#
#   bash bindings-python/run-tests.sh            # debug build, fast to compile
#   bash bindings-python/run-tests.sh --release  # optimised build
#
# Environment: PYTHON (default python3, >= 3.10) creates the virtualenv;
# AYBIZA_PY_VENV overrides its location (default target/py-venv).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${AYBIZA_PY_VENV:-$root/target/py-venv}"
wheels="$root/target/wheels"

if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'maturin>=1.9.4,<2' 'pytest>=8,<10' 'mypy>=1.10,<2' 'pandas>=2,<3' 'pyarrow>=15'

rm -f "$wheels"/aybiza_analytics-*.whl
(cd "$here" && "$venv/bin/maturin" build --out "$wheels" "$@")
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheels"/aybiza_analytics-*.whl

cd "$here"
# The stubs in python/aybiza_analytics/__init__.pyi must match the built module.
"$venv/bin/python" -m mypy.stubtest aybiza_analytics
"$venv/bin/python" -m pytest -q tests
