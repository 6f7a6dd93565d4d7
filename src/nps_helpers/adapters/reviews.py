"""Review-portal exports (Google, Trustpilot...) into the canonical ``reviews`` table.

Files are read like generic survey exports (CSV/TSV with the encoding and delimiter
sniffed, XLSX, Parquet, JSON), with a mapping file whose columns are review columns::

    columns: {review_id: Id, reviewed_at: Date, stars: Rating, text: Review}
    platform: google              # the portal of every row; or columns: {platform: Source}
    date_format: day-first        # encoding, delimiter, timezone, sheet as for surveys

Columns the mapping leaves out are found by name (stars, rating, date, platform...).
Each row is stored or rejected with its reason, like survey responses: stars must be
whole 1-5 (``4,0`` reads 4; ``4.5``, ``0``, ``6``, ``five`` are rejected), the date
readable, the platform present.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, ValidationInfo, field_validator

from ..config.params import Strict, load_yaml_model
from ..errors import NpsInputError
from .dates import AmbiguousDates, naive_zone, parse_datetimes
from .detect import find_date, find_named, mapped_column
from .generic import read_table
from .mapping import ExportMapping
from .raw import RawTable, rejects_frame
from .validate import ValidatedFile, parse_whole, row_hash

REVIEW_ID_NAMES = ("review_id", "review id", "reviewid", "id")
PLATFORM_NAMES = ("platform", "portal", "source", "site")
REVIEW_DATE_NAMES = ("reviewed_at", "review date", "reviewed", "published_at", "published")
STARS_NAMES = ("stars", "star rating", "star_rating", "rating", "score")
TEXT_NAMES = ("text", "review", "review text", "body", "content", "comment")
READABLE_FORMATS = ("auto", "generic")


class ReviewColumns(Strict):
    """Source column (header text) of each canonical review column; unset ones are found by name."""

    review_id: str | None = Field(None, description="The portal's review id; else a hash of the row.")
    platform: str | None = Field(None, description="The portal of each row (google, trustpilot...).")
    reviewed_at: str | None = Field(None, description="When the review was posted.")
    stars: str | None = Field(None, description="The 1-5 star rating.")
    text: str | None = Field(None, description="The review's words.")


class ReviewMapping(ExportMapping):
    """How to read one review export: the reading options of :class:`ExportMapping`, review columns.

    Examples
    --------
    >>> ReviewMapping(columns={"stars": "Ocena"}, platform="Google Maps").platform
    'google_maps'
    """

    columns: ReviewColumns = Field(default_factory=ReviewColumns)  # type: ignore[assignment]
    platform: str | None = Field(
        None, description="The portal of every row when the file has no platform column (google, trustpilot...)."
    )

    @field_validator("segments", "drivers")
    @classmethod
    def _no_survey_keys(cls, value: dict[str, str]) -> dict[str, str]:
        if value:
            raise ValueError("reviews have no segments or drivers; remove the key")
        return value

    @field_validator("platform")
    @classmethod
    def _platform_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        columns = info.data.get("columns")
        if columns is not None and columns.platform:
            raise ValueError("give the platform as a column (columns: {platform: ...}) or as one value, not both")
        code = platform_codes(pa.array([value]))[0].as_py()
        if not code:
            raise ValueError("name the portal with letters or digits, e.g. google")
        return code


def load_review_mapping(path: str | os.PathLike) -> ReviewMapping:
    """Read a review mapping YAML file; a wrong key or value names the file and the key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "reviews.yaml"
    >>> _ = p.write_text("columns: {stars: Ocena}\\nplatform: google\\n")
    >>> load_review_mapping(p).columns.stars
    'Ocena'
    """
    return load_yaml_model(path, ReviewMapping)


def platform_codes(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Platform names as codes: lower case, runs of other characters as '_' ('' when blank).

    Examples
    --------
    >>> platform_codes(pa.array(["Google Maps", " Trustpilot ", "Яндекс"])).to_pylist()
    ['google_maps', 'trustpilot', 'яндекс']
    """
    lower = pc.utf8_lower(values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values)
    return pc.utf8_trim(pc.replace_substring_regex(lower, r"[^\p{L}\p{N}]+", "_"), "_")


@dataclass(frozen=True)
class ReviewPlan:
    """Which source column feeds each review column (``platform_value``: one portal for all rows)."""

    stars: str
    reviewed_at: str
    platform: str | None = None
    platform_value: str | None = None
    review_id: str | None = None
    text: str | None = None


