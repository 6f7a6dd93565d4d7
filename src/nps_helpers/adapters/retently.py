"""Retently feedback: a page of ``GET /api/v2/feedback`` (JSON) or a CSV of its fields.

Retently's API reference (retently.com/api) wraps every list in ``{"message", "code",
"data": {<records>, "page", "pages", "limit", "sort", "total"}}``; feedback records sit
under ``data.responses`` with ``{id, customerId, email, firstName, lastName, companyName,
companyId, jobTitle, country, state, city, tags, customProps, campaignId, campaignName,
createdDate, score, comment, feedbackTags, notes, status, ratingCategory, resolved,
channel, metricsType, isBogus}`` and ``createdDate`` in UTC (``2019-07-28T04:33:13.217Z``).
The field list is Airbyte's connector schema (airbytehq/airbyte,
``source-retently/manifest.yaml``), the ``responses`` key PostHog's connector
(``sources/retently/settings.py``); a bare list of such records (pages joined) reads too.

Campaign, channel and country become segments, as do the ``customProps`` (by ``name``);
feedback of another metric (``metricsType`` CSAT, CES, STAR) is rejected as
``not_nps_survey``. Retently's dashboard CSV layout is not published: a CSV is read when its
header carries the API's field names.
"""
from __future__ import annotations

from pathlib import Path

from .api_pages import (
    api_plan,
    field_columns,
    first_item,
    header_names,
    page_items,
    property_segments,
    set_aside,
)
from .generic import file_kind, read_table
from .mapping import ExportMapping
from .records import flatten, from_records, load_json
from .validate import ValidatedFile, validate_rows

PAGE = ("data", "responses")
PROPS = "customProps."
FIELDS = {"customerid", "createddate", "score"}
SEGMENTS = {"campaign": "campaignName", "channel": "channel", "country": "country"}


def matches_json(payload: object) -> bool:
    """Whether parsed JSON looks like a Retently feedback page (or a list of its records).

    Examples
    --------
    >>> matches_json({"code": 200, "data": {"responses": [{"id": "f1", "customerId": "c1", "score": 9,
    ...     "createdDate": "2019-07-28T04:33:13.217Z"}], "page": 1, "pages": 1}})
    True
    """
    first = first_item(payload, *PAGE) if isinstance(payload, dict) else first_item(payload)
    return {str(k).casefold() for k in first} >= FIELDS


def matches_csv(records: list[list[str]]) -> bool:
    """Whether the first records look like a CSV of Retently feedback fields.

    Examples
    --------
    >>> matches_csv([["id", "customerId", "email", "createdDate", "score", "comment"]])
    True
    """
    return header_names(records) >= FIELDS


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read a Retently feedback page (JSON) or a CSV of the same fields.

    Examples
    --------
    >>> import tempfile, json
    >>> p = Path(tempfile.mkdtemp()) / "retently.json"
    >>> _ = p.write_text(json.dumps({"message": "Success.", "code": 200, "data": {"responses": [
    ...     {"id": "f1", "customerId": "c1", "createdDate": "2019-07-28T04:33:13.217Z", "score": 9,
    ...      "comment": "Great", "metricsType": "NPS", "customProps": [{"name": "plan", "value": "Pro"}]},
    ...     {"id": "f2", "customerId": "c2", "createdDate": "2019-07-29T10:00:00.000Z", "score": 4,
    ...      "comment": None, "metricsType": "CSAT", "customProps": []}],
    ...     "page": 1, "pages": 3, "limit": 2, "total": 6}}))
    >>> batch = read(p)
    >>> batch.responses[["response_id", "customer_id", "score", "comment", "plan"]].to_dict("records")
    [{'response_id': 'f1', 'customer_id': 'c1', 'score': 9, 'comment': 'Great', 'plan': 'Pro'}]
    >>> batch.rejects[["source_row", "reason"]].values.tolist()
    [[2, 'not_nps_survey']]
    """
    if file_kind(path) == "json":
        raw = from_records(path.name, [_record(r) for r in page_items(load_json(path), path.name, *PAGE)])
    else:
        raw = read_table(path, mapping)
    raw = set_aside(raw, raw.resolve("metricsType"), "not_nps_survey", unless=("", "nps"))
    columns = field_columns(
        raw, response_id="id", responded_at="createdDate", score="score", comment="comment", customer_id="customerId"
    )
    found = {name: col for name, field in SEGMENTS.items() if (col := raw.resolve(field))}
    segments = {**property_segments(raw.columns, PROPS), **found}
    return validate_rows(raw, api_plan(raw, columns, segments, mapping))


def _record(item: dict) -> dict:
    """One feedback record, its ``customProps`` list as ``customProps.<name>`` fields."""
    props = item.get("customProps")
    rec = flatten({k: v for k, v in item.items() if k != "customProps"})
    for prop in props if isinstance(props, list) else ():
        name = (prop.get("name") or prop.get("label")) if isinstance(prop, dict) else None
        if name:
            rec[f"{PROPS}{name}"] = prop.get("value")
    return rec
