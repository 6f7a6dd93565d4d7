"""Experience metrics beside NPS: CSAT, CES, response rate and survey fatigue.

Every function returns ``status="not_available"`` (and NaN figures) when the data it needs
is absent, so a report can show a note instead of failing. Shares carry Wilson intervals,
which stay inside 0..1 and behave for small n and shares near 0 or 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from ..errors import NpsInputError

RESPONSE_WINDOW_DAYS = 30
FATIGUE_LIMIT = 4  # surveys per customer per year above which a customer is over-surveyed
_NAN = float("nan")
_UNITS = ("s", "ms", "us", "ns")  # coarsest to finest


@dataclass(frozen=True)
class Share:
    """A share of ``n`` with its Wilson interval (0..1); ``status`` is 'ok' or 'not_available'."""

    status: str
    n: int
    count: int
    share: float
    ci_low: float
    ci_high: float
    level: float = 0.95


@dataclass(frozen=True)
class CesResult:
    """Customer Effort Score on 1-7: mean with a t interval, and the share of 5-7."""

    status: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    high: Share
    level: float = 0.95


@dataclass(frozen=True)
class FatigueResult:
    """Surveys per customer in the year before ``as_of``; customers above ``limit`` are flagged."""

    status: str
    customers: int
    mean_per_year: float
    max_per_year: int
    over_limit: int
    limit: int
    flagged: bool
    per_customer: pd.DataFrame


def wilson(
    count: ArrayLike, n: ArrayLike, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares ``count / n`` with Wilson intervals, element-wise; NaN where ``n`` is 0.

    Examples
    --------
    >>> share, low, high = wilson([8], [10])
    >>> float(share[0]), round(float(low[0]), 3), round(float(high[0]), 3)
    (0.8, 0.49, 0.943)
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    safe = np.where(n > 0, n, 1)
    low, high = proportion_confint(count, safe, alpha=1 - level, method="wilson")
    empty = n <= 0
    share = np.where(empty, np.nan, count / safe)
    # Rounding can put a bound a hair past the share when the count is 0 or n.
    low, high = np.minimum(low, count / safe), np.maximum(high, count / safe)
    return share, np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def csat(responses: pd.DataFrame, *, level: float = 0.95) -> Share:
    """CSAT: the share of 4 and 5 among 1-5 ratings in the ``csat`` column.

    Examples
    --------
    >>> r = csat(pd.DataFrame({"csat": [5, 4, 3, 5, None]}))
    >>> r.n, r.count, r.share
    (4, 3, 0.75)
    """
    values = _ratings(responses, "csat", 1, 5)
    if values is None:
        return _unavailable_share(level)
    return _share(int((values >= 4).sum()), len(values), level)


def ces(responses: pd.DataFrame, *, level: float = 0.95) -> CesResult:
    """CES: the mean of 1-7 effort ratings in the ``ces`` column, and the share of 5-7.

    Examples
    --------
    >>> r = ces(pd.DataFrame({"ces": [7, 5, 3, 5]}))
    >>> r.mean, r.high.share
    (5.0, 0.75)
    """
    values = _ratings(responses, "ces", 1, 7)
    if values is None:
        return CesResult("not_available", 0, _NAN, _NAN, _NAN, _unavailable_share(level), level)
    n = len(values)
    mean = float(values.mean())
    t = stats.t.ppf(0.5 + level / 2, n - 1) if n > 1 else _NAN
    half = t * values.std(ddof=1) / np.sqrt(n)
    return CesResult(
        status="ok",
        n=n,
        mean=mean,
        # A small sample's t interval can run past the scale; the mean cannot.
        ci_low=float(max(mean - half, 1.0)),
        ci_high=float(min(mean + half, 7.0)),
        high=_share(int((values >= 5).sum()), n, level),
        level=level,
    )


def match_invitations(
    invitations: pd.DataFrame,
    responses: pd.DataFrame,
    *,
    window_days: int = RESPONSE_WINDOW_DAYS,
) -> pd.DataFrame:
    """Invitations with a ``responded`` flag: the customer answered within the window after it.

    Examples
    --------
    >>> inv = pd.DataFrame({"customer_id": ["a", "b"],
    ...     "invited_at": pd.to_datetime(["2026-01-01", "2026-01-01"], utc=True)})
    >>> res = pd.DataFrame({"customer_id": ["a"],
    ...     "responded_at": pd.to_datetime(["2026-01-05"], utc=True)})
    >>> match_invitations(inv, res)["responded"].tolist()
    [True, False]
    """
    out = invitations[["customer_id", "invited_at"]].copy()
    out["invited_at"] = pd.to_datetime(out["invited_at"], utc=True)
    out["customer_id"] = out["customer_id"].astype("string")
    out = out.dropna().reset_index(drop=True)
    answers = responses[["customer_id", "responded_at"]].dropna()
    # Matching on integer codes of the ids is several times faster than on the strings.
    codes, _ = pd.factorize(pd.concat([out["customer_id"], answers["customer_id"].astype("string")],
                                      ignore_index=True))
    out["responded"] = answered_within(
        codes[: len(out)], out["invited_at"].array,
        codes[len(out):], pd.to_datetime(answers["responded_at"], utc=True).array,
        window_days=window_days,
    )
    return out


def answered_within(
    invited: np.ndarray,
    invited_at: ArrayLike,
    answered: np.ndarray,
    answered_at: ArrayLike,
    *,
    window_days: int = RESPONSE_WINDOW_DAYS,
) -> np.ndarray:
    """Whether each invitation has an answer of the same key within ``window_days`` after it.

    The rule of :func:`match_invitations` on integer keys (such as ``pandas.factorize``
    codes of the customer ids, faster to match than the ids): an answer counts from the
    moment of the invitation to exactly ``window_days`` later, both included.

    Examples
    --------
    >>> at = pd.to_datetime(["2026-01-01", "2026-01-01", "2026-03-01"], utc=True)
    >>> answered_within(np.array([0, 1, 1]), at, np.array([1, 0]),
    ...                 pd.to_datetime(["2026-01-31", "2025-12-31"], utc=True)).tolist()
    [False, True, False]
    """
    sent, got = pd.DatetimeIndex(invited_at), pd.DatetimeIndex(answered_at)
    unit = max(sent.unit, got.unit, key=_UNITS.index)  # merge_asof wants one unit
    left = pd.DataFrame({"key": invited, "at": sent.as_unit(unit), "row": np.arange(len(sent))})
    right = pd.DataFrame({"key": answered, "answered_at": got.as_unit(unit)})
    matched = pd.merge_asof(
        left.sort_values("at", kind="stable"),
        right.sort_values("answered_at", kind="stable"),
        left_on="at",
        right_on="answered_at",
        by="key",
        direction="forward",
        tolerance=pd.Timedelta(days=window_days),
    )
    flags = np.zeros(len(left), dtype=bool)
    flags[matched["row"].to_numpy()] = matched["answered_at"].notna().to_numpy()
    return flags


def response_rate(
    invitations: pd.DataFrame | None,
    responses: pd.DataFrame,
    *,
    window_days: int = RESPONSE_WINDOW_DAYS,
    level: float = 0.95,
) -> Share:
    """Share of invitations answered by the same customer within ``window_days``.

    Examples
    --------
    >>> inv = pd.DataFrame({"customer_id": ["a", "b"],
    ...     "invited_at": pd.to_datetime(["2026-01-01", "2026-01-01"], utc=True)})
    >>> res = pd.DataFrame({"customer_id": ["a"],
    ...     "responded_at": pd.to_datetime(["2026-01-05"], utc=True)})
    >>> response_rate(inv, res).share
    0.5
    """
    if not _has(invitations, ("customer_id", "invited_at")) or not _has(
        responses, ("customer_id", "responded_at")
    ):
        return _unavailable_share(level)
    matched = match_invitations(invitations, responses, window_days=window_days)
    if matched.empty:
        return _unavailable_share(level)
    return _share(int(matched["responded"].sum()), len(matched), level)


def survey_fatigue(
    invitations: pd.DataFrame | None,
    *,
    as_of: pd.Timestamp | str | None = None,
    limit: int = FATIGUE_LIMIT,
) -> FatigueResult:
    """Surveys sent per customer in the 365 days up to ``as_of`` (default: the last invitation).

    A customer is over-surveyed above ``limit`` surveys a year; ``flagged`` is set when the
    mean per customer is above it.

    Examples
    --------
    >>> inv = pd.DataFrame({"customer_id": ["a"] * 6 + ["b"],
    ...     "invited_at": pd.date_range("2026-01-01", periods=7, freq="MS", tz="UTC")})
    >>> r = survey_fatigue(inv)
    >>> r.mean_per_year, r.over_limit, r.flagged
    (3.5, 1, False)
    """
    if invitations is None or not _has(invitations, ("customer_id", "invited_at")):
        return FatigueResult("not_available", 0, _NAN, 0, 0, limit, False, _empty_fatigue())
    sent = invitations[["customer_id", "invited_at"]].dropna()
    stamps = pd.to_datetime(sent["invited_at"], utc=True)
    end = to_utc(as_of) if as_of is not None else stamps.max()
    recent = sent[(stamps > end - pd.Timedelta(days=365)) & (stamps <= end)]
    if recent.empty:
        return FatigueResult("not_available", 0, _NAN, 0, 0, limit, False, _empty_fatigue())
    per = recent.groupby("customer_id").size().rename("surveys").reset_index()
    per["over_limit"] = per["surveys"] > limit
    mean = float(per["surveys"].mean())
    return FatigueResult(
        status="ok",
        customers=len(per),
        mean_per_year=mean,
        max_per_year=int(per["surveys"].max()),
        over_limit=int(per["over_limit"].sum()),
        limit=limit,
        flagged=mean > limit,
        per_customer=per,
    )


def to_utc(value: pd.Timestamp | str) -> pd.Timestamp:
    """A timestamp in UTC; a naive one is taken to be UTC already.

    Examples
    --------
    >>> to_utc("2026-01-01 12:00+02:00")
    Timestamp('2026-01-01 10:00:00+0000', tz='UTC')
    """
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


# --- internals --------------------------------------------------------------------------
def _has(frame: pd.DataFrame | None, columns: tuple[str, ...]) -> bool:
    return frame is not None and all(c in frame.columns for c in columns)


def _ratings(responses: pd.DataFrame, column: str, low: int, high: int) -> pd.Series | None:
    """The non-missing ratings of ``column``, checked to be whole numbers low..high."""
    if column not in responses.columns:
        return None
    raw = responses[column].dropna()
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() | (values < low) | (values > high) | (values != values.round())
    if bad.any():
        where = bad.idxmax()
        raise NpsInputError(
            f"column '{column}', row {where}: {raw[where]!r} is not a whole rating {low}-{high}; "
            "fix the export or map another column"
        )
    return values.astype(float) if len(values) else None


def _share(count: int, n: int, level: float) -> Share:
    share, low, high = wilson([count], [n], level)
    return Share("ok", n, count, float(share[0]), float(low[0]), float(high[0]), level)


def _unavailable_share(level: float) -> Share:
    return Share("not_available", 0, 0, _NAN, _NAN, _NAN, level)


def _empty_fatigue() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(dtype="string"),
                         "surveys": pd.Series(dtype="int64"),
                         "over_limit": pd.Series(dtype="bool")})
