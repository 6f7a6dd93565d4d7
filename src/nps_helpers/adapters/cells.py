"""A cell of an export as text: trimmed, answered or not, parsed with a reason when bad.

The primitives every reader and validator shares (adapters.validate for scores and rows,
adapters.dates for timestamps).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

Values: TypeAlias = Sequence[str] | pa.Array | pa.ChunkedArray
OLDEST = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
FUTURE_SLACK = dt.timedelta(days=1)
# What R, pandas and spreadsheets write for a cell with no answer, as they write it.
NO_ANSWER = ("NA", "N/A", "NaN", "#N/A", "NULL", "None")
_NO_ANSWER_FORMS = pa.array(sorted({f(w) for w in NO_ANSWER for f in (str, str.lower, str.upper, str.capitalize)}))


def trimmed(values: Values) -> pa.Array:
    """Cells as one contiguous string array, blanks as '', outer whitespace removed.

    Examples
    --------
    >>> trimmed([" 7 ", None]).to_pylist()
    ['7', '']
    """
    if isinstance(values, pa.ChunkedArray):
        arr = values.combine_chunks()
    elif isinstance(values, pa.Array):
        arr = values
    else:
        arr = pa.array(values, type=pa.string())
    arr = arr.cast(pa.string())
    return pc.utf8_trim_whitespace(pc.fill_null(arr, "") if arr.null_count else arr)


@dataclass(frozen=True)
class Parsed:
    """Values parsed from text (null where unusable) and a reason code where a value was bad."""

    values: pa.Array
    reasons: pa.Array


def no_answer(text: pa.Array) -> pa.Array:
    """Which trimmed cells hold no answer: blank, or a placeholder such as ``NA`` or ``N/A``.

    Examples
    --------
    >>> no_answer(trimmed(["", "NA", "nan", "N/A", "#N/A", "0", "Nancy"])).to_pylist()
    [True, True, True, True, True, False, False]
    """
    # Exact forms in a hash set, not a lower-cased copy of the column: this runs on every
    # score column that is not all plain numbers.
    return pc.or_(pc.equal(pc.utf8_length(text), 0), pc.is_in(text, value_set=_NO_ANSWER_FORMS))
