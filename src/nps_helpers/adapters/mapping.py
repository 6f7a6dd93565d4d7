"""The mapping file: which source column holds which canonical column, and how to read it.

A mapping is YAML, every key optional::

    columns: {response_id: Id, responded_at: Data, score: "Ocena (0-10)", comment: Komentarz}
    segments: {region: Region}
    drivers: {price: "Cena (1-5)"}
    date_format: day-first        # or month-first, unix, or a strptime pattern like '%d.%m.%Y'
    encoding: cp1250
    delimiter: ";"
    timezone: Europe/Warsaw       # zone of times written without an offset
    sheet: Responses              # the sheet of a workbook with several
    header_row: 3                 # the spreadsheet row of the column names (found if left out)

A file without dates (one survey wave) takes one date for every row, recorded as given
rather than read: ``columns: {responded_at: {value: 2020-06-30}}`` (or ``--date``).
Whatever the mapping leaves out is detected from the file.
"""
from __future__ import annotations

import codecs
import datetime as dt
import os
import re
import zoneinfo

from pydantic import Field, field_validator

from ..config.params import Strict, load_yaml_model

DATE_ORDERS = ("day-first", "month-first")
_SAFE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class GivenDate(Strict):
    """One date for every row of a file that has none (a survey wave), given by the user."""

    value: dt.date


class Columns(Strict):
    """Source column (header text) of each canonical column; unset ones are detected.

    Examples
    --------
    >>> Columns(responded_at={"value": "2020-06-30"}).responded_at
    GivenDate(value=datetime.date(2020, 6, 30))
    """

    response_id: str | None = Field(
        None, description="The tool's response id; else rows are told apart by customer id or place in the file."
    )
    responded_at: str | GivenDate | None = Field(
        None, description="When the response was given: a column, or {value: DATE} for every row."
    )
    score: str | None = Field(None, description="The 0-10 'how likely to recommend' answer.")
    comment: str | None = None
    customer_id: str | None = None
    language: str | None = None
    csat: str | None = Field(None, description="CSAT rating, 1-5.")
    ces: str | None = Field(None, description="Customer effort score, 1-7.")


class ExportMapping(Strict):
    """How to read one export (see the module docstring for the YAML shape).

    Examples
    --------
    >>> ExportMapping(columns={"score": "Q1"}, date_format="day-first").columns.score
    'Q1'
    """

    columns: Columns = Field(default_factory=Columns)
    segments: dict[str, str] = Field(
        default_factory=dict, description="Segment name (snake_case) -> source column."
    )
    drivers: dict[str, str] = Field(
        default_factory=dict, description="Driver name (snake_case) -> source rating column."
    )
    date_format: str | None = Field(
        None, description="'day-first', 'month-first', 'unix' or a strptime pattern."
    )
    encoding: str | None = None
    delimiter: str | None = None
    timezone: str = Field("UTC", description="IANA zone of times written without an offset.")
    sheet: str | None = Field(None, description="Workbook sheet to read (XLSX only).")
    header_row: int | None = Field(
        None, ge=1, description="Spreadsheet row (1-based) of the column names; found when unset."
    )

    @field_validator("segments", "drivers")
    @classmethod
    def _snake_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not _SAFE_NAME.match(name):
                raise ValueError(f"{name!r} must be snake_case: a-z, digits and '_', up to 40")
        return value

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, value: str | None) -> str | None:
        if value is None or value in (*DATE_ORDERS, "unix") or "%" in value:
            return value
        raise ValueError("use day-first, month-first, unix or a strptime pattern such as '%d.%m.%Y'")

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            return codecs.lookup(value).name
        except LookupError:
            raise ValueError(f"unknown encoding {value!r} (try utf-8, cp1250, cp1251, cp1252, latin-1)") from None

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, value: str | None) -> str | None:
        if value is None:
            return value
        value = {"tab": "\t", "\\t": "\t"}.get(value, value)
        if len(value) != 1 or value in "\"\r\n":
            raise ValueError("give one character: ',', ';', '|' or tab")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/Warsaw)") from None
        return value


def load_mapping(path: str | os.PathLike) -> ExportMapping:
    """Read a mapping YAML file; a wrong key or value names the file and the key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "map.yaml"
    >>> _ = p.write_text("columns: {score: Q1}\\ndelimiter: ';'\\n")
    >>> load_mapping(p).delimiter
    ';'
    """
    return load_yaml_model(path, ExportMapping)


def merged(base: ExportMapping, user: ExportMapping | None) -> ExportMapping:
    """A tool's default mapping with the user's on top: every key the user set wins.

    Examples
    --------
    >>> tool = ExportMapping(columns={"score": "Q5", "response_id": "ResponseId"}, timezone="Europe/Berlin")
    >>> both = merged(tool, ExportMapping(columns={"score": "Q7"}))
    >>> both.columns.score, both.columns.response_id, both.timezone
    ('Q7', 'ResponseId', 'Europe/Berlin')
    """
    if user is None:
        return base
    set_by_user = {k: getattr(user.columns, k) for k in user.columns.model_fields_set}
    columns = base.columns.model_copy(update={k: v for k, v in set_by_user.items() if v is not None})
    update = {k: getattr(user, k) for k in user.model_fields_set - {"columns"}}
    return base.model_copy(update={**update, "columns": columns})
