"""The analyst's commentary: Markdown bound to the figures it was written for.

A commentary is ``<params>/commentary/<client>/<period>.md`` (the period as the outputs
folder names it: ``2026-Q3``, ``2026-07``, ``2026-01-01..2026-04-01``). Its placeholders
(``{nps}``, ``{segment.region.North.nps}``...) are filled with the report's own figures in
the report's language; :func:`to_html` turns a small Markdown subset into inert HTML.

``nps-report approve`` stores a :func:`fingerprint` of the commentary, its figures and the
period's responses beside it (``<period>.approved.json``); a later render compares it with
its own (:func:`commentary_state`), so new data or an edited text make the report a draft.
Everything here is pure except the few small functions that read or write those files.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..analysis.metrics import NpsResult
from ..analysis.trends import PeriodChange
from ..core.digest import text_digest
from ..core.files import atomic_write_bytes
from ..errors import NpsParamsError
from .i18n import Translator

FOLDER = "commentary"
State = Literal["none", "approved", "unapproved", "stale"]
DRAFT_STATES = ("unapproved", "stale")
# Why a report is a draft, for the analyst's terminal (the report says it in its language).
DRAFT_REASONS = {"stale": "the data changed since the commentary was approved",
                 "unapproved": "the commentary has not been approved"}
# The tags to_html emits; nh3 removes anything else as a second gate.
TAGS = frozenset({"p", "em", "strong", "ul", "ol", "li", "h3", "blockquote", "br", "hr"})
# Stand-ins for filled values while the Markdown is parsed (Unicode private use: never
# Markdown syntax, never in an analyst's text), so a value cannot change the structure.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SLOT = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
# The report languages and a few an analyst may write in by mistake (lingua's names).
DETECTED = ("ENGLISH", "POLISH", "SLOVENE", "RUSSIAN", "GERMAN", "FRENCH", "SPANISH", "ITALIAN",
            "DUTCH", "CZECH", "CROATIAN", "UKRAINIAN")
MIN_LETTERS = 40  # shorter texts are too short to tell their language reliably
MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Figure:
    """One placeholder's value: as the report shows it, and the number behind it."""

    shown: str
    value: float | int | str | None


@dataclass(frozen=True)
class Commentary:
    """A report's commentary: where it is, its HTML, fingerprint, state and warnings."""

    source: str  # the file as the analyst knows it: params/commentary/acme/2026-Q3.md
    state: State
    html: str = ""
    fingerprint: str = ""
    figures: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def draft(self) -> bool:
        """True when the commentary was never approved as it reads, or the data changed since."""
        return self.state in DRAFT_STATES


def commentary_path(params_dir: str | Path, client_id: str, period_label: str) -> Path:
    """Where the commentary of one client and period lives.

    Examples
    --------
    >>> commentary_path("params", "acme", "2026-Q3").as_posix()
    'params/commentary/acme/2026-Q3.md'
    """
    return Path(params_dir) / FOLDER / client_id / f"{period_label}.md"


def approval_path(commentary: str | Path) -> Path:
    """The approval record beside a commentary file.

    Examples
    --------
    >>> approval_path("params/commentary/acme/2026-Q3.md").name
    '2026-Q3.approved.json'
    """
    path = Path(commentary)
    return path.with_name(f"{path.stem}.approved.json")


