"""nps_helpers: survey exports in, honest NPS reports out.

The public API is listed in ``__all__``; everything else is internal to its module.
Heavy or optional parts (render, Dask, Chromium) load inside the functions that need them,
so ``import nps_helpers`` stays fast.
"""
from .errors import NpsError, NpsInputError, NpsParamsError, NpsRenderError, NpsStoreError
from .metrics import (
    NpsDifference,
    NpsResult,
    categorize,
    category_counts,
    nps,
    nps_difference,
    nps_frame,
)
from .periods import Period, parse_period, period_labels
from .stats import client_stats, group_stats
from .store import Store, load_responses, load_table, resolve_store

__version__ = "0.1.0"

__all__ = [
    "NpsDifference",
    "NpsError",
    "NpsInputError",
    "NpsParamsError",
    "NpsRenderError",
    "NpsResult",
    "NpsStoreError",
    "Period",
    "Store",
    "categorize",
    "category_counts",
    "client_stats",
    "group_stats",
    "load_responses",
    "load_table",
    "nps",
    "nps_difference",
    "nps_frame",
    "parse_period",
    "period_labels",
    "resolve_store",
]
