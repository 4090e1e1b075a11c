"""all_estimators finds this package's estimators and filters them like sktime's."""

import pandas as pd
import pytest
from sktime.forecasting.base import BaseForecaster
from sktime.registry import all_estimators as sktime_all_estimators

import sktime_rnn
from sktime_rnn import all_estimators
from sktime_rnn.forecasting import BaseRecurrentForecaster

PUBLIC_FORECASTERS = sorted(
    name
    for name in sktime_rnn.__all__
    if isinstance(getattr(sktime_rnn, name), type)
    and issubclass(getattr(sktime_rnn, name), BaseForecaster)
)


def test_lists_every_public_forecaster_and_no_base_class():
    found = all_estimators()
    assert [name for name, _ in found] == PUBLIC_FORECASTERS
    classes = [cls for _, cls in found]
    assert BaseRecurrentForecaster not in classes
    assert all(cls is getattr(sktime_rnn, cls.__name__) for cls in classes)


def test_sktime_own_lookup_does_not_see_this_package():
    # the reason all_estimators exists here at all
    sktime_names = {name for name, _ in sktime_all_estimators("forecaster")}
    assert not sktime_names & set(PUBLIC_FORECASTERS)


@pytest.mark.parametrize(
    "estimator_types", ["forecaster", BaseForecaster, ["forecaster", "transformer"]]
)
def test_estimator_types_as_string_class_or_list(estimator_types):
    assert all_estimators(estimator_types, return_names=False) == all_estimators(
        return_names=False
    )


def test_other_scitypes_find_nothing():
    assert all_estimators("transformer") == []
    assert all_estimators("classifier", as_dataframe=True).empty


def test_unknown_scitype_is_refused_with_the_valid_names():
    with pytest.raises(ValueError, match="valid strings are .*'forecaster'"):
        all_estimators("forcaster")


def test_filter_tags_keep_only_matching_estimators():
    assert len(all_estimators(filter_tags={"capability:exogenous": True})) == len(
        PUBLIC_FORECASTERS
    )
    assert all_estimators(filter_tags={"capability:exogenous": False}) == []
    assert all_estimators(filter_tags="requires-fh-in-fit") == all_estimators()
    # a list of accepted values, as in sktime
    kept = all_estimators(filter_tags={"y_inner_mtype": ["pd.DataFrame", "np.ndarray"]})
    assert len(kept) == len(PUBLIC_FORECASTERS)


def test_exclude_estimators_by_name():
    names = [name for name, _ in all_estimators(exclude_estimators="GRUForecaster")]
    assert "GRUForecaster" not in names
    assert len(names) == len(PUBLIC_FORECASTERS) - 1


def test_dataframe_with_requested_tags():
    table = all_estimators(
        "forecaster",
        as_dataframe=True,
        return_tags=["capability:exogenous", "python_dependencies"],
    )
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == [
        "name",
        "object",
        "capability:exogenous",
        "python_dependencies",
    ]
    assert table["name"].tolist() == PUBLIC_FORECASTERS
    assert (table["python_dependencies"] == "torch").all()


def test_every_listed_estimator_constructs_from_its_test_params():
    for _, cls in all_estimators():
        for params in cls.get_test_params():
            assert cls(**params).get_params()["random_state"] == params["random_state"]
