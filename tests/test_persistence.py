"""sktime_rnn.save/load: exact round trips, checked metadata, optional signatures."""

import json
import pathlib
import resource

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors import safe_open
from safetensors.torch import load_file
from safetensors.torch import save as to_bytes
from sktime.forecasting.base import ForecastingHorizon

from sktime_rnn import GRUForecaster, LSTMForecaster, load, save
from sktime_rnn._signed_file import checksum as _checksum
from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.persistence import PersistenceError

pytestmark = pytest.mark.usefixtures("quiet")

TINY = {"window_length": 4, "hidden_size": 3, "max_epochs": 1, "random_state": 0}
FIXTURES = pathlib.Path(__file__).parent / "fixtures"
# Forecasts of a file written by another install (the fixtures were written by
# torch 2.13 and pandas 3.0) agree to a relative 1e-6, not bit for bit: the
# networks compute in float32 (machine epsilon 1.2e-7), and torch releases (and
# CPU instruction sets) may order a kernel's sums differently, which moves the
# last bits of a few operations (torch 2.14.1 moved the GRU fixture's first
# forecast by 5e-10 relative). A file read wrongly (a weight, a scaling, a
# context row out of place) moves forecasts by orders of magnitude more. Within
# one install, save -> load is exact, and the round-trip tests above say so.
ACROSS_RELEASES = 1e-6


def _series(index):
    return pd.Series(np.sin(np.arange(len(index)) / 2) + 3, index=index, name="v")


INDICES = {
    "range": pd.RangeIndex(30),
    "int": pd.Index(np.arange(100, 130), dtype="int64"),
    "period-M": pd.period_range("2000-01", periods=30, freq="M"),
    "period-Q": pd.period_range("2000Q1", periods=30, freq="Q"),
    "period-Y": pd.period_range("1990", periods=30, freq="Y"),
    "datetime-D": pd.date_range("2020-01-01", periods=30, freq="D"),
    "datetime-MS": pd.date_range("2020-01-01", periods=30, freq="MS"),
    "datetime-h": pd.date_range("2020-01-01", periods=30, freq="h"),
    # a daily series across a daylight-saving change (Berlin, 2024-03-31)
    "datetime-tz": pd.date_range(
        "2024-03-20", periods=30, freq="D", tz="Europe/Berlin"
    ),
}


@pytest.mark.parametrize("kind", list(INDICES))
@pytest.mark.parametrize("absolute", [False, True])
def test_round_trip_is_exact_for_every_index_and_fh(kind, absolute, tmp_path):
    y = _series(INDICES[kind])
    fh = ForecastingHorizon([1, 2, 3])
    if absolute:
        fh = fh.to_absolute(y.index[-1:])
    forecaster = LSTMForecaster(**TINY).fit(y, fh=fh)
    loaded = load(save(forecaster, tmp_path / "f.safetensors"))
    expected = forecaster.predict()
    pd.testing.assert_series_equal(loaded.predict(), expected)
    assert loaded.cutoff.equals(forecaster.cutoff)
    assert list(loaded.fh) == list(forecaster.fh)
    if kind == "datetime-tz":
        assert str(expected.index.tz) == "Europe/Berlin"


def test_round_trip_after_update_keeps_the_moved_context(tmp_path):
    y = _series(pd.period_range("2000-01", periods=40, freq="M"))
    forecaster = GRUForecaster(**TINY).fit(y[:30], fh=[1, 2]).update(y[30:35])
    loaded = load(save(forecaster, tmp_path / "f.safetensors"))
    pd.testing.assert_series_equal(loaded.predict(), forecaster.predict())
    loaded.update(y[35:], update_params=False)
    forecaster.update(y[35:], update_params=False)
    pd.testing.assert_series_equal(loaded.predict(), forecaster.predict())


def test_numpy_scalars_and_paths_as_hyper_parameters_are_saved(tmp_path):
    y = _series(pd.RangeIndex(30))
    forecaster = LSTMForecaster(
        window_length=np.int64(4),
        hidden_size=np.uint8(3),
        lr=np.float32(0.01),
        strategy=np.str_("direct"),
        bidirectional=np.bool_(False),
        max_epochs=1,
        checkpoint_dir=tmp_path / "checkpoints",
        random_state=np.int32(0),
    ).fit(y, fh=[1])
    loaded = load(save(forecaster, tmp_path / "f.safetensors"))
    pd.testing.assert_series_equal(loaded.predict(), forecaster.predict())
    assert loaded.get_params()["hidden_size"] == 3
    assert loaded.get_params()["checkpoint_dir"] == str(tmp_path / "checkpoints")