def review_plan(raw: RawTable, mapping: ReviewMapping | None = None) -> ReviewPlan:
    """Resolve a review mapping against the file's columns and find what it leaves out by name.

    Examples
    --------
    >>> import numpy as np
    >>> raw = RawTable("r.csv", pa.table({"Date": ["2026-01-02"], "Rating": ["5"], "Review": ["Great"]}),
    ...                np.array([2]))
    >>> review_plan(raw, ReviewMapping(platform="google"))
    ReviewPlan(stars='Rating', reviewed_at='Date', platform=None, platform_value='google', review_id=None, text='Review')
    """
    mapping = mapping or ReviewMapping()
    found = {k: mapped_column(raw, v, f"columns.{k}") for k, v in mapping.columns.model_dump().items() if v}
    for key, names in (("stars", STARS_NAMES), ("reviewed_at", REVIEW_DATE_NAMES), ("review_id", REVIEW_ID_NAMES),
                       ("platform", PLATFORM_NAMES), ("text", TEXT_NAMES)):
        if key not in found and not (key == "platform" and mapping.platform):
            col = find_named(raw, names, skip=list(found.values()))
            if col is None and key == "reviewed_at":
                col = find_date(raw, skip=list(found.values()))
            if col is not None:
                found[key] = col
    for key, example in (("stars", "stars: Rating"), ("reviewed_at", "reviewed_at: Date")):
        if key not in found:
            raise NpsInputError(
                f"{raw.where()}: no {key} column found; name it in a review mapping file (columns: {{{example}}})"
            )
    if "platform" not in found and not mapping.platform:
        raise NpsInputError(
            f"{raw.where()}: no platform column found; name the portal in the mapping file "
            "(platform: google) or its column (columns: {platform: Source})"
        )
    return ReviewPlan(**found, platform_value=mapping.platform)


def read_reviews(
    path: str | os.PathLike, mapping: ReviewMapping | None = None, *, now: dt.datetime | None = None
) -> ValidatedFile:
    """Read one review export: canonical reviews (in ``ValidatedFile.responses``) and rejects.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = p.write_text("date;stars;text\\n2026-01-05;4,0;Good\\n2026-01-06;4.5;Fine\\n")
    >>> batch = read_reviews(p, ReviewMapping(platform="google"))
    >>> batch.responses[["platform", "stars"]].to_dict("records"), batch.rejects["reason"].tolist()
    ([{'platform': 'google', 'stars': 4}], ['stars_not_whole'])
    """
    path = Path(path)
    if not path.is_file():
        raise NpsInputError(f"{path.name}: file not found (looked in {path.parent})")
    raw = read_table(path, mapping)
    return validate_reviews(raw, review_plan(raw, mapping), mapping or ReviewMapping(), now=now)


def read_review_exports(
    files: Iterable[str | os.PathLike],
    *,
    fmt: str = "auto",
    mapping: str | os.PathLike | ExportMapping | None = None,
) -> list[ValidatedFile]:
    """Read review exports (all before any is written); ``mapping`` is a ReviewMapping or its YAML.

    Examples
    --------
    >>> read_review_exports([], fmt="qualtrics")
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsInputError: review exports are read as generic files; leave out --format (got 'qualtrics')
    """
    if fmt not in READABLE_FORMATS:
        raise NpsInputError(f"review exports are read as generic files; leave out --format (got {fmt!r})")
    if isinstance(mapping, ExportMapping) and not isinstance(mapping, ReviewMapping):
        raise NpsInputError("a survey mapping was given for reviews; give a review mapping (see nps_helpers.adapters.reviews)")
    settings = mapping if isinstance(mapping, ReviewMapping) or mapping is None else load_review_mapping(mapping)
    return [read_reviews(path, settings) for path in files]


