"""AskNicely responses: a page of ``GET /api/v1/responses`` as JSON or as its CSV format.

AskNicely's API reference (demo.asknice.ly/help/apidocs/responses; its example response is
transcribed in api-evangelist/asknicely ``examples/asknicely-examples.yml``) pages through
``/responses/<sort>/<pagesize>/<pagenumber>/<since_time>/<format>``: ``format`` json gives
``{"success", "total", "totalpages", "pagenumber", "pagesize", "since_time", "end_time",
"data": [...]}``, ``format`` csv the same records as rows. A record holds ``response_id,
person_id, contact_id, name, email, answer, answerlabel, comment, note, status, sent, opened,
responded, lastemailed, created, segment, question_type, published, publishedname`` plus
the account's custom fields, named in snake_case with a ``_c`` suffix; every value is text,
times are Unix seconds (UTC).

The customer id is ``person_id``, ``segment`` and the ``_c`` fields become segments, a
response to another leading metric (``question_type`` csat, 5star) is rejected as
``not_nps_survey``, and a survey sent but not answered (the ``raw`` filter lists those,
``answer`` blank) is counted unanswered. Comments are HTML-unescaped: public clients of
this API decode them (t1mmen/gatsby-source-asknicely, ``src/gatsby-node.js``, runs
``he.unescape`` on ``comment``).
"""
from __future__ import annotations

import dataclasses
import html
from pathlib import Path

import pyarrow as pa

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
from .raw import RawTable
from .validate import ValidatedFile, validate_rows

PAGE = ("data",)
FIELDS = {"response_id", "answer", "responded"}
CUSTOM_SUFFIX = "_c"


def matches_json(payload: object) -> bool:
    """Whether parsed JSON looks like an AskNicely responses page (or a list of its records).

    Examples
    --------
    >>> matches_json({"success": True, "totalpages": "2079", "pagenumber": "1",
    ...     "data": [{"response_id": "54120", "answer": "8", "responded": "1614192119"}]})
    True
    """
    first = first_item(payload, *PAGE) if isinstance(payload, dict) else first_item(payload)
    return set(first) >= FIELDS


def matches_csv(records: list[list[str]]) -> bool:
    """Whether the first records look like AskNicely's CSV response format.

    Examples
    --------
    >>> matches_csv([["response_id", "person_id", "name", "email", "answer", "comment", "responded"]])
    True
    """
    return header_names(records) >= FIELDS


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read an AskNicely responses page (JSON) or the same records as CSV.

    Examples
    --------
    >>> import tempfile, json
    >>> p = Path(tempfile.mkdtemp()) / "asknicely.json"
    >>> _ = p.write_text(json.dumps({"success": True, "total": "3", "totalpages": "1", "pagenumber": "1",
    ...     "data": [{"response_id": "54120", "person_id": "54121", "answer": "8", "comment": "Don&#39;t change",
    ...               "responded": "1614192119", "segment": "VIP", "question_type": "nps", "city_c": "Portland"},
    ...              {"response_id": "54122", "person_id": "54123", "answer": "4", "comment": "",
    ...               "responded": "1614192200", "segment": None, "question_type": "csat", "city_c": ""}]}))
    >>> batch = read(p)
    >>> batch.responses[["response_id", "customer_id", "score", "comment", "segment", "city"]].to_dict("records")
    [{'response_id': '54120', 'customer_id': '54121', 'score': 8, 'comment': "Don't change", 'segment': 'VIP', 'city': 'Portland'}]
    >>> str(batch.responses["responded_at"].iloc[0]), batch.rejects["reason"].tolist()
    ('2021-02-24 18:41:59+00:00', ['not_nps_survey'])
    """
    raw = set_aside(read_fields(path, mapping, *PAGE), "question_type", "not_nps_survey", unless=("", "nps"))
    columns = field_columns(
        raw, response_id="response_id", responded_at="responded", score="answer", comment="comment",
        customer_id="person_id",
    )
    segments = {"segment": col} if (col := raw.resolve("segment")) else {}
    plan = api_plan(raw, columns, {**property_segments(raw.columns, suffix=CUSTOM_SUFFIX), **segments}, mapping)
    return validate_rows(_unescaped(raw, plan.comment), plan)


def _unescaped(raw: RawTable, column: str | None) -> RawTable:
    """``column`` with HTML character references (``&#39;``, ``&amp;``) decoded."""
    if column is None:
        return raw
    at = raw.columns.index(column)
    text = pa.array([html.unescape(v) if v and "&" in v else v for v in raw.data.column(at).to_pylist()], pa.string())
    return dataclasses.replace(raw, data=raw.data.set_column(at, column, text))