@pytest.mark.parametrize(
    "name, kind",
    [
        ("lstm_airline", LSTMForecaster),
        ("gru_panel_exog", GRUForecaster),
        ("lstm_stateful", LSTMForecaster),
    ],
)
def test_files_of_format_version_1_still_load_and_predict_the_same(name, kind):
    expected = json.loads((FIXTURES / "v1_predictions.json").read_text())
    stem = {
        "lstm_airline": "v1_lstm_airline",
        "gru_panel_exog": "v1_gru_panel_exog",
        "lstm_stateful": "v1_lstm_stateful",
    }[name]
    loaded = load(FIXTURES / f"{stem}.safetensors")
    assert isinstance(loaded, kind)
    X = None
    if name == "gru_panel_exog":
        index = pd.MultiIndex.from_product(
            [["a", "b"], pd.period_range("2002-07", periods=2, freq="M")],
            names=["id", "time"],
        )
        X = pd.DataFrame({"x": expected["future_x"]}, index=index)
    forecast = loaded.predict(X=X)
    values = forecast.to_numpy().ravel()
    np.testing.assert_allclose(values, expected[name], rtol=ACROSS_RELEASES, atol=0)


def test_files_of_format_version_2_still_load_and_predict_the_same():
    # written by the code before the fit plan and the model kinds (d7bf0f8):
    # a hybrid with conformal intervals, a plain normal ensemble on a panel with X
    expected = json.loads((FIXTURES / "v2_predictions.json").read_text())
    hybrid = load(FIXTURES / "v2_lstm_hybrid.safetensors")
    assert hybrid.fitted_state_.base == "theta+damped"
    np.testing.assert_allclose(
        hybrid.predict(), expected["lstm_hybrid"], rtol=ACROSS_RELEASES
    )
    np.testing.assert_allclose(
        hybrid.predict_interval(coverage=0.8).to_numpy().ravel(),
        expected["lstm_hybrid_interval"],
        rtol=ACROSS_RELEASES,
    )
    plain = load(FIXTURES / "v2_gru_panel_normal.safetensors")
    index = pd.MultiIndex.from_product(
        [["a", "b"], pd.period_range("2003-05", periods=2, freq="M")],
        names=["id", "time"],
    )
    X = pd.DataFrame({"x": expected["future_x"]}, index=index)
    np.testing.assert_allclose(
        plain.predict(X=X).to_numpy().ravel(),
        expected["gru_panel_normal"],
        rtol=ACROSS_RELEASES,
    )
    np.testing.assert_allclose(
        plain.predict_var(X=X).to_numpy().ravel(),
        expected["gru_panel_normal_var"],
        rtol=ACROSS_RELEASES,
    )


def test_an_unknown_format_version_is_refused_with_the_versions_it_reads(tmp_path):
    path = _saved(tmp_path)
    _rewrite(path, lambda document: {**document, "format_version": 99})
    with pytest.raises(PersistenceError, match=r"format version 99.*reads versions"):
        load(path)


# ------------------------------------------------------------- signatures
def _saved(tmp_path, **kwargs):
    y = _series(pd.RangeIndex(30))
    forecaster = LSTMForecaster(**TINY).fit(y, fh=[1, 2])
    return save(forecaster, tmp_path / "f.safetensors", **kwargs)


def test_a_signed_file_loads_with_its_key_and_is_refused_with_another(tmp_path):
    path = _saved(tmp_path, key=b"right")
    assert load(path, key=b"right").is_fitted
    assert load(path).is_fitted  # without a key, the checksum is still checked
    with pytest.raises(PersistenceError, match="not signed with this key"):
        load(path, key=b"wrong")


def test_an_unsigned_file_is_refused_when_a_key_is_given(tmp_path):
    path = _saved(tmp_path)
    with pytest.raises(PersistenceError, match="is not signed"):
        load(path, key="secret")


def test_a_signed_file_edited_with_a_recomputed_checksum_is_refused(tmp_path):
    path = _saved(tmp_path, key=b"secret")
    _rewrite(path, lambda document: document, keep_signature=True)
    assert load(path, key=b"secret").is_fitted  # unchanged content still loads
    _rewrite(path, lambda d: _with_param(d, "n_samples", 7), keep_signature=True)
    with pytest.raises(PersistenceError, match="not signed with this key"):
        load(path, key=b"secret")


# ---------------------------------------------------- crafted, edited files
def _rewrite(path, edit, keep_signature=False):
    """Edit a saved file's JSON document and recompute its checksum."""
    with safe_open(path, "pt") as handle:
        metadata = dict(handle.metadata())
    tensors = load_file(path)
    document = edit(json.loads(metadata["sktime_rnn"]))
    text = json.dumps(document, sort_keys=True)
    metadata["sktime_rnn"] = text
    metadata["sha256"] = _checksum(tensors, text)
    if not keep_signature:
        metadata.pop("hmac-sha256", None)
    path.write_bytes(to_bytes(tensors, metadata=metadata))


