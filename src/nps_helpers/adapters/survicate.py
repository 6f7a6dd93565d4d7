"""Survicate responses: a page of the Data Export API v2 (JSON) or a CSV of its fields.

``GET /v2/surveys/{survey_id}/responses`` (developers.survicate.com/data-export/response)
returns ``{"data": [...], "pagination_data": {"has_more", "next_url"}}``. Survicate's
pages do not spell out the record, so its shape is taken from Airbyte's connector, whose
schema was read from live responses (airbytehq/airbyte, ``source-survicate/manifest.yaml``):
``{uuid, collected_at ("2024-05-06T10:00:00.000000Z", UTC), device_type, language,
operating_system, url, respondent: {uuid, attributes}, answers: [{question_id,
question_type, answer: {id, content, rating}}]}``; Fivetran's schema of the same API has the
same fields (``response``, ``nps_response`` tables).

Each answer becomes a column ``question_<question_id>``. The NPS question is the one answer
of type ``nps``; its score is the answer's ``content`` (Fivetran's ``answer_content``), and
when that is not a number its ``rating`` or ``id`` (Survicate's webhook documents NPS answers
with the score as ``id``). The comment is the first ``text`` answer after it. The respondent's
``uuid`` is the customer id, their attributes (``{name, value}``) become segments, and a
response without the NPS answer (Survicate keeps partly completed responses) is counted
unanswered. Survicate's dashboard CSV layout is not published: a CSV is read when its header
has the API's ``respondent_uuid`` and ``collected_at`` (as Fivetran names them); with
``--format survicate`` a ``Respondent ID``/``Date`` layout reads too, the NPS question found
by its wording.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import NpsInputError
from .api_pages import (
    field_columns,
    first_item,
    header_names,
    page_items,
    property_segments,
    seconds_or_detect,
)
from .detect import plan_for
from .generic import file_kind, read_table
from .mapping import Columns, ExportMapping, merged
from .raw import RawTable
from .records import from_records, load_json
from .validate import ValidatedFile, validate_rows

PAGE = ("data",)
ATTRIBUTES = "attribute."
QUESTION = "question_"
NPS, TEXT = "nps", "text"
RESPONDENT = ("respondent.uuid", "respondent_uuid", "respondent uuid", "respondent id")
COLLECTED = ("collected_at", "collected at")


def matches_json(payload: object) -> bool:
    """Whether parsed JSON looks like a Survicate responses page (or a list of its records).

    Examples
    --------
    >>> matches_json({"data": [{"uuid": "r1", "collected_at": "2024-05-06T10:00:00.000000Z", "answers": []}],
    ...               "pagination_data": {"has_more": False, "next_url": None}})
    True
    """
    first = first_item(payload, *PAGE) if isinstance(payload, dict) else first_item(payload)
    return "collected_at" in first and isinstance(first.get("answers"), list)


def matches_csv(records: list[list[str]]) -> bool:
    """Whether the first records look like a CSV of Survicate response fields.

    Examples
    --------
    >>> matches_csv([["uuid", "collected_at", "respondent_uuid", "How likely are you to recommend us?"]])
    True
    """
    header = header_names(records)
    return bool(header & set(RESPONDENT[:3])) and bool(header & set(COLLECTED))


def answer_value(answer: dict) -> object:
    """The value of one answer: an NPS answer's score, else its content (or rating).

    Examples
    --------
    >>> answer_value({"question_type": "nps", "answer": {"id": 9, "content": "9"}})
    '9'
    >>> answer_value({"question_type": "nps", "answer": {"id": 9, "content": "promoter"}})
    9
    >>> answer_value({"question_type": "text", "answer": {"content": "Too slow"}})
    'Too slow'
    """
    value = answer.get("answer")
    if not isinstance(value, dict):
        return value
    if answer.get("question_type") == NPS:
        scores = [v for v in (value.get("content"), value.get("rating"), value.get("id")) if _whole(v)]
        return scores[0] if scores else value.get("content")
    return value.get("content", value.get("rating"))


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read a Survicate responses page (JSON) or a CSV of the same fields.

    Examples
    --------
    >>> import tempfile, json
    >>> p = Path(tempfile.mkdtemp()) / "survicate.json"
    >>> _ = p.write_text(json.dumps({"data": [
    ...     {"uuid": "r1", "collected_at": "2024-05-06T10:00:00.000000Z",
    ...      "respondent": {"uuid": "v1", "attributes": [{"name": "plan", "value": "Pro"}]},
    ...      "answers": [{"question_id": 7, "question_type": "nps", "answer": {"id": 9, "content": "9"}},
    ...                  {"question_id": 8, "question_type": "text", "answer": {"content": "Fast"}}]},
    ...     {"uuid": "r2", "collected_at": "2024-05-06T11:00:00.000000Z", "respondent": {"uuid": "v2"},
    ...      "answers": []}], "pagination_data": {"has_more": True, "next_url": "/surveys/s/responses?start=r2"}}))
    >>> batch = read(p)
    >>> batch.responses[["response_id", "customer_id", "score", "comment", "plan"]].to_dict("records")
    [{'response_id': 'r1', 'customer_id': 'v1', 'score': 9, 'comment': 'Fast', 'plan': 'Pro'}]
    >>> batch.unanswered
    1
    """
    if file_kind(path) != "json":
        raw = read_table(path, mapping)
        base = ExportMapping(
            columns=field_columns(
                raw, response_id=("uuid", "response_uuid", "response uuid", "response id"),
                responded_at=(*COLLECTED, "date"), customer_id=RESPONDENT,
            ),
        )
    else:
        kinds: dict[str, str] = {}
        raw = from_records(path.name, [_record(r, kinds) for r in page_items(load_json(path), path.name, *PAGE)])
        score = _nps_column(kinds, raw, mapping)
        texts = [col for col, kind in kinds.items() if kind == TEXT]
        after = [col for col in texts if score and raw.columns.index(col) > raw.columns.index(score)]
        base = ExportMapping(
            columns=Columns(
                **field_columns(raw, response_id="uuid", responded_at="collected_at", customer_id="respondent.uuid")
                .model_dump(exclude_none=True),
                score=score,
                comment=next(iter(after or texts), None),
            ),
            segments=property_segments(raw.columns, ATTRIBUTES),
        )
    base = base.model_copy(update={"date_format": seconds_or_detect(raw, base.columns.responded_at)})
    return validate_rows(raw, plan_for(raw, merged(base, mapping), blank_score="unanswered"))


