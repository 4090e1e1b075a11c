"""A cell installed by another package, only through its entry point, works by name.

The test package in ``tests/plugin_package`` declares the cell ``"leaky_tanh"``
in the entry-point group ``"sktime_rnn.cells"``. It is pip-installed into a
temporary directory and used from a fresh interpreter that has that directory
on its path: the registry loads plugins once per process, and this process must
stay without the plugin.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sktime.datasets import load_airline

from sktime_rnn import LSTMForecaster, RecurrentForecaster
from sktime_rnn.networks.cells import ENTRY_POINT_GROUP, available_cells

PLUGIN_SOURCE = Path(__file__).parent / "plugin_package"

USE_PLUGIN = textwrap.dedent(
    """
    import json
    import warnings

    import numpy as np
    from sktime.datasets import load_airline

    from sktime_rnn import LSTMForecaster, RecurrentForecaster
    from sktime_rnn.networks.cells import available_cells
    from sktime_rnn_leaky import LeakyTanh

    warnings.simplefilter("ignore")
    y = load_airline()
    report = {"cells": available_cells()}
    for bidirectional in (False, True):
        forecaster = RecurrentForecaster(
            cell="leaky_tanh",
            bidirectional=bidirectional,
            window_length=12,
            hidden_size=4,
            max_epochs=10,
            random_state=0,
        ).fit(y, fh=[1, 2, 3])
        forecast = forecaster.predict()
        report[f"bidirectional={bidirectional}"] = {
            "n_forecasts": int(forecast.notna().sum()),
            "finite": bool(np.isfinite(forecast).all()),
            "uses_plugin_layer": any(
                isinstance(module, LeakyTanh)
                for module in forecaster.network_.modules()
            ),
            # trains: finite, non-zero gradients reach it and the loss falls
            "loss_fell": min(forecaster.history_.epoch_losses)
            < forecaster.history_.epoch_losses[0]
            and all(0 < g < float("inf") for g in forecaster.history_.grad_norms),
        }
    try:
        LSTMForecaster(cell="leaky_tanh", max_epochs=1).fit(y, fh=[1])
    except ValueError as error:
        report["lstm_forecaster_error"] = str(error)
    print(json.dumps(report))
    """
)


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory):
    """Directory into which pip installed the plugin package (and nothing else)."""
    tmp = tmp_path_factory.mktemp("plugin")
    source = shutil.copytree(PLUGIN_SOURCE, tmp / "source")  # builds leave files
    site = tmp / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
        + ["--target", str(site), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return site


def _python_with(site, code):
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_plugin_is_installed_as_a_distribution_with_an_entry_point(plugin_site):
    code = (
        "from importlib.metadata import entry_points; "
        f"print([ep.value for ep in entry_points(group={ENTRY_POINT_GROUP!r})])"
    )
    result = _python_with(plugin_site, code)
    assert result.returncode == 0, result.stderr
    assert "sktime_rnn_leaky:LEAKY_TANH" in result.stdout


@pytest.mark.slow
def test_plugin_cell_is_usable_by_name_in_every_forecaster(plugin_site):
    result = _python_with(plugin_site, USE_PLUGIN)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert "leaky_tanh" in report["cells"]
    assert {"lstm", "gru", "rnn_tanh"} <= set(report["cells"])  # built-ins kept
    for bidirectional in (False, True):
        run = report[f"bidirectional={bidirectional}"]
        assert run == {
            "n_forecasts": 3,
            "finite": True,
            "uses_plugin_layer": True,
            "loss_fell": True,
        }
    # the named subclasses keep their own cells and say where plugins go
    assert "RecurrentForecaster" in report["lstm_forecaster_error"]


def test_without_the_plugin_the_cell_is_unknown():
    assert "leaky_tanh" not in available_cells()
    y = load_airline()
    with pytest.raises(ValueError, match="cell must be one of .*got 'leaky_tanh'"):
        RecurrentForecaster(cell="leaky_tanh", max_epochs=1).fit(y, fh=[1])
    with pytest.raises(ValueError, match="RecurrentForecaster"):
        LSTMForecaster(cell="leaky_tanh", max_epochs=1).fit(y, fh=[1])
