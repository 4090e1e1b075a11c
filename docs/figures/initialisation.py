"""Gradient flow of an Elman network under the three initialisations."""

from sktime_rnn import RNNForecaster
from sktime_rnn.datasets import make_long_memory
from sktime_rnn.plotting import plot_gradient_flow

y, X = make_long_memory(600, lag=30, random_state=0)
common = dict(
    window_length=40, window_norm=None, hidden_size=16, max_epochs=3, random_state=0
)
fitted = {
    f'init="{init}"': RNNForecaster(init=init, **common).fit(y, X=X, fh=[1])
    for init in ("orthogonal", "xavier", "default")
}
ax = plot_gradient_flow(fitted)
ax.figure.set_size_inches(7, 4)
