"""Every example runs, in fast mode, and prints what it promises."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_in_fast_mode(script, tmp_path):
    env = {**os.environ, "SKTIME_RNN_FAST": "1", "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert result.stdout.strip(), "the example printed nothing"


def test_quickstart_prints_forecast_and_errors():
    script = Path(__file__).parents[1] / "examples" / "quickstart.py"
    env = {**os.environ, "SKTIME_RNN_FAST": "1"}
    out = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True
    ).stdout
    assert "1960-12" in out
    assert "MAE LSTM" in out and "MAE seasonal naive" in out
