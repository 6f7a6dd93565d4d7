"""Delighted API exports (JSON): Unix-second times, null comments, person properties.

``person_properties`` become segments (``Plan`` -> ``plan``); responses to a survey type
other than NPS (CSAT, CES...) are rejected with reason ``not_nps_survey``.
"""
from __future__ import annotations

from pathlib import Path

from ..core.schema import DRIVER_PREFIX
from .detect import RESERVED, plan_for
from .mapping import Columns, ExportMapping, merged
from .raw import rejects_frame, snake
from .records import flatten, from_records, json_records, load_json
from .validate import ValidatedFile, validate_rows

PROPERTIES = "person_properties."


def matches(payload: object) -> bool:
    """Whether parsed JSON looks like Delighted responses.

    Examples
    --------
    >>> matches([{"id": "1", "person": "9", "survey_type": "nps", "score": 9, "created_at": 1}])
    True
    """
    first = payload[0] if isinstance(payload, list) and payload and isinstance(payload[0], dict) else {}
    return "survey_type" in first or {"person", "score", "created_at"} <= set(first)


def read(path: Path, mapping: ExportMapping | None = None) -> ValidatedFile:
    """Read a Delighted responses JSON file.

    Examples
    --------
    >>> import tempfile, json
    >>> p = Path(tempfile.mkdtemp()) / "d.json"
    >>> _ = p.write_text(json.dumps([
    ...     {"id": "7", "person": "p1", "survey_type": "nps", "score": 10, "comment": None,
    ...      "created_at": 1614556800, "person_properties": {"Plan": "Pro"}},
    ...     {"id": "8", "person": "p2", "survey_type": "csat", "score": 4, "comment": "ok",
    ...      "created_at": 1614556900, "person_properties": None}]))
    >>> batch = read(p)
    >>> batch.responses[["response_id", "score", "plan"]].to_dict("records"), batch.rejects["reason"].tolist()
    ([{'response_id': '7', 'score': 10, 'plan': 'Pro'}], ['not_nps_survey'])
    >>> str(batch.responses["responded_at"].iloc[0])
    '2021-03-01 00:00:00+00:00'
    """
    records = [flatten(r) for r in json_records(load_json(path), path.name)]
    other = [(i, r) for i, r in enumerate(records, 1) if str(r.get("survey_type") or "nps").casefold() != "nps"]
    skip = {i for i, _ in other}
    kept = [(i, r) for i, r in enumerate(records, 1) if i not in skip]
    raw = from_records(
        path.name,
        [r for _, r in kept],
        rows=[i for i, _ in kept],
        broken=rejects_frame(path.name, [i for i, _ in other], "survey_type", [r.get("survey_type") for _, r in other], "not_nps_survey"),
    )
    person = next((c for c in ("person.id", "person", "person.email") if c in raw.columns), None)
    base = ExportMapping(
        columns=Columns(
            response_id="id", responded_at="created_at", score="score",
            comment="comment" if "comment" in raw.columns else None, customer_id=person,
        ),
        segments=_segments(raw.columns),
        date_format="unix",
    )
    # Every Delighted response is its score: one without a score is broken, not unanswered.
    return validate_rows(raw, plan_for(raw, merged(base, mapping), blank_score="reject"))


def _segments(columns: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for col in columns:
        if col.startswith(PROPERTIES):
            name = snake(col[len(PROPERTIES):])[:40] or "property"
            if name in RESERVED or name.startswith(DRIVER_PREFIX) or not name[0].isalpha():
                name = f"property_{name}"[:40]
            out.setdefault(name, col)
    return out
