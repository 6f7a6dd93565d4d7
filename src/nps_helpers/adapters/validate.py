"""Turn text cells into canonical values, vectorised, and give every bad row a reason.

Scores and ratings are parsed with pyarrow compute kernels, timestamps and row hashes
with DuckDB (both run in C++ over whole columns: no Python loop per row). Reason codes
(``score_not_whole``, ``date_unreadable``...) go to the rejects file and the ingest report.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import NpsInputError
from .cells import FUTURE_SLACK, OLDEST, Parsed, Values, no_answer, trimmed
from .dates import AmbiguousDates, naive_zone, parse_datetimes, zone_name
from .duck import cursor
from .raw import RawTable, rejects_frame

_NUMBER = r"^-?\d+([.,]\d+)?$"
_WHOLE = r"^-?\d+([.,]0+)?$"
# A number with a label before or after it ('10 - Extremely likely', 'Extremely likely 10',
# '10 (Extremely likely)'): no other digit in the cell, and the label kept apart from the
# number by a space or a sign, so '7e', 'Q7' and '10/10' are not read as labelled.
_LABELLED = r"^(?:\D*[^\pL\d-])?(-?\d+(?:[.,]\d+)?)(?:[^\pL\d]\D*)?$"


def parse_whole(values: Values, *, low: int, high: int, name: str) -> Parsed:
    """Whole numbers ``low..high`` as int8; ``7``, ``7.0``, ``7,0`` and `` 7 `` all read 7.

    A cell whose only number stands beside a label (``10 - Extremely likely``, ``Extremely
    likely 10``, ``10 (Äußerst wahrscheinlich)``) is that number. Reasons, the first that
    applies: ``<name>_missing`` (blank, ``NA``, ``N/A``, ``NaN``...), ``<name>_not_a_number``,
    ``<name>_not_whole``, ``<name>_out_of_range``.

    Examples
    --------
    >>> p = parse_whole(["4", "6", "", "5 - Very satisfied", "NA"], low=1, high=5, name="csat")
    >>> p.values.to_pylist(), p.reasons.to_pylist()
    ([4, None, None, 5, None], [None, 'csat_out_of_range', 'csat_missing', None, 'csat_missing'])
    """
    text = trimmed(values)
    plain = pa.array([str(k) for k in range(low, high + 1)])
    if pc.all(pc.is_in(text, value_set=plain)).as_py():
        # The usual export: nothing but plain whole numbers in range, so no regex is needed.
        return Parsed(pc.cast(text, pa.int8()), pa.nulls(len(text), pa.string()))
    text = _unlabelled(text, no_answer(text))
    missing, number, value = _decimal(text)
    whole = pc.match_substring_regex(text, _WHOLE)
    inside = pc.and_(pc.greater_equal(value, low), pc.less_equal(value, high))
    # Wholeness is judged on the text, so only whole numbers reach the (float) range test.
    reasons = pc.case_when(
        pc.make_struct(missing, pc.invert(number), pc.invert(whole), pc.invert(inside)),
        f"{name}_missing",
        f"{name}_not_a_number",
        f"{name}_not_whole",
        f"{name}_out_of_range",
    )
    ints = pc.cast(pc.if_else(pc.is_null(reasons), value, None), pa.int8())
    return Parsed(ints, reasons)


def parse_scores(values: Values) -> Parsed:
    """NPS answers: whole numbers 0-10, bare or labelled (``7,5``, ``11``, ``-1``, ``ten`` are
    bad; a blank or ``NA`` is ``score_missing``, which a plan may count as unanswered).

    Examples
    --------
    >>> p = parse_scores(["7", " 7,0 ", "10 - Extremely likely", "7,5", "11", "ten", ""])
    >>> p.values.to_pylist()
    [7, 7, 10, None, None, None, None]
    >>> p.reasons.to_pylist()[3:]
    ['score_not_whole', 'score_out_of_range', 'score_not_a_number', 'score_missing']
    """
    return parse_whole(values, low=0, high=10, name="score")


def parse_numbers(values: Values, *, name: str) -> Parsed:
    """Any decimal number (comma or point) as float64; blank is ``<name>_missing``.

    Examples
    --------
    >>> parse_numbers(["3,5", "x"], name="driver_price").reasons.to_pylist()
    [None, 'driver_price_not_a_number']
    """
    missing, number, value = _decimal(trimmed(values))
    reasons = pc.case_when(pc.make_struct(missing, pc.invert(number)), f"{name}_missing", f"{name}_not_a_number")
    return Parsed(value, reasons)


def _unlabelled(text: pa.Array, missing: pa.Array) -> pa.Array:
    """Each labelled cell as its number alone; every other cell as it is."""
    other = pc.invert(pc.or_(missing, pc.match_substring_regex(text, _NUMBER)))
    if not pc.any(other).as_py():
        return text
    # The label regex runs on the cells that are neither blank nor a bare number only.
    rest = pc.filter(text, other)
    labelled = pc.match_substring_regex(rest, r"\pL")
    return pc.replace_with_mask(text, other, pc.if_else(labelled, pc.replace_substring_regex(rest, _LABELLED, r"\1"), rest))


def _decimal(text: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """No-answer mask, number mask and float value (comma or point; at most 24 characters)."""
    missing = no_answer(text)
    number = pc.and_(pc.match_substring_regex(text, _NUMBER), pc.less_equal(pc.utf8_length(text), 24))
    value = pc.cast(pc.replace_substring(pc.if_else(number, text, None), ",", "."), pa.float64())
    return missing, number, value


def row_hash(table: pa.Table) -> pa.Array:
    """A stable id per row: the MD5 of its cells (in column order), as 32 hex digits.

    The same values give the same id in any file and on any machine, so a re-exported
    file dedupes against what is already stored.

    Examples
    --------
    >>> row_hash(pa.table({"a": ["1", "1"], "b": ["x", "x"]})).to_pylist()[0] == \\
    ...     __import__("hashlib").md5(b"1\\x1fx").hexdigest()
    True
    """
    # Columns are renamed for SQL: a header may hold anything, even a NUL byte.
    table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
    cells = ", ".join(table.column_names)
    with cursor() as con:
        con.register("t", table)
        out = con.sql(f"SELECT md5(concat_ws(chr(31), {cells})) FROM t").to_arrow_table().column(0)
    return out.combine_chunks()


@dataclass(frozen=True)
class Plan:
    """Which source column feeds each canonical column, and how to read the values.

    ``blank_score`` is 'unanswered' where a blank score (or ``NA``) means the respondent
    skipped the question or left the survey before it: counted, not rejected. 'reject' is
    for tools whose every response carries a score (Delighted).
    ``given_date`` dates every row when the file has no date column (``responded_at`` None).
    """

    score: str
    responded_at: str | None
    response_id: str | None = None
    customer_id: str | None = None
    comment: str | None = None
    language: str | None = None
    csat: str | None = None
    ces: str | None = None
    segments: Mapping[str, str] = field(default_factory=dict)
    drivers: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    timezone: str = "UTC"
    blank_score: Literal["reject", "unanswered"] = "unanswered"
    given_date: dt.date | None = None


@dataclass(frozen=True)
class ValidatedFile:
    """One file's rows, ready for the store: canonical responses, rejects and the counts.

    ``read == len(responses) + unanswered + len(rejects)`` always holds. ``fingerprint``
    identifies the file by its canonical content (see :func:`row_identity`), ``placed``
    counts rows identified by their place in the file (no response or customer id),
    ``repeats`` those of them that repeat another row of the file, and ``unused`` names
    the source columns with values that no canonical column takes.
    ``notes`` say what reading changed or supplied (cells re-decoded, a date given for every row).
    ``timezone`` is the zone times without an offset were read in (:func:`naive_zone`; None:
    the file's times all carry their offsets).
    """

    source: str
    responses: pd.DataFrame
    rejects: pd.DataFrame
    unanswered: int
    read: int
    notes: tuple[str, ...] = ()
    fingerprint: str = ""
    placed: int = 0
    repeats: int = 0
    unused: tuple[str, ...] = ()
    timezone: str | None = None

    def __post_init__(self) -> None:
        assert self.read == len(self.responses) + self.unanswered + len(self.rejects), (
            f"{self.source}: read {self.read} != {len(self.responses)} valid + "
            f"{self.unanswered} unanswered + {len(self.rejects)} rejected"
        )


def validate_rows(raw: RawTable, plan: Plan, *, now: dt.datetime | None = None) -> ValidatedFile:
    """Check every row of ``raw`` against ``plan``: canonical responses plus rejects.

    A row is rejected for the first bad value in this order: score, date, csat, ces,
    drivers. Each kept row gets its id from :func:`row_identity`. Each
    response's ``date_given`` says whether its time was given for every row rather than
    read from the file (``plan.given_date``: midday of that date in ``plan.timezone``, the same calendar day in
    every zone within 12 hours of it).

    Examples
    --------
    >>> import numpy as np
    >>> raw = RawTable("a.csv", pa.table({"when": ["2021-01-05", "2021-01-06"], "nps": ["9", "11"]}),
    ...                np.array([2, 3]))
    >>> batch = validate_rows(raw, Plan(score="nps", responded_at="when"))
    >>> batch.responses[["score", "source_row"]].to_dict("records"), batch.rejects["reason"].tolist()
    ([{'score': 9, 'source_row': 2}], ['score_out_of_range'])
    """
    column = raw.data.column
    parsed = {"score": parse_scores(column(plan.score)), "responded_at": _dates(raw, plan, now)}
    sources = {"score": plan.score, "responded_at": plan.responded_at or "(given date)"}
    for name, low, high in (("csat", 1, 5), ("ces", 1, 7)):
        if getattr(plan, name):
            sources[name] = getattr(plan, name)
            parsed[name] = _optional(parse_whole(column(sources[name]), low=low, high=high, name=name))
    for name, col in plan.drivers.items():
        sources[f"driver_{name}"] = col
        parsed[f"driver_{name}"] = _optional(parse_numbers(column(col), name=f"driver_{name}"))
    unanswered = pc.equal(pc.fill_null(parsed["score"].reasons, ""), "score_missing")
    taken = unanswered if plan.blank_score == "unanswered" else pa.repeat(False, raw.data.num_rows)
    rejects = [raw.broken]
    for name, result in parsed.items():
        hit = pc.and_(pc.invert(taken), pc.is_valid(result.reasons))
        if pc.any(hit).as_py():
            idx = pc.indices_nonzero(hit)
            rejects.append(
                rejects_frame(
                    raw.source,
                    raw.rows[idx.to_numpy()],
                    sources[name],
                    pc.take(column(sources[name]), idx).to_pylist(),
                    pc.take(result.reasons, idx).to_pylist(),
                )
            )
            taken = pc.or_(taken, hit)
    responses, identity = _canonical(raw, plan, {k: v.values for k, v in parsed.items()}, pc.invert(taken))
    return ValidatedFile(
        source=raw.source,
        responses=responses,
        rejects=pd.concat(rejects, ignore_index=True).sort_values("source_row", kind="stable", ignore_index=True),
        unanswered=pc.sum(unanswered).as_py() or 0 if plan.blank_score == "unanswered" else 0,
        read=raw.read,
        notes=raw.notes + ((f"responded_at given as {plan.given_date} for every row",) if plan.given_date else ()),
        fingerprint=identity.fingerprint,
        placed=identity.placed,
        repeats=identity.repeats,
        unused=_unused(raw, plan),
        timezone=plan.timezone if plan.responded_at is None else naive_zone(
            column(plan.responded_at), date_format=plan.date_format, timezone=plan.timezone
        ),
    )


def _unused(raw: RawTable, plan: Plan) -> tuple[str, ...]:
    """Source columns holding a value in some row that the plan maps to nothing."""
    used = {
        plan.score, plan.responded_at, plan.response_id, plan.customer_id, plan.comment, plan.language,
        plan.csat, plan.ces, *plan.segments.values(), *plan.drivers.values(),
    }
    return tuple(col for col in raw.columns if col not in used and _has_value(raw.data.column(col)))


def _has_value(values: pa.ChunkedArray) -> bool:
    """Whether any cell is not blank; the first rows decide for most columns of a wide file."""
    return any(
        pc.any(pc.greater(pc.utf8_length(trimmed(part)), 0)).as_py() for part in (values.slice(0, 1000), values)
    )


def _optional(parsed: Parsed) -> Parsed:
    """A rating that may be left blank: blank is no value, not a reason to reject."""
    blank = pc.fill_null(pc.match_substring(parsed.reasons, "_missing"), False)
    return Parsed(parsed.values, pc.if_else(blank, None, parsed.reasons))


def _given(raw: RawTable, plan: Plan, now: dt.datetime | None) -> Parsed:
    """Every row at midday of ``plan.given_date`` in the plan's timezone."""
    import zoneinfo

    assert plan.given_date is not None
    at = dt.datetime.combine(plan.given_date, dt.time(12), zoneinfo.ZoneInfo(zone_name(plan.timezone))).astimezone(dt.UTC)
    if not OLDEST <= at <= (now or dt.datetime.now(dt.UTC)) + FUTURE_SLACK:
        raise NpsInputError(
            f"{raw.source}: the date given for every row, {plan.given_date}, is "
            f"{'before 1980' if at < OLDEST else 'in the future'}; give the date the survey ran"
        )
    stamp = pa.scalar(at, pa.timestamp("us", "UTC"))
    return Parsed(pa.repeat(stamp, raw.data.num_rows), pa.nulls(raw.data.num_rows, pa.string()))


def _dates(raw: RawTable, plan: Plan, now: dt.datetime | None) -> Parsed:
    if plan.responded_at is None:
        return _given(raw, plan, now)
    values = raw.data.column(plan.responded_at)
    try:
        parsed = parse_datetimes(values, date_format=plan.date_format, timezone=plan.timezone, now=now)
    except AmbiguousDates as err:
        first = repr(values[err.at].as_py())
        if err.other is None:
            problem = f"{first} reads as day-first and as month-first"
        else:
            problem = f"day-first {first} and month-first {values[err.other].as_py()!r} (row {raw.rows[err.other]}) are mixed"
        raise NpsInputError(
            f"{raw.where(plan.responded_at, raw.rows[err.at])}: {problem}; "
            "set date_format: day-first or month-first in the mapping file"
        ) from None
    unreadable = pc.equal(pc.fill_null(parsed.reasons, ""), "date_unreadable")
    if pc.all(pc.or_(unreadable, pc.equal(pc.fill_null(parsed.reasons, ""), "date_missing"))).as_py() and pc.any(unreadable).as_py():
        at = pc.index(unreadable, True).as_py()
        raise NpsInputError(
            f"{raw.where(plan.responded_at, raw.rows[at])}: {values[at].as_py()!r} is not a date or time I can read; "
            "set date_format in the mapping file (a strptime pattern such as '%d/%m/%Y %H:%M')"
        )
    return parsed


def _cleaned(values: pa.ChunkedArray) -> pa.Array:
    """Trimmed text with blanks as nulls."""
    text = trimmed(values)
    blank = pc.equal(pc.utf8_length(text), 0)
    # No blank (ids, the usual case): no second copy of the column.
    return pc.if_else(blank, None, text) if pc.any(blank).as_py() else text


def _canonical(
    raw: RawTable, plan: Plan, values: dict[str, pa.Array], keep: pa.Array
) -> tuple[pd.DataFrame, Identity]:
    """The kept rows as the canonical responses frame (every row kept: no copy is made)."""
    every = pc.all(keep).as_py()
    data = raw.data if every else raw.data.filter(keep)
    parsed = values if every else {name: pc.filter(v, keep) for name, v in values.items()}
    given = _cleaned(data.column(plan.response_id)) if plan.response_id else pa.nulls(data.num_rows, pa.string())
    cols: dict[str, pa.Array] = {"response_id": given}
    for name in ("customer_id", "responded_at", "score", "comment", "language", "csat", "ces"):
        if name in parsed:
            cols[name] = parsed[name]
        elif getattr(plan, name, None):
            cols[name] = _cleaned(data.column(getattr(plan, name)))
    identity = row_identity(pa.table({k: cols.get(k, pa.nulls(data.num_rows, pa.string())) for k in IDENTITY}))
    cols["response_id"] = identity.ids
    cols.update({name: v for name, v in parsed.items() if name.startswith("driver_")})
    cols.update({name: _cleaned(data.column(col)) for name, col in plan.segments.items()})
    cols["source_file"] = pa.repeat(pa.scalar(raw.source), data.num_rows)
    cols["source_row"] = pa.array(raw.rows if every else raw.rows[keep.to_numpy(zero_copy_only=False)], type=pa.int64())
    cols["date_given"] = pa.repeat(pa.scalar(plan.responded_at is None), data.num_rows)
    frame = pa.table(cols).to_pandas(types_mapper={pa.int8(): pd.Int8Dtype()}.get)
    frame["score"] = frame["score"].astype("int8")
    return frame, identity


# The canonical fields a row's identity is made of; no other column (segments, drivers,
# columns the mapping leaves out) changes it, so a re-export with more columns dedupes.
IDENTITY = ("response_id", "customer_id", "responded_at", "score", "comment")
# A row's content as text: NULL fields are '' (no stored value is blank), instants as
# microseconds since the epoch (independent of the session's time zone).
_CONTENT = (
    "md5(concat_ws(chr(31), coalesce(customer_id, ''), coalesce(CAST(epoch_us(responded_at) AS VARCHAR), ''), "
    "CAST(score AS VARCHAR), coalesce(comment, '')))"
)
_LOW64 = "18446744073709551615::UHUGEINT"


@dataclass(frozen=True)
class Identity:
    """Ids of one file's kept rows, the file's fingerprint, how many rows are identified by
    their place and how many of those repeat an earlier row."""

    ids: pa.Array
    fingerprint: str
    placed: int = 0
    repeats: int = 0


def row_identity(rows: pa.Table) -> Identity:
    """Ids for one file's rows from their canonical fields (the columns of ``IDENTITY``).

    A row's id is its response id when it has one; else, with a customer id, the MD5 of
    customer, time, score and comment (the same answer in two files is one response);
    else its place in the file: the MD5 of the file's fingerprint, the row's content and
    its occurrence number among identical rows. So identical rows of one file are all
    kept (``repeats`` counts those after the first) while re-reading the file, in any row
    order or with more columns, gives the same ids. The fingerprint hashes the multiset
    of row keys (response id, else the content hash), so row order does not change it.

    Examples
    --------
    >>> when = pa.array([dt.datetime(2021, 1, 5, tzinfo=dt.UTC)] * 3)
    >>> rows = pa.table({"response_id": [None, None, "R9"], "customer_id": pa.nulls(3, pa.string()),
    ...     "responded_at": when, "score": pa.array([9, 9, 3], pa.int8()), "comment": pa.nulls(3, pa.string())})
    >>> ident = row_identity(rows)
    >>> ids = ident.ids.to_pylist()
    >>> ids[2], ids[0] != ids[1], ident.repeats
    ('R9', True, 1)
    >>> sorted(row_identity(rows.take([2, 1, 0])).ids.to_pylist()) == sorted(ids)
    True
    """
    given = rows.column("response_id").combine_chunks()
    position = pc.and_(pc.is_null(given), pc.is_null(rows.column("customer_id").combine_chunks()))
    placed = pc.sum(position).as_py() or 0
    with cursor() as con:
        if given.null_count == 0:
            ids = given
        else:
            con.register("t", rows)
            # A plain projection keeps the rows in order (DuckDB's preserve_insertion_order).
            ids = con.sql(f"SELECT coalesce(response_id, {_CONTENT}) FROM t").to_arrow_table().column(0).combine_chunks()
        con.register("k", pa.table({"key": ids, "position": position, "i": pa.array(np.arange(len(ids)))}))
        fingerprint = con.sql(
            "SELECT md5(concat_ws(':', count(*), sum((m >> 64)::HUGEINT), sum((m & "
            f"{_LOW64})::HUGEINT))) FROM (SELECT md5_number(key) AS m FROM k)"
        ).fetchall()[0][0]
        if not placed:
            return Identity(ids, fingerprint)
        by_place = con.sql(
            "SELECT md5(concat_ws(chr(31), $1, key, CAST(n AS VARCHAR))) AS id, n FROM "
            "(SELECT i, key, row_number() OVER (PARTITION BY key ORDER BY i) AS n FROM k WHERE position) ORDER BY i",
            params=[fingerprint],
        ).to_arrow_table()
    repeats = pc.sum(pc.greater(by_place.column("n"), 1)).as_py() or 0
    ids = pc.replace_with_mask(ids, position, by_place.column("id").combine_chunks())
    return Identity(ids, fingerprint, placed, repeats)
