"""Steps shared by the adapters of NPS tools read from an API page (JSON) or a CSV of its fields.

Survicate, Wootric, Retently and AskNicely hand out their responses as pages of JSON
records; their CSV files carry the same fields as columns. Each adapter names the fields,
these helpers find them, set aside the rows the tool itself says are not NPS answers, and
turn property fields into segments.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..core.schema import DRIVER_PREFIX
from .cells import trimmed
from .detect import RESERVED, plan_for
from .generic import file_kind, read_table
from .mapping import Columns, ExportMapping, GivenDate, merged
from .raw import RawTable, rejects_frame, snake
from .records import flatten, from_records, json_records, load_json
from .validate import Plan


def header_names(records: list[list[str]]) -> set[str]:
    """The first record's cells as names to compare: white space folded, case folded.

    Examples
    --------
    >>> sorted(header_names([[" Score ", "created_At"], ["9", "2021-01-01"]]))
    ['created_at', 'score']
    """
    return {" ".join(c.split()).casefold() for c in records[0]} if records else set()


def first_item(payload: object, *keys: str) -> dict:
    """The first record of a page: under ``keys`` in an object, or the first of a list ({} if none).

    Examples
    --------
    >>> first_item({"data": {"responses": [{"id": "a"}]}, "code": 200}, "data", "responses")
    {'id': 'a'}
    >>> first_item([{"id": 1}]), first_item("text", "data")
    ({'id': 1}, {})
    """
    for key in keys:
        payload = payload.get(key) if isinstance(payload, dict) else None
    return payload[0] if isinstance(payload, list) and payload and isinstance(payload[0], dict) else {}


def page_items(payload: object, source: str, *keys: str) -> list[dict]:
    """The records of one API page: the list under ``keys`` (paging fields beside it are
    left out), or the records of a bare list.

    Examples
    --------
    >>> page_items({"data": [{"id": 1}], "pagenumber": "2", "totalpages": "3"}, "p.json", "data")
    [{'id': 1}]
    >>> page_items([{"id": 1}, {"id": 2}], "p.json", "data")
    [{'id': 1}, {'id': 2}]
    """
    found = payload
    for key in keys:
        if not isinstance(found, dict):
            break
        found = found.get(key)
    if isinstance(found, list) and all(isinstance(item, dict) for item in found):
        return found
    return json_records(payload, source)


def read_fields(path: Path, mapping: ExportMapping | None, *keys: str) -> RawTable:
    """One export as text: a JSON page's records (nested fields as dotted names), or a
    CSV/TSV/XLSX/Parquet file of the same fields.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text("id,score\\n7,9\\n")
    >>> read_fields(p, None).data.to_pydict()
    {'id': ['7'], 'score': ['9']}
    """
    if file_kind(path) != "json":
        return read_table(path, mapping)
    return from_records(path.name, [flatten(r) for r in page_items(load_json(path), path.name, *keys)])


def field_columns(raw: RawTable, **names: str | tuple[str, ...]) -> Columns:
    """Each canonical column from the first of its field names the file has (else unset).

    Examples
    --------
    >>> import numpy as np
    >>> raw = RawTable("a.csv", pa.table({"ID": ["1"], "score": ["9"]}), np.array([2]))
    >>> cols = field_columns(raw, response_id=("uuid", "id"), score="score", comment="text")
    >>> cols.response_id, cols.score, cols.comment
    ('ID', 'score', None)
    """
    found = {}
    for key, options in names.items():
        options = (options,) if isinstance(options, str) else options
        found[key] = next((col for name in options if (col := raw.resolve(name))), None)
    return Columns(**found)


def set_aside(raw: RawTable, column: str | None, reason: str, *, unless: Iterable[str]) -> RawTable:
    """Rows whose ``column`` (trimmed, any case) is not one of ``unless`` move to the rejects
    with ``reason``: the tool marks them as not NPS answers. No such column changes nothing.

    Examples
    --------
    >>> import numpy as np
    >>> raw = RawTable("a.json", pa.table({"score": ["9", "4"], "type": ["NPS", "csat"]}), np.array([1, 2]))
    >>> kept = set_aside(raw, "type", "not_nps_survey", unless=["nps"])
    >>> kept.data.to_pydict(), kept.broken[["source_row", "value", "reason"]].values.tolist(), kept.read
    ({'score': ['9'], 'type': ['NPS']}, [[2, 'csat', 'not_nps_survey']], 2)
    """
    if column is None or column not in raw.columns:
        return raw
    values = raw.data.column(column)
    keep = pc.is_in(pc.utf8_lower(trimmed(values)), value_set=pa.array(list(unless), type=pa.string()))
    if pc.all(keep).as_py():
        return raw
    drop = pc.indices_nonzero(pc.invert(keep)).to_numpy()
    aside = rejects_frame(raw.source, raw.rows[drop], column, pc.take(values, drop).to_pylist(), reason)
    return dataclasses.replace(
        raw,
        data=raw.data.filter(keep),
        rows=raw.rows[keep.to_numpy(zero_copy_only=False)],
        broken=pd.concat([raw.broken, aside], ignore_index=True),
    )


def property_segments(columns: Iterable[str], prefix: str = "", suffix: str = "") -> dict[str, str]:
    """Segments from the tool's property fields (named ``<prefix><name><suffix>``), one per name.

    A name taken by a core column, or not starting with a letter, becomes ``property_<name>``.

    Examples
    --------
    >>> property_segments(["end_user.properties.Pricing Plan", "score", "end_user.properties.score"],
    ...                   "end_user.properties.")
    {'pricing_plan': 'end_user.properties.Pricing Plan', 'property_score': 'end_user.properties.score'}
    >>> property_segments(["city_c", "response_id"], suffix="_c")
    {'city': 'city_c'}
    """
    out: dict[str, str] = {}
    for col in columns:
        core = col[len(prefix): len(col) - len(suffix)]
        if not (col.startswith(prefix) and col.endswith(suffix) and core):
            continue
        name = snake(core)[:40] or "property"
        if name in RESERVED or name.startswith(DRIVER_PREFIX) or not name[0].isalpha():
            name = f"property_{name}"[:40]
        out.setdefault(name, col)
    return out


def seconds_or_detect(raw: RawTable, column: str | GivenDate | None) -> str | None:
    """'unix' when every filled ``column`` value is whole seconds since 1970, else None (detect);
    None too for a date given for every row (no column to read).

    Examples
    --------
    >>> import numpy as np
    >>> raw = RawTable("a", pa.table({"sent": ["1614192119", ""], "at": ["2021-02-24", "1"]}), np.array([1, 2]))
    >>> seconds_or_detect(raw, "sent"), seconds_or_detect(raw, "at")
    ('unix', None)
    """
    if not isinstance(column, str) or column not in raw.columns:
        return None
    values = trimmed(raw.data.column(column))
    filled = pc.filter(values, pc.greater(pc.utf8_length(values), 0))
    return "unix" if len(filled) and pc.all(pc.match_substring_regex(filled, r"^\d+$")).as_py() else None


def api_plan(raw: RawTable, columns: Columns, segments: dict[str, str], mapping: ExportMapping | None) -> Plan:
    """The plan of an API tool's records: its fields, segments and time format, under the
    user's mapping; a blank score is an unanswered survey.

    Examples
    --------
    >>> raw = from_records("page.json", [{"id": 1, "score": 9, "created_at": 1614643200}])
    >>> plan = api_plan(raw, field_columns(raw, response_id="id", responded_at="created_at", score="score"), {}, None)
    >>> plan.score, plan.date_format, plan.blank_score
    ('score', 'unix', 'unanswered')
    """
    base = ExportMapping(columns=columns, segments=segments, date_format=seconds_or_detect(raw, columns.responded_at))
    return plan_for(raw, merged(base, mapping), blank_score="unanswered")

