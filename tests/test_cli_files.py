"""The sktime-rnn command on real CSV files: each evaluates or ends in one line.

Every file is written to ``tmp_path`` as a spreadsheet or a database export
would write it: month starts, quarter ends, daily data with gaps, day-first
dates, semicolons with decimal commas, exogenous columns, a long-format panel.
"""

import json

import numpy as np
import pandas as pd
import pytest
from sktime.split import ExpandingWindowSplitter

import sktime_rnn.evaluation
from sktime_rnn import LSTMForecaster
from sktime_rnn.cli import ExitCode, build_parser, main
from sktime_rnn.cli.data import load_data
from sktime_rnn.evaluation import evaluate_by_horizon

NETWORK = {"hidden_size": 4, "max_epochs": 2, "window_length": 6}
TINY = [arg for key, v in NETWORK.items() for arg in ("--param", f"{key}={v}")]


def run(capsys, *args):
    code = main(["evaluate", *map(str, args), *TINY, "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err, message):
    assert code == ExitCode.BAD_INPUT == 2
    assert err.startswith("sktime-rnn: error: ") and err.count("\n") == 1, err
    assert message in err


def loaded(*args):
    return load_data(build_parser().parse_args(["evaluate", *map(str, args)]))


def seasonal(n, period, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 + t + 10 * np.sin(2 * np.pi * t / period) + rng.normal(0, 1, n)


def write(path, frame, **kwargs):
    frame.to_csv(path, index=False, **kwargs)
    return path


# ------------------------------------------------------------ calendar data
def test_month_start_dates_evaluate_with_the_seasonal_baseline(tmp_path, capsys):
    # month-start dates crashed sktime's seasonal naive forecast (MonthBegin)
    dates = pd.date_range("2016-01-01", periods=48, freq="MS").strftime("%Y-%m-%d")
    path = write(
        tmp_path / "sales.csv",
        pd.DataFrame({"month": dates, "units": seasonal(48, 12)}),
    )
    out = tmp_path / "report"
    code, printed, _ = run(
        capsys,
        "--data",
        path,
        "--time-col",
        "month",
        "--fh",
        3,
        "--step",
        6,
        "--out",
        out,
    )
    assert code == 0
    assert "sp=12" in printed
    table = pd.read_csv(out / "by_horizon.csv")
    seasonal_mase = table.query("forecaster == 'naive-seasonal' and metric == 'MASE'")
    assert len(seasonal_mase) == 3 and np.isfinite(seasonal_mase["value"]).all()
    data = loaded("--data", path, "--time-col", "month")
    assert isinstance(data.y.index, pd.PeriodIndex) and data.y.index.freqstr == "M"
    assert str(data.y.index[0]) == "2016-01"


def test_quarter_end_dates_become_quarters(tmp_path, capsys):
    dates = pd.date_range("2010-03-31", periods=40, freq="QE").strftime("%Y-%m-%d")
    path = write(
        tmp_path / "gdp.csv", pd.DataFrame({"quarter": dates, "gdp": seasonal(40, 4)})
    )
    data = loaded("--data", path, "--time-col", "quarter")
    assert data.y.index.freqstr == "Q-DEC" and data.season == 4
    code, printed, _ = run(capsys, "--data", path, "--time-col", "quarter", "--fh", 2)
    assert code == 0 and "sp=4" in printed


# ------------------------------------------------------------ gaps
@pytest.fixture
def daily_with_gaps(tmp_path):
    days = pd.date_range("2021-03-01", periods=70, freq="D")
    frame = pd.DataFrame({"day": days.strftime("%Y-%m-%d"), "visits": seasonal(70, 7)})
    frame.loc[20, "visits"] = np.nan  # an empty cell
    frame = frame.drop(index=[10, 11, 45])  # three missing rows
    return write(tmp_path / "visits.csv", frame), frame


def test_gaps_are_refused_with_their_list(daily_with_gaps, capsys):
    path, _ = daily_with_gaps
    code, _, err = run(capsys, "--data", path, "--time-col", "day", "--fh", 3)
    assert_one_line_error(
        code,
        err,
        "4 gap(s), time points without a row or with an empty cell: "
        "2021-03-11, 2021-03-12, 2021-03-21, 2021-04-15; fill them with "
        "--fill-gaps interpolate or --fill-gaps zero",
    )


def test_gaps_are_filled_and_counted(daily_with_gaps, capsys):
    path, frame = daily_with_gaps
    data = loaded("--data", path, "--time-col", "day", "--fill-gaps", "interpolate")
    assert len(data.y) == 70 and data.y.index.freqstr == "D"
    by_day = frame.set_index(pd.to_datetime(frame["day"]))["visits"]
    midpoint = (by_day["2021-03-10"] + by_day["2021-03-13"]) / 2
    assert data.y["2021-03-11":"2021-03-12"].mean() == pytest.approx(midpoint)
    zero = loaded("--data", path, "--time-col", "day", "--fill-gaps", "zero")
    assert zero.y["2021-03-21"] == 0 and zero.y["2021-04-15"] == 0
    code, printed, _ = run(
        capsys,
        "--data",
        path,
        "--time-col",
        "day",
        "--fill-gaps",
        "zero",
        "--fh",
        3,
        "--step",
        10,
    )
    assert code == 0
    assert "note: filled 4 gap(s) (zero)" in printed and "sp=7" in printed


# ------------------------------------------------------------ formats
@pytest.fixture
def day_first(tmp_path):
    days = pd.date_range("2022-01-01", periods=60, freq="D")
    frame = pd.DataFrame({"date": days.strftime("%d/%m/%Y"), "load": seasonal(60, 7)})
    return write(tmp_path / "load.csv", frame), days


def test_day_first_dates_need_dayfirst(day_first, capsys):
    path, days = day_first
    code, _, err = run(capsys, "--data", path, "--time-col", "date", "--fh", 3)
    assert_one_line_error(code, err, "or --dayfirst")
    for flags in (["--dayfirst"], ["--date-format", "%d/%m/%Y"]):
        data = loaded("--data", path, "--time-col", "date", *flags)
        assert (data.y.index == days).all()
    code, _, _ = run(
        capsys,
        "--data",
        path,
        "--time-col",
        "date",
        "--dayfirst",
        "--fh",
        3,
        "--step",
        10,
        "--baseline",
        "none",
    )
    assert code == 0


def test_semicolons_with_decimal_commas(tmp_path, capsys):
    days = pd.date_range("2022-01-01", periods=60, freq="D")
    values = np.round(seasonal(60, 7), 2)
    text = "Datum;Menge\n" + "".join(
        f"{day:%d.%m.%Y};" + f"{value:.2f}".replace(".", ",") + "\n"
        for day, value in zip(days, values, strict=True)
    )
    path = tmp_path / "menge.csv"
    path.write_text(text)
    assert path.read_text().splitlines()[1].count(";") == 1
    data = loaded("--data", path, "--time-col", "Datum", "--dayfirst")
    np.testing.assert_allclose(data.y.to_numpy(), values)
    code, printed, _ = run(
        capsys,
        "--data",
        path,
        "--time-col",
        "Datum",
        "--dayfirst",
        "--fh",
        3,
        "--step",
        10,
    )
    assert code == 0 and "menge.csv: 60 observations" in printed


# ------------------------------------------------------------ exogenous
def test_exogenous_columns_give_the_networks_the_future_values(tmp_path, capsys):
    rng = np.random.default_rng(1)
    price = rng.normal(10, 2, 48)
    frame = pd.DataFrame(
        {
            "month": pd.period_range("2018-01", periods=48, freq="M").astype(str),
            "price": price,
            "promo": rng.integers(0, 2, 48),
            "units": 200 - 5 * price + seasonal(48, 12),
        }
    )
    path = write(tmp_path / "units.csv", frame)
    out = tmp_path / "report"
    code, _, _ = run(
        capsys,
        "--data",
        path,
        "--time-col",
        "month",
        "--value-col",
        "units",
        "--x-cols",
        "price,promo",
        "--fh",
        3,
        "--step",
        6,
        "--baseline",
        "none",
        "--out",
        out,
    )
    assert code == 0
    data = loaded(
        "--data",
        path,
        "--time-col",
        "month",
        "--value-col",
        "units",
        "--x-cols",
        "price,promo",
    )
    assert data.X.columns.tolist() == ["price", "promo"]
    cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=32, step_length=6)
    network = LSTMForecaster(**NETWORK, sp=12, random_state=0)
    expected = evaluate_by_horizon({"lstm": network}, data.y, cv, X=data.X, sp=12)
    forecasts = pd.read_csv(out / "forecasts.csv")
    np.testing.assert_allclose(forecasts["y_pred"], expected.forecasts["y_pred"])
    without = evaluate_by_horizon({"lstm": network}, data.y, cv, sp=12)
    assert not np.allclose(forecasts["y_pred"], without.forecasts["y_pred"])


# ------------------------------------------------------------ panels
def long_panel(n_stores=4, length=36, seed=2):
    rng = np.random.default_rng(seed)
    rows = []
    for store in range(n_stores):
        for i, month in enumerate(pd.period_range("2019-01", periods=length, freq="M")):
            rows.append(
                {
                    "store": f"store{store}",
                    "month": f"{month}-01",
                    "price": rng.normal(5, 1),
                    "sales": 50 * (store + 1) + i + 8 * np.sin(i / 2) + rng.normal(),
                }
            )
    # rows come in any order, as from a database
    return pd.DataFrame(rows).sample(frac=1, random_state=0)


def test_long_format_panel_is_evaluated_per_series_and_pooled(tmp_path, capsys):
    path = write(tmp_path / "stores.csv", long_panel())
    out = tmp_path / "report"
    flags = [
        "--data",
        path,
        "--time-col",
        "month",
        "--id-col",
        "store",
        "--value-col",
        "sales",
        "--x-cols",
        "price",
    ]
    code, printed, _ = run(capsys, *flags, "--fh", 3, "--step", 6, "--out", out)
    assert code == 0
    assert "stores.csv: 4 series of 36 observations" in printed
    assert "pooled over 4 series" in printed and "MASE per series" in printed
    by_series = pd.read_csv(out / "by_series.csv")
    assert sorted(by_series["store"].unique()) == [f"store{i}" for i in range(4)]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_series"] == 4 and summary["levels"] == ["store"]
    data = loaded(*flags)
    assert data.y.index.names == ["store", "month"] and data.X.shape == (144, 1)
    cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=24, step_length=6)
    network = LSTMForecaster(**NETWORK, sp=12, random_state=0)
    expected = evaluate_by_horizon({"lstm": network}, data.y, cv, X=data.X, sp=12)
    pooled = pd.read_csv(out / "by_horizon.csv").query("forecaster == 'lstm'")
    np.testing.assert_allclose(pooled["value"], expected.by_horizon["value"])


def test_panel_series_of_different_lengths_are_refused(tmp_path, capsys):
    frame = long_panel()
    frame = frame.drop(frame.index[(frame["store"] == "store1")][:5])
    path = write(tmp_path / "ragged.csv", frame)
    code, _, err = run(
        capsys,
        "--data",
        path,
        "--time-col",
        "month",
        "--id-col",
        "store",
        "--value-col",
        "sales",
        "--fill-gaps",
        "none",
    )
    assert code == 2 and "sktime-rnn: error:" in err and err.count("\n") == 1


# ------------------------------------------------------------ failures
def test_a_failing_baseline_keeps_the_networks_results(tmp_path, capsys):
    # theta deseasonalises multiplicatively: it fails on negative values
    temperature = seasonal(48, 12) - 150
    frame = pd.DataFrame(
        {
            "month": pd.period_range("2015-01", periods=48, freq="M").astype(str),
            "temp": temperature,
        }
    )
    path = write(tmp_path / "temp.csv", frame)
    out = tmp_path / "report"
    code, printed, _ = run(
        capsys,
        "--data",
        path,
        "--time-col",
        "month",
        "--baseline",
        "theta,naive",
        "--fh",
        3,
        "--step",
        6,
        "--out",
        out,
    )
    assert code == ExitCode.FORECASTER_FAILED == 3
    table = pd.read_csv(out / "by_horizon.csv")
    assert set(table["forecaster"]) == {"lstm", "naive"}
    assert np.isfinite(table["value"]).all()
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary["failures"]) == ["theta"]
    assert summary["failures"]["theta"].startswith(
        "ValueError: Multiplicative seasonality is not appropriate"
    )
    overall = printed.split("Overall")[1]
    assert "theta" in overall and "ValueError: Multiplicative" in overall
    assert "Failed:\n  theta: ValueError" in printed


