"""Typeform responses API exports (JSON): ``items`` with ``answers`` keyed by field.

Each answer becomes a column named by its field ``ref`` (its ``id`` is another name for
it, usable in a mapping). The NPS question is the one answer field of type ``nps``;
hidden fields become the customer id (``customer_id``, ``user_id``, ``email``) or segments.
"""
from __future__ import annotations

from pathlib import Path

from .detect import CUSTOMER_NAMES, RESERVED, find_score, plan_for
from .mapping import Columns, ExportMapping, merged
from .raw import RawTable, snake
from .records import from_records, json_records, load_json
from .validate import ValidatedFile, validate_rows

HIDDEN = "hidden."


def matches(payload: object) -> bool:
    """Whether parsed JSON looks like a Typeform responses payload.

    Examples
    --------
    >>> matches({"items": [{"token": "a", "submitted_at": "2021-01-01T00:00:00Z", "answers": []}]})
    True
    """
    items = payload.get("items") if isinstance(payload, dict) else None
    return isinstance(items, list) and bool(items) and isinstance(items[0], dict) and "answers" in items[0]


def answer_value(answer: dict) -> object:
    """The value of one Typeform answer, whatever its type.

    Examples
    --------
    >>> answer_value({"type": "number", "number": 9}), answer_value({"type": "choice", "choice": {"label": "Pro"}})
    (9, 'Pro')
    >>> answer_value({"type": "choices", "choices": {"labels": ["Price", "Speed"]}})
    'Price, Speed'

    """
    kind = answer.get("type")
    value = answer.get(kind) if isinstance(kind, str) else None
    if isinstance(value, dict):
        value = value.get("labels", value.get("label", value.get("other")))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read a Typeform responses JSON file.

    Examples
    --------
    >>> import tempfile, json
    >>> p = Path(tempfile.mkdtemp()) / "t.json"
    >>> _ = p.write_text(json.dumps({"items": [{"token": "tk1", "submitted_at": "2021-03-01T10:00:00Z",
    ...     "hidden": {"customer_id": "c9"}, "answers": [
    ...     {"field": {"id": "f1", "type": "nps", "ref": "nps"}, "type": "number", "number": 6},
    ...     {"field": {"id": "f2", "type": "long_text", "ref": "why"}, "type": "text", "text": "slow"}]}]}))
    >>> read(p).responses[["response_id", "customer_id", "score", "comment"]].to_dict("records")
    [{'response_id': 'tk1', 'customer_id': 'c9', 'score': 6, 'comment': 'slow'}]
    """
    items = json_records(load_json(path), path.name)
    records, labels, kinds = [], {}, {}
    for item in items:
        rec = {k: item.get(k) for k in ("response_id", "token", "landed_at", "submitted_at") if k in item}
        hidden = item.get("hidden")
        rec.update({f"{HIDDEN}{k}": v for k, v in (hidden.items() if isinstance(hidden, dict) else ())})
        for answer in item.get("answers") or []:
            field = answer.get("field") if isinstance(answer, dict) else None
            if not isinstance(field, dict):
                continue
            name = str(field.get("ref") or field.get("id"))
            rec[name] = answer_value(answer)
            kinds[name] = field.get("type")
            if field.get("id") and str(field["id"]) != name:
                labels[str(field["id"])] = name
        records.append(rec)
    raw = from_records(path.name, records, labels=labels)
    nps_fields = [c for c, kind in kinds.items() if kind == "nps"]
    long_texts = [c for c, kind in kinds.items() if kind == "long_text"]
    hidden_cols = [c for c in raw.columns if c.startswith(HIDDEN)]
    customer = next((c for c in hidden_cols if c[len(HIDDEN):].casefold() in CUSTOMER_NAMES), None)
    base = ExportMapping(
        columns=Columns(
            response_id=next((c for c in ("response_id", "token") if c in raw.columns), None),
            responded_at="submitted_at" if "submitted_at" in raw.columns else None,
            score=None if mapping and mapping.columns.score else _nps_field(raw, nps_fields),
            comment=long_texts[0] if len(long_texts) == 1 else None,
            customer_id=customer,
        ),
        segments={
            name: c for c in hidden_cols if c != customer
            for name in [snake(c[len(HIDDEN):])[:40]] if name and name[0].isalpha() and name not in RESERVED
        },
    )
    return validate_rows(raw, plan_for(raw, merged(base, mapping)))


def _nps_field(raw: RawTable, fields: list[str]) -> str | None:
    """The answer field Typeform types as ``nps``; several go through the wording check."""
    if len(fields) > 1:
        return find_score(raw, among=fields)
    return fields[0] if fields else None
