"""The sktime-rnn command: the same numbers as the function, one-line errors."""

import importlib.metadata
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sktime.datasets import load_airline
from sktime.forecasting.naive import NaiveForecaster
from sktime.split import ExpandingWindowSplitter

from sktime_rnn import LSTMForecaster
from sktime_rnn.cli import ExitCode, build_parser, main
from sktime_rnn.evaluation import evaluate_by_horizon

TINY = ["window_length=12", "hidden_size=4", "max_epochs=2"]
AIRLINE = ["evaluate", "--data", "airline", "--fh", "12", "--initial", "96"]
AIRLINE += ["--step", "12", "--baseline", "naive-seasonal"]
AIRLINE += [arg for param in TINY for arg in ("--param", param)]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return out, main([*AIRLINE, "--out", str(out), "--quiet"])


def test_command_writes_the_functions_per_horizon_table(report):
    out, code = report
    assert code == 0
    table = pd.read_csv(out / "by_horizon.csv")
    y = load_airline()
    cv = ExpandingWindowSplitter(fh=range(1, 13), initial_window=96, step_length=12)
    expected = evaluate_by_horizon(
        {
            "lstm": LSTMForecaster(
                window_length=12, hidden_size=4, max_epochs=2, random_state=0
            ),
            "naive-seasonal": NaiveForecaster(strategy="last", sp=12),
        },
        y,
        cv,
        sp=12,
    ).by_horizon
    keys = ["forecaster", "horizon", "metric"]
    assert table[keys].to_numpy().tolist() == expected[keys].to_numpy().tolist()
    np.testing.assert_allclose(table["value"], expected["value"], rtol=1e-12)


def test_report_holds_csv_json_and_plots(report):
    out, _ = report
    names = {path.name for path in out.iterdir()}
    assert {"by_horizon.csv", "by_fold.csv", "forecasts.csv", "overall.csv"} <= names
    assert {"summary.json", "error_by_horizon.png", "forecasts_by_fold.png"} <= names
    summary = json.loads((out / "summary.json").read_text())
    assert summary["settings"]["sp"] == 12  # monthly index: seasonal period 12
    assert summary["n_folds"] == 4
    assert list(summary["by_horizon"]["lstm"]["MAE"]) == [str(h) for h in range(1, 13)]
    assert summary["overall"]["lstm"]["coverage_0.9"] is None  # NaN becomes null


def test_command_prints_the_table_and_a_progress_bar(capsys):
    args = ["evaluate", "--data", "airline", "--fh", "3", "--initial", "130"]
    args += ["--step", "6", "--baseline", "naive,drift"]
    args += [arg for param in TINY for arg in ("--param", param)]
    assert main(args) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("airline: 144 observations, 2 folds")
    header = next(line for line in lines if line.startswith("forecaster"))
    assert header.split()[1:] == ["lstm", "naive", "drift"] * 3
    assert "100%" in captured.err and "fold" in captured.err  # tqdm over folds


def test_command_reads_a_csv_with_a_time_column(tmp_path, capsys):
    y = load_airline()
    frame = pd.DataFrame(
        {"month": y.index.to_timestamp(), "passengers": y.to_numpy(), "x": 1.0}
    )
    frame.to_csv(tmp_path / "air.csv", index=False)
    args = ["evaluate", "--data", str(tmp_path / "air.csv"), "--time-col", "month"]
    args += ["--value-col", "passengers", "--model", "gru", "--fh", "2"]
    args += ["--initial", "136", "--step", "3", "--quiet", "--baseline", "none"]
    args += [arg for param in TINY for arg in ("--param", param)]
    assert main(args) == 0
    assert "sp=12" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--data", "no_such.csv"], "--data 'no_such.csv': no such file"),
        (["--data", "airline", "--value-col", "x"], "--value-col 'x' is not a column"),
        (["--data", "airline", "--model", "tcn"], "invalid choice: 'tcn'"),
        (["--data", "airline", "--fh", "60"], "--fh 60 is too long for the data"),
        (["--data", "airline", "--param", "units=3"], "no hyper-parameter 'units'"),
        (["--data", "airline", "--baseline", "prophet"], "--baseline 'prophet'"),
        (["--data", "airline", "--initial", "13"], "--initial 13 is too short"),
        (["--data", "nope"], "neither a CSV file nor an embedded data set"),
        (["--fh", "3"], "required: --data"),
    ],
)
def test_bad_input_ends_with_one_line(args, message, capsys):
    assert main(["evaluate", *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("sktime-rnn: error: ")
    assert message in err


def test_csv_errors_name_the_column(tmp_path, capsys):
    path = tmp_path / "data.csv"
    pd.DataFrame({"date": ["2020-01-01", "2020-02-01"], "v": [1.0, 2.0]}).to_csv(
        path, index=False
    )
    assert main(["evaluate", "--data", str(path), "--time-col", "day"]) == 2
    assert "--time-col 'day' is not a column of data.csv" in capsys.readouterr().err


def test_the_process_exits_2_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sktime_rnn.cli", "evaluate", "--data", "x.csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr == "sktime-rnn: error: --data 'x.csv': no such file\n"


def test_help_documents_every_flag():
    text = build_parser()._subparsers._group_actions[0].choices["evaluate"]
    help_text = text.format_help()
    for flag in [
        "--data",
        "--time-col",
        "--value-col",
        "--model",
        "--param",
        "--fh",
        "--cv",
        "--initial",
        "--step",
        "--strategy",
        "--baseline",
        "--sp",
        "--out",
        "--backend",
        "--n-jobs",
        "--x-cols",
        "--id-col",
        "--date-format",
        "--dayfirst",
        "--fill-gaps",
        "--sep",
        "--decimal",
    ]:
        assert flag in help_text
    assert "naive-seasonal" in help_text and "airline" in help_text
    codes = help_text.split("exit codes:")[1]
    for code in ExitCode:
        assert f"\n  {int(code)} " in codes, code


def test_console_script_is_declared():
    scripts = importlib.metadata.entry_points(group="console_scripts")
    assert scripts["sktime-rnn"].value == "sktime_rnn.cli:main"
