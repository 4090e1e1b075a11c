"""sktime's own conformance suite on every forecaster and every test parameter set."""

from sktime.utils.estimator_checks import check_estimator, parametrize_with_checks

from sktime_rnn.forecasting import (
    GRUForecaster,
    LSTMForecaster,
    RecurrentForecaster,
    RNNForecaster,
)

ESTIMATORS = [LSTMForecaster, GRUForecaster, RNNForecaster, RecurrentForecaster]


@parametrize_with_checks(ESTIMATORS, obj_varname="estimator")
def test_sktime_api(estimator, test_name):
    check_estimator(
        estimator, tests_to_run=test_name, raise_exceptions=True, verbose=False
    )