def _record(item: dict, kinds: dict[str, str]) -> dict:
    """One response as flat fields; ``kinds`` collects each answer column's question type."""
    rec = {k: item.get(k) for k in ("uuid", "collected_at", "language", "device_type", "url") if k in item}
    respondent = item.get("respondent")
    if isinstance(respondent, dict):
        rec["respondent.uuid"] = respondent.get("uuid")
        attributes = respondent.get("attributes")
        if isinstance(attributes, dict):
            pairs = list(attributes.items())
        elif isinstance(attributes, list):
            pairs = [(a.get("name"), a.get("value")) for a in attributes if isinstance(a, dict)]
        else:
            pairs = []
        rec.update({f"{ATTRIBUTES}{name}": value for name, value in pairs if name})
    answers = item.get("answers")
    for answer in answers if isinstance(answers, list) else ():
        if isinstance(answer, dict) and answer.get("question_id") is not None:
            name = f"{QUESTION}{answer['question_id']}"
            rec[name] = answer_value(answer)
            kinds.setdefault(name, str(answer.get("question_type")))
    return rec


def _nps_column(kinds: dict[str, str], raw: RawTable, mapping: ExportMapping | None) -> str | None:
    """The one answer column of type nps; several need the mapping to name one."""
    if mapping is not None and mapping.columns.score:
        return None
    found = [col for col, kind in kinds.items() if kind == NPS]
    if len(found) > 1:
        raise NpsInputError(
            f"{raw.source}: several NPS questions ({', '.join(found)}); name the one to use in a mapping "
            "file (columns: {score: <column>})"
        )
    return found[0] if found else None


def _whole(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.strip().isdigit())