# ------------------------------------------------------------ bad input
def bad_files(tmp_path):
    months = pd.period_range("2015-01", periods=40, freq="M").astype(str)
    good = pd.DataFrame({"month": months, "v": seasonal(40, 12)})
    files = {}
    infinite = good.copy()
    infinite.loc[7, "v"] = np.inf
    files["inf"] = write(tmp_path / "inf.csv", infinite)
    repeated = good.copy()
    repeated.loc[5, "month"] = repeated.loc[4, "month"]
    files["repeated"] = write(tmp_path / "repeated.csv", repeated)
    text = good.astype({"v": object})
    text.loc[3, "v"] = "twelve"
    files["text"] = write(tmp_path / "text.csv", text)
    irregular = good.copy()
    irregular["month"] = pd.date_range("2020-01-01", periods=40, freq="D").strftime(
        "%Y-%m-%d"
    )
    irregular.loc[10:, "month"] = (
        pd.to_datetime(irregular.loc[10:, "month"]) + pd.Timedelta(hours=6)
    ).astype(str)
    files["irregular"] = write(tmp_path / "irregular.csv", irregular)
    files["good"] = write(tmp_path / "good.csv", good)
    (tmp_path / "a_file").write_text("not a folder")
    return files


BAD_INPUT = [
    (["--data", "airline", "--sp", "1000"], "--sp 1000 does not fit the first"),
    (
        ["--data", "{inf}", "--time-col", "month"],
        "has 1 infinite value(s), first on line 9",
    ),
    (
        ["--data", "{good}", "--time-col", "month", "--out", "{tmp}/a_file/report"],
        "is not a writable folder",
    ),
    (
        ["--data", "airline", "--param", "device=tpu9"],
        "device must be 'auto' or one of ['cpu'",
    ),
    (
        ["--data", "airline", "--param", "dropout=2"],
        "dropout must be a float in [0, 1)",
    ),
    (["--data", "{repeated}", "--time-col", "month"], "repeats the time"),
    (["--data", "{text}", "--time-col", "month"], "is not numeric: 'twelve' on line 5"),
    (["--data", "{irregular}", "--time-col", "month"], "is not regularly spaced"),
    (["--data", "{good}", "--x-cols", "price"], "--x-cols 'price' is not a column"),
    (["--data", "airline", "--id-col", "store"], "--id-col applies to CSV files"),
    (
        ["--data", "{good}", "--time-col", "month", "--date-format", "%d.%m.%Y"],
        "check --date-format",
    ),
]


