"""Action lists for the client's team, and the safe CSV writer they leave the report in.

Promoters to ask for a review or testimonial, detractors to call back, passives to
nudge: one row per customer, from each customer's latest response, most recent first.
When the export carries no customer ids at all, one row per response instead, found
again by its response id and date in the survey tool. They hold customer ids, so they are written as internal CSVs beside the report and
never shown inside it. The writer neutralises spreadsheet formulas (a comment starting
with '=' would otherwise run in Excel) and writes UTF-8 with a byte-order mark, so Excel
shows Polish, Slovenian, Russian and German text correctly.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..analysis.experience import to_utc
from ..analysis.text import joined_themes
from ..core.files import atomic_write_bytes
from ..errors import NpsInputError
from ..present.i18n import Translator

LISTS = {
    "promoters_to_ask": (9, 10),
    "passives_to_nudge": (7, 8),
    "detractors_to_call": (0, 6),
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CUSTOMER_COLUMNS = ("plan", "revenue")
# Where the segment, plan and revenue columns go (``*``) among the response's own.
_COLUMNS = ("customer_id", "response_id", "responded_at", "score", "answers_in_period", "*",
            "themes", "comment", "language")


def followup_lists(
    responses: pd.DataFrame,
    tags: pd.DataFrame | None = None,
    *,
    customers: pd.DataFrame | None = None,
    since: pd.Timestamp | str | None = None,
    segments: Sequence[str] = (),
    t: Translator | None = None,
    industry: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The three action lists, keyed by the names in ``LISTS``.

    Each customer appears once, in the list of their latest response (at or after
    ``since``); ``answers_in_period`` says how many answers that row folds (the
    customer's answers from ``since`` on, the latest shown). Responses without a customer
    id cannot be followed up and are left out; so are customers who have churned, when
    ``customers`` is given, which also adds each customer's ``plan`` and ``revenue`` when
    it holds them. ``segments`` are response columns to carry (the client's segments;
    a segment named like a customers column gives way to it). Detractors to call come
    in order of priority: lowest score first, then highest revenue, then the newest;
    the other lists newest first. When no response carries a customer id (the export
    had none), every response is listed by its ``response_id`` and date instead.
    ``tags`` (from :func:`nps_helpers.analysis.text.theme_mentions`) adds a ``themes`` column: the
    names the report shows in ``t``'s language for ``industry``'s codeframe joined by '; '
    ('Billing; Staff'), or without ``t`` the codes joined by ';' ('billing;staff').

    Examples
    --------
    >>> responses = pd.DataFrame({"customer_id": ["a", "b", "a"], "score": [2, 10, 9],
    ...     "responded_at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"], utc=True),
    ...     "comment": ["Awful", "Great", "Much better"]})
    >>> lists = followup_lists(responses)
    >>> lists["promoters_to_ask"][["customer_id", "answers_in_period"]].values.tolist()
    [['a', 2], ['b', 1]]
    >>> len(lists["detractors_to_call"])
    0
    >>> anonymous = responses.drop(columns="customer_id").assign(response_id=["r1", "r2", "r3"])
    >>> followup_lists(anonymous)["promoters_to_ask"][["response_id", "score"]].values.tolist()
    [['r3', 9], ['r2', 10]]
    """
    by_customer = "customer_id" in responses.columns and responses["customer_id"].notna().any()
    for column in ("customer_id" if by_customer else "response_id", "score", "responded_at"):
        if column not in responses.columns:
            raise NpsInputError(f"follow-up lists need the column '{column}' in the responses")
    latest = _latest(responses, tags, customers, since, by_customer=by_customer, segments=segments, t=t,
                     industry=industry)
    lists = {
        name: latest[latest["score"].between(low, high)].reset_index(drop=True)
        for name, (low, high) in LISTS.items()
    }
    lists["detractors_to_call"] = _by_priority(lists["detractors_to_call"])
    return lists


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which text cells that a spreadsheet would run as a formula start with ``'``.

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"comment": ["=HYPERLINK(1)", "fine", "-5 stars"]}))["comment"].tolist()
    ["'=HYPERLINK(1)", 'fine', "'-5 stars"]
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.StringDtype):
            # Text columns (str, string) are checked at once; they keep their dtype.
            risky = values.str.startswith(FORMULA_STARTS, na=False).to_numpy(dtype=bool)
            if risky.any():
                out[column] = values.mask(risky, "'" + values)
        elif pd.api.types.is_string_dtype(values) or values.dtype == object:
            # Mixed cells: only the text ones may be formulas, and pandas re-infers the dtype.
            out[column] = values.map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v
            )
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``frame`` as a UTF-8 CSV with BOM, formulas neutralised, atomically.

    Lines end in CRLF (RFC 4180, as Excel writes), so a cell holding a bare carriage
    return is quoted: unquoted, Excel would start a new row there, and its first cell
    could be a live formula.

    Examples
    --------
    >>> import tempfile
    >>> p = write_csv(pd.DataFrame({"comment": ["=1+1", "a\\r=2+2"]}), Path(tempfile.mkdtemp()) / "a.csv")
    >>> p.read_bytes()
    b'\\xef\\xbb\\xbfcomment\\r\\n\\'=1+1\\r\\n"a\\r=2+2"\\r\\n'
    """
    target = Path(path)
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n", date_format="%Y-%m-%dT%H:%M:%S%z")
    atomic_write_bytes(target, text.encode("utf-8-sig"))
    return target


def write_followup_lists(lists: dict[str, pd.DataFrame], folder: str | os.PathLike) -> dict[str, Path]:
    """Write each list as ``<folder>/<name>.csv``; returns the paths by name.

    Examples
    --------
    >>> import tempfile
    >>> paths = write_followup_lists({"promoters_to_ask": pd.DataFrame({"customer_id": ["a"]})},
    ...     tempfile.mkdtemp())
    >>> paths["promoters_to_ask"].name
    'promoters_to_ask.csv'
    """
    return {name: write_csv(frame, Path(folder) / f"{name}.csv") for name, frame in lists.items()}


# --- internals --------------------------------------------------------------------------
def _latest(responses, tags, customers, since, *, by_customer: bool, segments, t, industry=None) -> pd.DataFrame:
    """Each customer's latest response or, without customer ids, every response."""
    own = [c for c in _COLUMNS if c in responses.columns and (by_customer or c != "customer_id")]
    given = [c for c in CUSTOMER_COLUMNS if c in customers.columns] if by_customer and customers is not None else []
    carried = [c for c in dict.fromkeys(segments) if c in responses.columns and c not in own + given]
    rows = responses[own + carried].copy()
    rows["responded_at"] = pd.to_datetime(rows["responded_at"], utc=True)
    key = "customer_id" if by_customer else "response_id"
    rows = rows[rows[key].notna() & rows["score"].notna() & rows["responded_at"].notna()]
    if since is not None:
        rows = rows[rows["responded_at"] >= to_utc(since)]
    if not by_customer:
        return _tidy(rows, tags, t, industry, carried).sort_values("responded_at", ascending=False, kind="stable")
    # As plain objects: a str column's isin makes an Arrow scalar of every id, and ids of
    # responses and customers may differ in type (1 and "1" are one customer).
    ids = pd.Index(rows["customer_id"].astype("string").to_numpy(dtype=object), dtype=object)
    if customers is not None and {"customer_id", "churned_at"} <= set(customers.columns):
        gone = customers.loc[customers["churned_at"].notna(), "customer_id"].astype("string")
        keep = ~ids.isin(gone.to_numpy(dtype=object))
        rows, ids = rows[keep], ids[keep]
    answers = pd.Series(ids).value_counts()
    rows = rows.assign(answers_in_period=answers.reindex(ids).to_numpy())
    if given:
        info = customers.assign(key=customers["customer_id"].astype("string").to_numpy(dtype=object))
        info = info.drop_duplicates("key").set_index("key")
        rows = rows.assign(**{c: info[c].reindex(ids).to_numpy() for c in given})
    rows = rows.sort_values("responded_at", kind="stable").groupby("customer_id", sort=False).tail(1)
    return _tidy(rows, tags, t, industry, [*carried, *given]).sort_values("responded_at", ascending=False, kind="stable")


def _tidy(rows: pd.DataFrame, tags: pd.DataFrame | None, t: Translator | None, industry: str | None,
          extra: list[str]) -> pd.DataFrame:
    """The rows with their themes (when they hold comments), columns in the order of ``_COLUMNS``."""
    if tags is not None and "comment" in rows.columns:
        if t is not None:
            tags = tags[tags["theme"].notna()]
            tags = tags.assign(theme=[t.theme(theme, industry) for theme in tags["theme"]])
        themes = joined_themes(tags, sep="; " if t is not None else ";")
        rows = rows.assign(themes=themes.reindex(rows.index).fillna("").to_numpy(dtype=object))
    order = [c for name in _COLUMNS for c in (extra if name == "*" else [name]) if c in rows.columns]
    return rows[order]


def _by_priority(rows: pd.DataFrame) -> pd.DataFrame:
    """Lowest score first, then highest revenue (unknown last), then the newest answer."""
    keys = [c for c in ("score", "revenue", "responded_at") if c in rows.columns]
    ascending = [c == "score" for c in keys]
    return rows.sort_values(keys, ascending=ascending, na_position="last", kind="stable").reset_index(drop=True)