def _with_param(document, name, value):
    return {**document, "params": {**document["params"], name: value}}


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: _with_param(_with_param(d, "hidden_size", 2048), "num_layers", 2),
        lambda d: {**d, "state": {**d["state"], "n_steps": 58368}},
    ],
    ids=["hidden_size=2048, num_layers=2", "n_steps=58368"],
)
def test_a_file_describing_a_huge_network_is_refused_before_allocating_it(
    edit, tmp_path
):
    # the weights of such a network would take gigabytes; the file holds tiny
    # ones: the shapes are compared before anything is allocated
    path = _saved(tmp_path)
    _rewrite(path, edit)
    before = _peak_rss_mib()
    with pytest.raises(PersistenceError, match="do not fit|n_steps"):
        load(path)
    assert _peak_rss_mib() - before < 200  # the 67 million weights: 268 MiB


@pytest.mark.parametrize(
    "name, value",
    [
        ("strategy", "psychic"),
        ("n_samples", -3),
        ("num_threads", 10**6),
        ("hidden_size", 7),  # valid, but the weights do not fit it
        ("device", "tpu9"),
    ],
)
def test_a_crafted_hyper_parameter_is_refused_with_its_name(name, value, tmp_path):
    path = _saved(tmp_path)
    _rewrite(path, lambda document: _with_param(document, name, value))
    with pytest.raises(
        PersistenceError, match=name if name != "hidden_size" else "weights"
    ):
        load(path)


def test_a_file_with_extra_or_missing_hyper_parameters_is_refused(tmp_path):
    path = _saved(tmp_path)
    _rewrite(path, lambda document: _with_param(document, "evil", 1))
    with pytest.raises(PersistenceError, match="exactly those of LSTMForecaster"):
        load(path)


def test_saving_onto_a_directory_is_refused_and_leaves_nothing_behind(tmp_path):
    forecaster = LSTMForecaster(**TINY).fit(_series(pd.RangeIndex(30)), fh=[1])
    target = tmp_path / "a_directory"
    target.mkdir()
    with pytest.raises(PersistenceError, match="is a directory"):
        save(forecaster, target)
    assert list(tmp_path.iterdir()) == [target]
    assert list(target.iterdir()) == []


def test_saving_something_else_is_refused_with_what_to_do_instead(tmp_path):
    from sktime.forecasting.naive import NaiveForecaster

    naive = NaiveForecaster().fit(_series(pd.RangeIndex(30)))
    with pytest.raises(PersistenceError, match="use its save"):
        save(naive, tmp_path / "f.safetensors")


# ------------------------------------------- any edit: loads or is refused
def _mutations():
    """Edits of one value somewhere in the saved document."""
    values = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=5),
        st.lists(st.integers(-3, 3), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
    return st.tuples(st.integers(0, 10**6), values)


def _paths(node, prefix=()):
    """Every (path, value) in a JSON document, containers included."""
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from _paths(value, (*prefix, position))


def _set(document, path, value):
    if not path:
        return value
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return document


@pytest.fixture(scope="module")
def saved_document(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("mutations")
    y = _series(pd.period_range("2000-01", periods=30, freq="M"))
    X = pd.DataFrame({"x": np.cos(np.arange(30))}, index=y.index)
    forecaster = LSTMForecaster(**TINY, loss="normal").fit(y[:28], X=X[:28], fh=[1, 2])
    path = save(forecaster, tmp_path / "f.safetensors")
    with safe_open(path, "pt") as handle:
        metadata = handle.metadata()
    return path.read_bytes(), json.loads(metadata["sktime_rnn"]), X


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutation=_mutations())
def test_an_edited_file_loads_a_valid_forecaster_or_is_refused(
    saved_document, mutation, tmp_path
):
    data, document, X = saved_document
    paths = list(_paths(document))
    where, value = mutation
    path, _ = paths[where % len(paths)]
    edited = _set(json.loads(json.dumps(document)), path, value)
    file = tmp_path / "edited.safetensors"
    file.write_bytes(data)
    _rewrite(file, lambda _: edited)
    try:
        loaded = load(file)
    except PersistenceError:
        return
    try:  # what loads is a forecaster that forecasts, or refuses this X clearly
        forecast = loaded.predict(X=X)
    except InvalidDataError:
        return
    assert np.isfinite(forecast.to_numpy()).all()