def placeholder_values(
    t: Translator,
    headline: NpsResult,
    change: PeriodChange,
    segments: Mapping[str, pd.DataFrame],
    *,
    period_label: str,
) -> dict[str, Figure]:
    """Every placeholder a commentary may use, formatted as the report shows it.

    ``headline`` is the report's NPS, ``change`` its :func:`~nps_helpers.analysis.trends.period_change`
    and ``segments`` its :func:`~nps_helpers.analysis.segments.nps_by_segment` frame per column.
    Shares are whole percentages; ``change`` is in signed points. There is no ``change``
    or ``previous_nps`` without responses in the previous period, and no figure for a
    segment group the report withholds.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> from nps_helpers.analysis.metrics import nps
    >>> from nps_helpers.analysis.trends import period_change
    >>> frame = pd.DataFrame({"score": [10] * 30 + [0] * 20 + [10] * 10 + [0] * 40,
    ...     "responded_at": pd.to_datetime(["2026-08-01"] * 50 + ["2026-05-01"] * 50, utc=True)})
    >>> now = frame.iloc[:50]
    >>> v = placeholder_values(translator("de"), nps(now["score"]), period_change(frame, "2026-Q3"),
    ...     {}, period_label="2026-Q3")
    >>> {k: f.shown for k, f in v.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'nps': '+20', 'nps_interval': '−7 bis 45', 'n': '50', 'promoters': '60\\xa0%',
     'passives': '0\\xa0%', 'detractors': '40\\xa0%', 'period': 'Q3 2026', 'change': '+80',
     'previous_nps': '−60'}
    """
    h = headline
    share = {k: (getattr(h, k) / h.n if h.n else math.nan) for k in ("promoters", "passives", "detractors")}
    values = {
        "nps": Figure(t.nps(h.nps), _number(h.nps)),
        "nps_interval": Figure(t.interval(h.ci_low, h.ci_high), f"{_number(h.ci_low)}..{_number(h.ci_high)}"),
        "n": Figure(t.number(h.n), int(h.n)),
        **{k: Figure(t.percent(v), _number(v)) for k, v in share.items()},
        "period": Figure(t.period(period_label), period_label),
    }
    if change.verdict not in ("no_previous_period", "no_responses"):
        diff = change.difference
        values["change"] = Figure(t.nps(diff.difference), _number(diff.difference))
        values["previous_nps"] = Figure(t.nps(diff.b.nps), _number(diff.b.nps))
    for column, frame in segments.items():
        for row in frame.itertuples(index=False):
            if pd.isna(row.group) or str(row.flag).startswith("suppressed"):
                continue
            key = f"segment.{column}.{row.group}"
            values[f"{key}.nps"] = Figure(t.nps(row.nps), _number(row.nps))
            values[f"{key}.n"] = Figure(t.number(row.n), int(row.n))
            values[f"{key}.nps_interval"] = Figure(t.interval(row.ci_low, row.ci_high),
                                                   f"{_number(row.ci_low)}..{_number(row.ci_high)}")
    return values


