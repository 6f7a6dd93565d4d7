"""Find the canonical columns of an export: the NPS question by its wording, the rest by name.

The NPS question is the column whose header (or question text) speaks of recommending,
in English, Polish, Slovenian, Russian, German, Spanish, Portuguese, French, Italian or
Dutch (or is named NPS, LTR, Net Promoter), and whose answers are 0-10. When no column or
several fit, the error lists the candidates and asks for a mapping file. Headers are
matched word by word, with ``snake_case`` and ``camelCase`` split into words.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from ..core.schema import DRIVER_PREFIX, RESPONSE_CORE, RESPONSE_TRACE
from ..errors import NpsInputError
from .cells import no_answer, trimmed
from .mapping import Columns, ExportMapping, GivenDate
from .raw import RawTable, snake
from .validate import Plan, parse_scores

# Matched against words(header): en, pl, sl, ru, de, then es, pt, fr, it, nl. A header that
# is just 'text' is an export's free text; Qualtrics' '_TEXT' suffix is any text entry.
SCORE_WORDS = re.compile(
    r"recommend|\bnps\b|\bltr\b|net promoter|polec|rekomend|priporo[čc]|рекоменд|empfehl|"
    r"recomiend|recomend|indicaria|recommand|raccomand|consiglier|consigliare|aanbe(?:vel|veel)|aanra(?:ad|de)",
    re.IGNORECASE,
)
COMMENT_WORDS = re.compile(
    r"comment|\bwhy\b|reason|feedback|remark|suggest|verbatim|^(?:free )?text$|komentar|uwag|dlaczego|zakaj|pripomb|"
    r"коммент|почему|причин|kommentar|warum|grund|anmerk|"
    r"coment|\bpor ?qu|motivo|raz[oó]n|razão|explica|sugeren|sugest|observa|"
    r"pourquoi|raison|remarqu|perch[eé]|spiegaz|osservaz|suggeri|waarom|opmerking|toelichting",
    re.IGNORECASE,
)
# Names tried in order; the first that a column bears (ignoring case and spaces) wins.
DATE_NAMES = (
    "responded_at", "submitted_at", "submitted", "recordeddate", "recorded date", "enddate",
    "end date", "timestamp", "date submitted", "created_at", "created", "date", "datum", "data",
    "дата", "sygnatura czasowa", "zeitstempel", "časovni žig", "отметка времени",
    "fecha", "marca temporal", "carimbo de data/hora", "horodateur", "horodatage",
    "informazioni cronologiche", "tijdstempel",
)
ID_NAMES = (
    "response_id", "responseid", "response id", "respondent id", "respondent_id", "_recordid",
    "submission id", "submission_id", "token", "id",
)
CUSTOMER_NAMES = (
    "customer_id", "customer id", "customerid", "customer", "user_id", "user id", "account_id",
    "account id", "email", "e-mail", "email address", "adres e-mail", "e-mail-adresse",
)
LANGUAGE_NAMES = (
    "language", "userlanguage", "lang", "język", "jezik", "язык", "sprache", "idioma", "langue", "lingua", "taal",
)
SEGMENT_NAMES = (
    "region", "market", "country", "plan", "segment", "touchpoint", "channel", "product", "tier",
    "branch", "store", "department",
)
RESERVED = {*RESPONSE_CORE, *RESPONSE_TRACE, "client_id"}
SAMPLE_ROWS = 5000
_DATE_LIKE = r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"


def words(header: str) -> str:
    """A header as lower-case words: ``snake_case``, ``camelCase`` and punctuation split.

    Examples
    --------
    >>> words("NPS_Score"), words("npsScore"), words("NPSScore"), words("Likelihood to recommend (0-10)")
    ('nps score', 'nps score', 'nps score', 'likelihood to recommend 0 10')
    """
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])", " ", header)
    return " ".join(re.sub(r"[\W_]+", " ", spaced).split()).casefold()


def _sample(raw: RawTable, column: str) -> pa.Array:
    values = trimmed(raw.data.column(column).slice(0, SAMPLE_ROWS))
    return pc.filter(values, pc.invert(no_answer(values)))


def holds_scores(raw: RawTable, column: str, *, share: float = 0.8) -> bool:
    """Whether some, and at least ``share``, of the answered values of ``column`` (in the
    first rows; blank and ``NA`` left out) are whole 0-10, bare or labelled.

    Examples
    --------
    >>> raw = RawTable("a.csv", pa.table({"q": ["9", "10", "", "x"]}), __import__("numpy").arange(4))
    >>> holds_scores(raw, "q", share=0.6), holds_scores(raw, "q")
    (True, False)
    """
    values = _sample(raw, column)
    valid = pc.sum(pc.is_null(parse_scores(values).reasons)).as_py() or 0
    return valid > 0 and valid >= share * len(values)


def find_score(raw: RawTable, *, among: Sequence[str] | None = None) -> str:
    """The NPS question: the one column worded like it that holds 0-10 answers.

    ``among`` limits the search (Qualtrics: question columns only). Raises with the
    candidates listed when no column, or more than one, fits.

    Examples
    --------
    >>> import numpy as np
    >>> raw = RawTable("a.csv", pa.table({"Jak chętnie polecisz nas znajomym?": ["9"], "Wiek": ["9"]}),
    ...                np.array([2]))
    >>> find_score(raw)
    'Jak chętnie polecisz nas znajomym?'
    """
    columns = list(among if among is not None else raw.columns)
    worded = [c for c in columns if any(SCORE_WORDS.search(words(t)) for t in raw.texts(c))]
    # The wording already points at the question: half its answers 0-10 is enough, and a
    # messy export (most answers bad) still counts when no cleaner worded column exists.
    # A column found by its answers alone must be mostly 0-10 to be listed.
    clean = [c for c in worded if holds_scores(raw, c, share=0.5)]
    worded = clean or [c for c in worded if holds_scores(raw, c, share=0.0)]
    if len(worded) == 1:
        return worded[0]
    fix = "name the NPS question in a mapping file (columns: {score: <column>})"
    if worded:
        raise NpsInputError(
            f"{raw.where()}: several columns could be the NPS question ({_listing(worded)}); {fix}{raw.header_taken()}"
        )
    scored = [c for c in columns if holds_scores(raw, c)]
    if scored:
        raise NpsInputError(
            f"{raw.where()}: no column is worded like the NPS question ('how likely ... recommend'); "
            f"columns with 0-10 answers: {_listing(scored)}; {fix}{raw.header_taken()}"
        )
    raise NpsInputError(
        f"{raw.where()}: no column holds 0-10 answers, so this does not look like an NPS export; {fix}{raw.header_taken()}"
    )


def _listing(columns: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(repr(c if len(c) <= 80 else c[:77] + "...") for c in columns[:limit])
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def find_named(raw: RawTable, names: Sequence[str], *, skip: Sequence[str] = ()) -> str | None:
    """The first column (in the order of ``names``) whose header is one of ``names``.

    Examples
    --------
    >>> import numpy as np
    >>> find_named(RawTable("a", pa.table({"ID": ["1"], "Email": ["a@b"]}), np.array([2])), ID_NAMES)
    'ID'
    """
    folded = {" ".join(c.split()).casefold(): c for c in reversed(raw.columns) if c not in skip}
    return next((folded[n] for n in names if n in folded), None)


def find_date(raw: RawTable, *, skip: Sequence[str] = ()) -> str | None:
    """The response time column: a date-like name (exact, then as a word) with date-like values.

    Examples
    --------
    >>> import numpy as np
    >>> find_date(RawTable("a", pa.table({"Survey date": ["01/09/2021"], "NPS": ["9"]}), np.array([2])))
    'Survey date'
    """
    def dated(col: str) -> bool:
        values = _sample(raw, col)
        return len(values) > 0 and pc.sum(pc.match_substring_regex(values, _DATE_LIKE)).as_py() >= 0.5 * len(values)

    exact = find_named(raw, DATE_NAMES, skip=skip)
    if exact and dated(exact):
        return exact
    for name in DATE_NAMES:
        word = re.compile(rf"(^| ){re.escape(words(name))}($| )")
        for col in raw.columns:
            if col not in skip and word.search(words(col)) and dated(col):
                return col
    return None


def find_comment(raw: RawTable, score: str, *, skip: Sequence[str] = ()) -> str | None:
    """The free-text answer about the score: worded like 'why' or 'comment', nearest after it.

    Examples
    --------
    >>> import numpy as np
    >>> raw = RawTable("a", pa.table({"NPS": ["9"], "Why?": ["fast"], "Other comment": ["-"]}), np.array([2]))
    >>> find_comment(raw, "NPS")
    'Why?'
    """
    columns = raw.columns
    worded = [
        c for c in columns
        if c not in (score, *skip) and any(COMMENT_WORDS.search(words(t)) for t in raw.texts(c)) and not holds_scores(raw, c)
    ]
    if not worded:
        return None
    after = [c for c in worded if columns.index(c) > columns.index(score)]
    return after[0] if after else worded[0]


def plan_for(
    raw: RawTable,
    mapping: ExportMapping | None = None,
    *,
    among: Sequence[str] | None = None,
    blank_score: Literal["reject", "unanswered"] = "unanswered",
) -> Plan:
    """Resolve a mapping against the file's columns and detect what it leaves out.

    A blank score is counted as unanswered unless ``blank_score`` is 'reject'.
    A date given for every row (``responded_at: {value: DATE}``) takes the place of a
    date column; without either the error asks for one.

    Examples
    --------
    >>> import numpy as np
    >>> raw = RawTable("a.csv", pa.table({"Date": ["2021-01-02"], "Ocena": ["9"], "Region": ["EU"]}),
    ...                np.array([2]))
    >>> plan = plan_for(raw, ExportMapping(columns={"score": "ocena"}))
    >>> plan.score, plan.responded_at, dict(plan.segments)
    ('Ocena', 'Date', {'region': 'Region'})
    """
    mapping = mapping or ExportMapping()
    wave = mapping.columns.responded_at if isinstance(mapping.columns.responded_at, GivenDate) else None
    given = {
        k: mapped_column(raw, v, f"columns.{k}")
        for k in Columns.model_fields
        if isinstance(v := getattr(mapping.columns, k), str) and v
    }
    score = given.get("score") or find_score(raw, among=among)
    used = [score, *given.values()]
    responded_at = None if wave else given.get("responded_at") or find_date(raw, skip=used)
    if responded_at is None and wave is None:
        raise NpsInputError(
            f"{raw.where()}: no date column found (looked for names like 'date', 'timestamp', "
            "'submitted'); name it in a mapping file (columns: {responded_at: <column>}), or give the "
            "survey's date to every row with --date YYYY-MM-DD (columns: {responded_at: {value: YYYY-MM-DD}})"
            f"{raw.header_taken()}"
        )
    if responded_at:
        used.append(responded_at)
    # The score goes to Plan on its own: it is the one column that is never None.
    found: dict[str, str | None] = {k: v for k, v in given.items() if k != "score"}
    found["responded_at"] = responded_at
    for key, names in (("response_id", ID_NAMES), ("customer_id", CUSTOMER_NAMES), ("language", LANGUAGE_NAMES),
                       ("csat", ("csat",)), ("ces", ("ces",))):
        if key not in found and (col := find_named(raw, names, skip=used)):
            found[key] = col
            used.append(col)
    if "comment" not in found and (col := find_comment(raw, score, skip=used)):
        found["comment"] = col
        used.append(col)
    drivers = {k: mapped_column(raw, v, f"drivers.{k}") for k, v in mapping.drivers.items()} or {
        c[len(DRIVER_PREFIX):]: c for c in raw.columns if c.startswith(DRIVER_PREFIX) and c not in used
    }
    segments = {k: mapped_column(raw, v, f"segments.{k}") for k, v in mapping.segments.items()} or {
        snake(c): c for c in raw.columns if " ".join(c.split()).casefold() in SEGMENT_NAMES and c not in used
    }
    clash = sorted(set(segments) & (RESERVED | {f"{DRIVER_PREFIX}{d}" for d in drivers}))
    if clash:
        raise NpsInputError(f"{raw.source}: segment name {clash[0]!r} is taken by a core column; rename it in the mapping file")
    return Plan(
        score=score,
        **found,
        segments=segments,
        drivers=drivers,
        given_date=wave.value if wave else None,
        date_format=mapping.date_format,
        timezone=mapping.timezone,
        blank_score=blank_score,
    )


def mapped_column(raw: RawTable, name: str, key: str) -> str:
    """The file's column a mapping names (headers compared as RawTable.resolve does); an error
    naming the mapping's key and the file's columns when there is none.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> raw = RawTable("x.csv", pa.table({"Score": ["9"]}), np.array([2]))
    >>> mapped_column(raw, "Score", "columns.score")
    'Score'
    """
    column = raw.resolve(name)
    if column is None:
        raise NpsInputError(
            f"{raw.where()}: the mapping's {key} names {name!r}, which is not a column of this file; "
            f"its columns are {_listing(raw.columns, 12)}"
        )
    return column
