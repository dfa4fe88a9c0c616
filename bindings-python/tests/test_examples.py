"""The Python examples in examples/ print what their expected.txt holds, as the Rust
(examples/tests/outputs.rs) and Node (bindings-node/__test__/examples.test.js) versions do."""

import subprocess
import sys

import pytest

from conftest import REPO_ROOT

EXAMPLES = sorted(path.parent.name for path in (REPO_ROOT / "examples").glob("*/expected.txt"))


def test_the_examples_are_found():
    assert EXAMPLES == ["call_outcomes", "forecast_staffing", "journeys", "live_call", "store_insights"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_prints_what_rust_and_node_print(name):
    folder = REPO_ROOT / "examples" / name
    run = subprocess.run([sys.executable, str(folder / f"{name}.py")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout == (folder / "expected.txt").read_text(encoding="utf-8")
