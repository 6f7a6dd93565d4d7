"""Wootric (InMoment) responses: a page of ``GET /v1/responses`` (JSON) or a CSV of its fields.

The shape is Wootric's API reference (docs.wootric.com/api, "Responses"; its source is
the public repository Wootric/slate, ``source/includes/_responses.md``): a bare JSON array
of ``{id, end_user_id, survey_id, score, text, completed, excluded_from_calculations,
ip_address, origin_url, created_at, updated_at, tags, notes, end_user: {properties}}``
with times written ``2016-12-16 09:05:00 -0800`` (local time and its offset). Pages are
picked with the ``page``/``per_page`` query parameters, so a page holds no paging fields.

The customer id is ``end_user_id`` (every response has it; a mapping may pick
``end_user.external_id`` or ``end_user.email``), end-user properties become segments, and
a response Wootric marks ``excluded_from_calculations`` is rejected with that reason.
Wootric's dashboard CSV layout is not published: a CSV is read when its header carries the
API's field names (as a JSON-to-CSV step writes them).
"""
from __future__ import annotations

from pathlib import Path

from .api_pages import (
    api_plan,
    field_columns,
    first_item,
    header_names,
    property_segments,
    read_fields,
    set_aside,
)
from .mapping import ExportMapping
from .validate import ValidatedFile, validate_rows

PROPERTIES = "end_user.properties."
EXCLUDED = "excluded_from_calculations"
FIELDS = {"end_user_id", "score", "created_at"}


def matches_json(payload: object) -> bool:
    """Whether parsed JSON looks like a Wootric responses page.

    Examples
    --------
    >>> matches_json([{"id": 1, "end_user_id": 1, "survey_id": 1, "score": 0, "created_at": "2016-12-16 09:05:00 -0800"}])
    True
    """
    return isinstance(payload, list) and set(first_item(payload)) >= FIELDS


def matches_csv(records: list[list[str]]) -> bool:
    """Whether the first records look like a CSV of Wootric response fields.

    Examples
    --------
    >>> matches_csv([["id", "end_user_id", "survey_id", "score", "text", "created_at"]])
    True
    """
    return header_names(records) >= FIELDS


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read a Wootric responses page (JSON) or a CSV of the same fields.

    Examples
    --------
    >>> import tempfile, json
    >>> p = Path(tempfile.mkdtemp()) / "wootric.json"
    >>> _ = p.write_text(json.dumps([
    ...     {"id": 1, "end_user_id": 11, "score": 0, "text": "Site is often slow.",
    ...      "excluded_from_calculations": False, "created_at": "2016-12-16 09:05:00 -0800",
    ...      "end_user": {"properties": {"pricing_plan": "Small Business"}}},
    ...     {"id": 2, "end_user_id": 12, "score": 10, "text": None, "excluded_from_calculations": True,
    ...      "created_at": "2016-12-16 09:10:43 -0800", "end_user": {"properties": {}}}]))
    >>> batch = read(p)
    >>> batch.responses[["response_id", "customer_id", "score", "pricing_plan"]].to_dict("records")
    [{'response_id': '1', 'customer_id': '11', 'score': 0, 'pricing_plan': 'Small Business'}]
    >>> str(batch.responses["responded_at"].iloc[0]), batch.rejects["reason"].tolist()
    ('2016-12-16 17:05:00+00:00', ['excluded_from_calculations'])
    """
    raw = set_aside(read_fields(path, mapping), EXCLUDED, EXCLUDED, unless=("", "false", "0"))
    columns = field_columns(
        raw, response_id="id", responded_at="created_at", score="score", comment="text", customer_id="end_user_id"
    )
    return validate_rows(raw, api_plan(raw, columns, property_segments(raw.columns, PROPERTIES), mapping))