def withheld_groups(segments: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """``segment.<column>.<value>`` of each group the report withholds, with its column.

    Examples
    --------
    >>> frame = pd.DataFrame({"group": ["North", None], "flag": ["ok", "suppressed"],
    ...     "members": [(), ("East", "West")]})
    >>> withheld_groups({"region": frame})
    {'segment.region.East': 'region', 'segment.region.West': 'region'}
    """
    out: dict[str, str] = {}
    for column, frame in segments.items():
        for row in frame.itertuples(index=False):
            if str(row.flag).startswith("suppressed") or pd.isna(row.group):
                names = row.members if pd.isna(row.group) else (row.group,)
                out |= {f"segment.{column}.{name}": column for name in names}
    return out


def fill(text: str, values: Mapping[str, Figure], *, source: str,
         withheld: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """The text with each placeholder replaced by a slot, and the values of the slots.

    ``{{`` and ``}}`` are literal braces. An unknown placeholder, a lone brace or a group
    the report withholds is an :class:`NpsParamsError` naming ``source`` and the line.

    Examples
    --------
    >>> v = {"nps": Figure("+23", 23.0)}
    >>> fill("NPS {nps} {{not this}}", v, source="c.md")
    ('NPS \\ue0000\\ue001 {not this}', ['+23'])
    >>> fill("line one\\nNPS {nsp}", v, source="c.md")
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: c.md, line 2: unknown placeholder {nsp}; did you mean {nps}? (write {{ and }} for a literal brace)
    """
    shown: list[str] = []
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):

        def slot(match: re.Match, number: int = number) -> str:
            token = match[0]
            if token in ("{{", "}}"):
                return token[0]
            if token in ("{", "}"):
                raise NpsParamsError(
                    f"{source}, line {number}: a lone '{token}'; write {{{{ or }}}} for a brace "
                    "in the text, or close the placeholder")
            name = match[1].strip()
            if name not in values:
                raise NpsParamsError(f"{source}, line {number}: {_unknown(name, values, withheld or {})}")
            shown.append(values[name].shown)
            return f"{_OPEN}{len(shown) - 1}{_CLOSE}"

        lines.append(_TOKEN.sub(slot, line))
    return "\n".join(lines), shown


def to_html(markdown: str, slots: Sequence[str] = ()) -> str:
    """Inert HTML of a Markdown commentary, with each slot filled (escaped) from ``slots``.

    Paragraphs, emphasis, lists, block quotes and headings (every level an h3: the
    report's own sections are h2). A link shows as its text, an image as its alt text,
    raw HTML as text; code and fences read as plain text. nh3 then keeps :data:`TAGS` only.

    Examples
    --------
    >>> to_html("# Why\\n\\n*Good* [news](https://x.example) <b>!</b>")
    '<h3>Why</h3>\\n<p><em>Good</em> news &lt;b&gt;!&lt;/b&gt;</p>'
    >>> to_html("NPS \\ue0000\\ue001", ["<+23>"])
    '<p>NPS &lt;+23&gt;</p>'
    """
    rendered = _markdown().render(markdown)
    import nh3

    safe = nh3.clean(rendered, tags=set(TAGS), attributes={"ol": {"start"}}, url_schemes=set(),
                     link_rel=None, strip_comments=True).strip()
    return _SLOT.sub(lambda m: html.escape(slots[int(m[1])]) if int(m[1]) < len(slots) else "", safe)


def render_commentary(text: str, values: Mapping[str, Figure], *, source: str,
                      withheld: Mapping[str, str] | None = None) -> str:
    """A commentary's text as report HTML: placeholders filled, Markdown made inert.

    Examples
    --------
    >>> render_commentary("NPS is **{nps}**.", {"nps": Figure("+23", 23.0)}, source="c.md")
    '<p>NPS is <strong>+23</strong>.</p>'
    """
    text = text.replace(_OPEN, "").replace(_CLOSE, "")
    slotted, shown = fill(text, values, source=source, withheld=withheld)
    return to_html(slotted, shown)


def responses_digest(responses: pd.DataFrame) -> str:
    """SHA-256 of a frame's rows and columns, independent of row and column order.

    Examples
    --------
    >>> a = pd.DataFrame({"score": [10, 3], "id": ["a", "b"]})
    >>> responses_digest(a) == responses_digest(a.iloc[::-1][["id", "score"]])
    True
    >>> responses_digest(a) == responses_digest(a.assign(score=[10, 4]))
    False
    """
    columns = sorted(responses.columns)
    lines = responses[columns].to_json(orient="records", lines=True, date_format="iso",
                                       date_unit="ns").splitlines() if len(responses) else []
    body = "\n".join([json.dumps(columns), *sorted(lines)])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def fingerprint(text: str, values: Mapping[str, Figure], responses: str) -> str:
    """One hash of the commentary, every figure it may use and the period's responses.

    The figures enter by value, not as formatted, so the report's language does not
    change the fingerprint; ``responses`` is :func:`responses_digest`.

    Examples
    --------
    >>> v = {"nps": Figure("+23", 23.0)}
    >>> fingerprint("x", v, "r") == fingerprint("x", {"nps": Figure("23", 23.0)}, "r")
    True
    >>> fingerprint("x", v, "r") == fingerprint("x", {"nps": Figure("+24", 24.0)}, "r")
    False
    """
    payload = {"commentary": text_digest(text), "responses": responses,
               "figures": {k: v.value for k, v in sorted(values.items())}}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


def commentary_state(current: str, text: str, approval: Mapping[str, Any] | None) -> State:
    """Whether a commentary reads as approved: 'approved', 'unapproved' or 'stale'.

    ``current`` is the fingerprint now; ``approval`` the record ``approve`` wrote (None when
    there is none). Edited text since the approval is 'unapproved'; the same text over
    changed data or figures is 'stale'.

    Examples
    --------
    >>> commentary_state("f1", "text", {"fingerprint": "f1", "commentary_sha256": text_digest("text")})
    'approved'
    >>> commentary_state("f2", "text", {"fingerprint": "f1", "commentary_sha256": text_digest("text")})
    'stale'
    >>> commentary_state("f2", "new text", {"fingerprint": "f1", "commentary_sha256": text_digest("text")})
    'unapproved'
    >>> commentary_state("f1", "text", None)
    'unapproved'
    """
    if approval is None or approval.get("commentary_sha256") != text_digest(text):
        return "unapproved"
    return "approved" if approval.get("fingerprint") == current else "stale"


def approval_record(current: str, text: str, values: Mapping[str, Figure], *, client_id: str,
                    period_label: str, version: str, now: dt.datetime) -> dict[str, Any]:
    """The approval of a commentary as read against these figures (JSON-safe).

    Examples
    --------
    >>> rec = approval_record("f1", "x", {"nps": Figure("+23", 23.0)}, client_id="acme",
    ...     period_label="2026-Q3", version="0.1.0", now=dt.datetime(2026, 10, 2, tzinfo=dt.UTC))
    >>> rec["approved_at"], rec["figures"]
    ('2026-10-02T00:00:00+00:00', {'nps': '+23'})
    """
    return {
        "client_id": client_id,
        "period": period_label,
        "fingerprint": current,
        "commentary_sha256": text_digest(text),
        "approved_at": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "figures": {k: v.shown for k, v in sorted(values.items())},
        "version": version,
    }


def language_warning(text: str, language: str, *, source: str) -> str | None:
    """A warning when the commentary reads as another language than the report's.

    Placeholders and Markdown marks are left out; a text under 40 letters, or one the
    detector is unsure of, gives no warning.

    Examples
    --------
    >>> language_warning("Die Kunden sind mit dem Service zufrieden, aber die Preise sind "
    ...     "gestiegen.", "en", source="c.md")
    'c.md reads as German; the report is in English'
    >>> language_warning("Customers like the service, but prices went up this quarter.", "en",
    ...     source="c.md") is None
    True
    """
    words = re.sub(r"\{[^{}]*\}|[#*_>`\[\]()!-]", " ", text)
    if sum(ch.isalpha() for ch in words) < MIN_LETTERS:
        return None
    best = _detector().compute_language_confidence_values(words)[0]
    found = best.language.iso_code_639_1.name.lower()
    if best.value < MIN_CONFIDENCE or found == language:
        return None
    from babel import Locale

    def name(code: str) -> str:
        # babel types the name as optional; every language lingua detects has one.
        return Locale.parse(code).get_language_name("en") or code

    return f"{source} reads as {name(found)}; the report is in {name(language)}"


# --- the files --------------------------------------------------------------------------------
def read_text(path: Path) -> str | None:
    """A commentary file's text (None when there is none), newlines normalised.

    Examples
    --------
    >>> read_text(Path("/no/such/commentary.md")) is None
    True
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise NpsParamsError(f"{path}: not UTF-8 text; save the commentary as UTF-8") from None


def read_approval(path: Path) -> dict[str, Any] | None:
    """The approval record at ``path``, or None when there is none (or it is unreadable).

    Examples
    --------
    >>> read_approval(Path("/no/such/x.approved.json")) is None
    True
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_approval(path: Path, record: Mapping[str, Any]) -> Path:
    """Write an approval record atomically; return its path.

    Examples
    --------
    >>> import tempfile
    >>> p = write_approval(Path(tempfile.mkdtemp()) / "2026-Q3.approved.json", {"fingerprint": "f"})
    >>> read_approval(p)
    {'fingerprint': 'f'}
    """
    text = json.dumps(dict(record), indent=1, sort_keys=True, ensure_ascii=False)
    atomic_write_bytes(path, (text + "\n").encode("utf-8"))
    return path


def _unknown(name: str, values: Mapping[str, Figure], withheld: Mapping[str, str]) -> str:
    group = name.rsplit(".", 1)[0]
    if group in withheld:
        return (f"{{{name}}}: the report withholds this group (too few responses), so the "
                "commentary cannot name its figures")
    if name in ("change", "previous_nps"):
        return f"{{{name}}}: the previous period has no responses to compare with"
    close = difflib.get_close_matches(name, list(values), n=1, cutoff=0.6)
    hint = f"did you mean {{{close[0]}}}?" if close else f"known: {', '.join(list(values)[:9])}"
    return f"unknown placeholder {{{name}}}; {hint} (write {{{{ and }}}} for a literal brace)"


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 9)


@cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).disable(["code", "fence", "backticks"])

    def nothing(self, tokens, idx, options, env) -> str:
        return ""

    def heading(self, tokens, idx, options, env) -> str:
        return "<h3>" if tokens[idx].nesting == 1 else "</h3>\n"

    def image(self, tokens, idx, options, env) -> str:
        return html.escape(self.renderInlineAsText(tokens[idx].children or [], options, env))

    for rule in ("link_open", "link_close"):
        md.add_render_rule(rule, nothing)
    md.add_render_rule("heading_open", heading)
    md.add_render_rule("heading_close", heading)
    md.add_render_rule("image", image)
    return md


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return (LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in DETECTED))
            .with_low_accuracy_mode().build())