def validate_reviews(
    raw: RawTable, plan: ReviewPlan, mapping: ReviewMapping, *, now: dt.datetime | None = None
) -> ValidatedFile:
    """Check every row: canonical reviews, and each bad row in rejects with its first bad value.

    Values are checked in the order stars, date, platform. The review id is the platform
    and the portal's id (``google:123``: two portals may use the same ids), or the
    platform and a hash of the row where the file has no id.

    Examples
    --------
    >>> import numpy as np
    >>> raw = RawTable("r.csv", pa.table({"d": ["2026-01-05", "2026-01-06"], "s": ["5", "0"], "p": ["Google", "x"]}),
    ...                np.array([2, 3]))
    >>> batch = validate_reviews(raw, ReviewPlan(stars="s", reviewed_at="d", platform="p"), ReviewMapping())
    >>> batch.responses["platform"].tolist(), batch.rejects[["column", "reason"]].values.tolist()
    (['google'], [['s', 'stars_out_of_range']])
    """
    data = raw.data
    platform = (
        platform_codes(data.column(plan.platform)) if plan.platform
        else pa.repeat(pa.scalar(plan.platform_value), data.num_rows)
    )
    checks = {
        plan.stars: (stars := parse_whole(data.column(plan.stars), low=1, high=5, name="stars")).reasons,
        plan.reviewed_at: (dates := _dates(raw, plan.reviewed_at, mapping, now)).reasons,
    }
    if plan.platform:
        checks[plan.platform] = pc.if_else(pc.equal(platform, ""), "platform_missing", pa.scalar(None, pa.string()))
    failed = pc.make_struct(*(pc.is_valid(reasons) for reasons in checks.values()))
    reason = pc.coalesce(*checks.values())
    bad = pc.indices_nonzero(pc.is_valid(reason))
    rejects = rejects_frame(
        raw.source,
        raw.rows[bad.to_numpy()],
        pc.take(pc.case_when(failed, *checks), bad).to_pylist(),
        pc.take(pc.case_when(failed, *(data.column(c).combine_chunks() for c in checks)), bad).to_pylist(),
        pc.take(reason, bad).to_pylist(),
    )
    keep = pc.is_null(reason)
    reviews = pa.table({
        "review_id": pc.filter(_review_ids(data, plan, platform), keep),
        "platform": pc.filter(platform, keep),
        "reviewed_at": pc.filter(dates.values, keep),
        "stars": pc.filter(stars.values, keep),
        "text": pc.filter(_blank_as_null(data.column(plan.text)) if plan.text else pa.nulls(data.num_rows, pa.string()), keep),
        "source_file": pa.repeat(pa.scalar(raw.source), pc.sum(keep).as_py() or 0),
        "source_row": pa.array(raw.rows[keep.to_numpy(zero_copy_only=False)], type=pa.int64()),
    })
    return ValidatedFile(
        source=raw.source,
        responses=reviews.to_pandas(),
        rejects=pd.concat([raw.broken, rejects], ignore_index=True).sort_values("source_row", kind="stable", ignore_index=True),
        unanswered=0,
        read=raw.read,
        timezone=naive_zone(data.column(plan.reviewed_at), date_format=mapping.date_format,
                            timezone=mapping.timezone),
    )


def _dates(raw: RawTable, column: str, mapping: ReviewMapping, now: dt.datetime | None):
    values = raw.data.column(column)
    try:
        parsed = parse_datetimes(values, date_format=mapping.date_format, timezone=mapping.timezone, now=now)
    except AmbiguousDates as err:
        raise NpsInputError(
            f"{raw.where(column, raw.rows[err.at])}: {values[err.at].as_py()!r} reads as day-first or month-first "
            "and no date in the column tells which; set date_format: day-first or month-first in the mapping file"
        ) from None
    # No readable date at all means the wrong column or format, not a file of bad rows.
    if pc.all(pc.is_null(parsed.values)).as_py() and pc.any(pc.equal(parsed.reasons, "date_unreadable")).as_py():
        at = pc.index(parsed.reasons, "date_unreadable").as_py()
        raise NpsInputError(
            f"{raw.where(column, raw.rows[at])}: {values[at].as_py()!r} is not a date I can read; "
            "set date_format in the mapping file (a strptime pattern such as '%d/%m/%Y %H:%M')"
        )
    return parsed


def _blank_as_null(values: pa.ChunkedArray) -> pa.Array:
    text = pc.utf8_trim_whitespace(values.combine_chunks())
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _review_ids(data: pa.Table, plan: ReviewPlan, platform: pa.Array) -> pa.Array:
    hashed = row_hash(data.append_column("(platform)", platform))
    ids = hashed if plan.review_id is None else pc.utf8_trim_whitespace(data.column(plan.review_id).combine_chunks())
    ids = pc.if_else(pc.equal(ids, ""), hashed, ids)
    return pc.binary_join_element_wise(platform, ids, ":")