@pytest.mark.parametrize("args, message", BAD_INPUT)
def test_bad_input_ends_before_anything_is_fitted(
    args, message, tmp_path, capsys, monkeypatch
):
    def never(*args, **kwargs):
        raise AssertionError("a forecaster was fitted before the input was checked")

    monkeypatch.setattr(sktime_rnn.evaluation, "evaluate_by_horizon", never)
    files = {**bad_files(tmp_path), "tmp": tmp_path}
    code, _, err = run(capsys, *(arg.format(**files) for arg in args))
    assert_one_line_error(code, err, message)


# ------------------------------------------------------------ season length
@pytest.fixture
def recorded(monkeypatch):
    """The forecasters the command evaluates, as it hands them over."""
    seen = {}
    real = sktime_rnn.evaluation.evaluate_by_horizon

    def record(forecasters, *args, **kwargs):
        seen.update(forecasters)
        seen["sp"] = kwargs["sp"]
        return real(forecasters, *args, **kwargs)

    monkeypatch.setattr(sktime_rnn.evaluation, "evaluate_by_horizon", record)
    return seen


@pytest.mark.parametrize(
    "flags, network_sp, scale_sp",
    [([], 4, 4), (["--sp", "2"], 2, 2), (["--param", "sp=3"], 3, 4)],
)
def test_the_season_length_reaches_the_network(
    flags, network_sp, scale_sp, tmp_path, capsys, recorded
):
    dates = pd.period_range("2010Q1", periods=40, freq="Q").astype(str)
    path = write(tmp_path / "q.csv", pd.DataFrame({"q": dates, "v": seasonal(40, 4)}))
    code, _, _ = run(
        capsys, "--data", path, "--time-col", "q", "--fh", 2, "--step", 6, *flags
    )
    assert code == 0
    assert recorded["lstm"].get_params()["sp"] == network_sp
    assert recorded["naive-seasonal"].get_params()["sp"] == scale_sp
    assert recorded["sp"] == scale_sp  # the MASE scale


def test_an_inferred_season_longer_than_the_first_window_falls_back_to_1(
    tmp_path, capsys, recorded
):
    weeks = pd.date_range("2023-01-01", periods=45, freq="W-SUN").strftime("%Y-%m-%d")
    path = write(
        tmp_path / "w.csv", pd.DataFrame({"week": weeks, "v": seasonal(45, 4)})
    )
    code, printed, _ = run(capsys, "--data", path, "--time-col", "week", "--fh", 2)
    assert code == 0
    assert "the season of 52 that the time index suggests does not fit" in printed
    assert recorded["sp"] == 1 and recorded["lstm"].get_params()["sp"] == 1
