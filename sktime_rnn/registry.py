"""What this package offers, by lookup: its estimators and its recurrent cells.

:func:`all_estimators` lists the estimators of sktime-rnn the way sktime's
``sktime.registry.all_estimators`` lists sktime's own (which does not see
third-party packages), through scikit-base's lookup over the public modules of
this package. The cell registry lives in :mod:`sktime_rnn.networks.cells` and
is re-exported here: cells registered with :func:`register_cell` or installed
through the entry-point group ``"sktime_rnn.cells"`` work with every
forecaster by name.
"""

from __future__ import annotations

__all__ = [
    "ENTRY_POINT_GROUP",
    "CellSpec",
    "all_estimators",
    "available_cells",
    "get_cell",
    "register_cell",
]

from inspect import isclass

from skbase.base import BaseObject
from skbase.lookup import all_objects
from sktime.registry import get_obj_scitype_list

from sktime_rnn.networks.cells import (
    ENTRY_POINT_GROUP,
    CellSpec,
    available_cells,
    get_cell,
    register_cell,
)

# modules whose import has side effects or optional dependencies and that
# define no estimators; the lookup must not import them
_MODULES_TO_IGNORE = ("cli", "tests")


def _object_types(estimator_types) -> list[str]:
    """Coerce scitype strings or estimator classes to a list of scitype strings."""
    if not isinstance(estimator_types, list | tuple):
        estimator_types = [estimator_types]
    valid = get_obj_scitype_list()
    coerced = []
    for estimator_type in estimator_types:
        if isclass(estimator_type) and issubclass(estimator_type, BaseObject):
            estimator_type = estimator_type.get_class_tag("object_type")
        if not isinstance(estimator_type, str) or estimator_type not in valid:
            raise ValueError(
                "estimator_types must be a scitype string such as 'forecaster', an "
                f"estimator class, or a list of these; valid strings are {valid}, "
                f"got {estimator_type!r}"
            )
        coerced.append(estimator_type)
    return coerced


def all_estimators(
    estimator_types=None,
    filter_tags=None,
    exclude_estimators=None,
    return_names=True,
    as_dataframe=False,
    return_tags=None,
):
    """List the estimators of sktime-rnn, with sktime's filters.

    Same arguments and return values as ``sktime.registry.all_estimators``,
    restricted to this package. Base classes are not listed.

    Parameters
    ----------
    estimator_types : str, class, list of these, or None, default=None
        Only estimators of these scitypes, e.g. ``"forecaster"``, or of the
        scitype of these classes (``BaseForecaster``). None: all.
    filter_tags : dict of str to value, str, or None, default=None
        Only estimators whose tags match: a tag name alone must be True; a
        value must be equal; a list of values must contain the tag's value.
    exclude_estimators : str, list of str, or None, default=None
        Class names to leave out.
    return_names : bool, default=True
        Return ``(name, class)`` pairs rather than classes alone.
    as_dataframe : bool, default=False
        Return a ``pandas.DataFrame`` with columns "name" and "object"
        (and one per tag in ``return_tags``).
    return_tags : str, list of str, or None, default=None
        Tag values to return with each estimator.

    Returns
    -------
    list of classes, list of tuples, or pandas.DataFrame
        The matching estimators, in alphabetical order of class name.

    See Also
    --------
    available_cells : the recurrent cells the forecasters accept by name.

    Examples
    --------
    >>> from sktime_rnn import all_estimators
    >>> [name for name, _ in all_estimators("forecaster")]
    ['GRUForecaster', 'LSTMForecaster', 'RNNForecaster', 'RecurrentForecaster']
    >>> all_estimators(
    ...     filter_tags={"capability:exogenous": True},
    ...     return_names=False,
    ...     as_dataframe=True,
    ...     return_tags="capability:pred_int",
    ... ).shape[1]
    2
    """
    filter_tags = {filter_tags: True} if isinstance(filter_tags, str) else filter_tags
    filter_tags = dict(filter_tags or {})
    if estimator_types is not None:
        wanted = _object_types(estimator_types)
        if "object_type" in filter_tags:
            wanted += _object_types(filter_tags["object_type"])
        filter_tags["object_type"] = sorted(set(wanted))
    return all_objects(
        object_types=BaseObject,
        filter_tags=filter_tags or None,
        exclude_objects=exclude_estimators,
        return_names=return_names,
        as_dataframe=as_dataframe,
        return_tags=return_tags,
        package_name="sktime_rnn",
        modules_to_ignore=_MODULES_TO_IGNORE,
    )
