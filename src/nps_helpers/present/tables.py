"""HTML tables of the report: localized headers and numbers, flags, footnotes, inert text.

Every cell is HTML-escaped, so a comment such as ``<script>`` or ``<img onerror=...>``
shows as text. The markup carries no style attribute, no event handler and no script;
the report's stylesheet styles these classes: ``nps-table``, ``num`` (numbers),
``text`` (free text, ``dir="auto"`` so right-to-left text keeps its order), ``nps-flag``
(footnote markers) and ``nps-notes`` (the footnotes in ``<tfoot>``).
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ..config.params import Defaults
from ..errors import NpsInputError
from .i18n import DASH, Translator

MIN_N = Defaults.model_fields["min_n"].default
SUPPRESS_N = Defaults.model_fields["suppress_n"].default
LEVEL = Defaults.model_fields["level"].default
SMALL_N_MARK = "\u2020"  # dagger
HIGHER_MARK = "\u25b2"
LOWER_MARK = "\u25bc"
SHARE_COLUMNS = {"promoter": "promoter_share", "passive": "passive_share",
                 "detractor": "detractor_share"}
ELLIPSIS = "\u2026"
OTHER_NAMES = 8  # groups a pooled row's footnote names before "and N more"
# Health bands (health.BANDS) from worst to best; health.py loads scikit-learn, so it is not imported.
HEALTH_BANDS = ("critical", "at_risk", "healthy")
NUM = ' class="num"'
# Free text gets dir="auto", so a right-to-left comment keeps its own direction.
TEXT = ' class="text" dir="auto"'
TEXT_HEADER = ' class="text"'
# C0/C1 controls (but tab, newline, return), noncharacters and lone surrogates.
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Table:
    """An HTML table for the report; displays itself in a notebook.

    Examples
    --------
    >>> Table("<table></table>")._repr_html_()
    '<table></table>'
    """

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


class Markup(str):
    """Markup built here from escaped parts, so it is not escaped again."""


def group_flags(
    frame: pd.DataFrame, *, min_n: int = MIN_N, suppress_n: int = SUPPRESS_N
) -> pd.DataFrame:
    """Which groups are small (flagged) and which are withheld, one row per group.

    Uses the frame's own ``small_n`` and ``suppressed`` columns when it has them (as
    :func:`~nps_helpers.analysis.segments.nps_by_segment` sets them), else ``n < min_n`` and
    ``n < suppress_n``. A withheld group is not also counted as small. ``secondary``
    marks groups withheld only so that a smaller withheld group cannot be worked out
    (``flag == 'suppressed_secondary'``).

    Examples
    --------
    >>> group_flags(pd.DataFrame({"n": [5, 20, 40]})).to_dict("list")
    {'small_n': [False, True, False], 'suppressed': [True, False, False], 'secondary': [False, False, False]}
    """
    if "n" not in frame.columns and not {"small_n", "suppressed"} <= set(frame.columns):
        raise NpsInputError("group_flags: the frame needs a column 'n' (responses per group)")

    def flag(column: str, below: int) -> pd.Series:
        # A flag the frame already carries wins; otherwise it follows from n (checked above).
        return frame[column].fillna(False).astype(bool) if column in frame else frame["n"] < below

    suppressed, small = flag("suppressed", suppress_n), flag("small_n", min_n)
    secondary = (frame["flag"] == "suppressed_secondary" if "flag" in frame
                 else pd.Series(False, index=frame.index))
    return pd.DataFrame({"small_n": small & ~suppressed, "suppressed": suppressed,
                         "secondary": secondary & suppressed}, index=frame.index)


def group_names(
    frame: pd.DataFrame, t: Translator, *, label: str = "group", short: bool = False
) -> list[str]:
    """How each row's group reads: a pooled row 'Other (k groups)', others as ``t.name`` says.

    A pooled row is one with ``pooled`` > 0 (see :func:`~nps_helpers.analysis.segments.nps_by_segment`),
    so a group that is really called 'Other (2 groups)' keeps its own name.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"group": ["Other (2 groups)", None], "pooled": [0, 19]})
    >>> group_names(f, translator("en")), group_names(f, translator("de"))[1]
    (['Other (2 groups)', 'Other (19 groups)'], 'Sonstige (19 Gruppen)')
    """
    pooled = (frame["pooled"].fillna(0).astype(int) if "pooled" in frame.columns
              else pd.Series(0, index=frame.index))
    return [t.count("Other ({n} group)", "Other ({n} groups)", k) if k
            else t.name(g, short=short) for g, k in zip(frame[label], pooled, strict=True)]


def pooled_notes(frame: pd.DataFrame, t: Translator) -> list[str]:
    """A footnote per pooled row naming the groups it holds, the first few then 'and N more'.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"group": ["A", None], "pooled": [0, 10],
    ...                   "members": [(), tuple("BCDEFGHIJK")]})
    >>> pooled_notes(f, translator("en"))
    ['Other: B, C, D, E, F, G, H, I, and 2 more.']
    """
    if "members" not in frame.columns:
        return []
    notes = []
    for members in frame["members"]:
        if not isinstance(members, tuple) or len(members) < 2:
            continue
        names = [t.name(m) for m in members[:OTHER_NAMES]]
        if len(members) > OTHER_NAMES:
            names.append(t.count("{n} more", "{n} more", len(members) - OTHER_NAMES))
        notes.append(t.gettext("Other: {groups}.").format(groups=t.join(names)))
    return notes


def nps_table(
    frame: pd.DataFrame,
    t: Translator,
    *,
    label: str = "group",
    header: str | None = None,
    caption: str | None = None,
    level: float = LEVEL,
    min_n: int = MIN_N,
    suppress_n: int = SUPPRESS_N,
    against: Literal["rest"] | None = None,
) -> Table:
    """NPS per group (period or segment) with interval, n, shares and significance.

    ``frame``: ``label`` ('group' as from :func:`~nps_helpers.analysis.stats.group_stats`, or
    'period' as from :func:`~nps_helpers.analysis.trends.nps_by_period`), ``n``, ``nps``,
    ``ci_low``, ``ci_high``; optional
    ``promoter_share``, ``passive_share``, ``detractor_share`` (0..1), ``difference``
    (points against the rest or the previous period) with ``significant``, and
    ``small_n`` / ``suppressed`` flags (else from ``min_n`` / ``suppress_n``). Withheld
    groups show '—' for every figure. A pooled row (``pooled`` > 0) reads 'Other (k groups)'
    and a footnote names its ``members``. ``header`` names the first column (default 'Group').
    ``against='rest'`` says in the header and a footnote that the difference is against the
    other customers of the table, not the overall NPS. Groups below ``min_n`` get no marker;
    a ``p_adjusted`` column (from :func:`~nps_helpers.analysis.segments.holm_markers`) makes the
    markers' footnote say they are corrected together.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"group": ["North", "South"], "n": [1250, 4],
    ...                   "nps": [23.2, 50.0], "ci_low": [18.1, -20.0], "ci_high": [28.4, 90.0]})
    >>> html = nps_table(f, translator("pl")).html
    >>> '<td class="num">1250</td><td class="num">+23 (od 18 do 28)</td>' in html
    True
    >>> "—" in html and "&lt;" not in html
    True
    """
    require_columns(frame, [label, "n", "nps", "ci_low", "ci_high"], "nps_table")
    flags = group_flags(frame, min_n=min_n, suppress_n=suppress_n)
    shares = [c for c in SHARE_COLUMNS if SHARE_COLUMNS[c] in frame.columns]
    has_diff = "difference" in frame.columns
    headers = [header or t.gettext("Group"), t.gettext("Responses"),
               t.gettext("NPS ({level} interval)").format(level=t.percent(level)),
               *[t.label(c) for c in shares]]
    if has_diff:
        headers.append(t.gettext("Difference from the rest") if against == "rest"
                       else t.gettext("Difference"))
    rows, used = [], set()
    names = group_names(frame, t, label=label)
    for (i, row), name in zip(frame.iterrows(), names, strict=True):
        cells: list[str] = [name, t.number(row["n"])]
        if flags.at[i, "suppressed"]:
            cells += [DASH] * (1 + len(shares) + has_diff)
            used.add("secondary" if flags.at[i, "secondary"] else "suppressed")
            rows.append(cells)
            continue
        figure = t.nps_interval(row["nps"], row["ci_low"], row["ci_high"])
        if flags.at[i, "small_n"]:
            figure = Markup(escaped(figure) + flag_mark(SMALL_N_MARK))
            used.add("small_n")
        cells.append(figure)
        cells += [t.percent(row[SHARE_COLUMNS[c]]) for c in shares]
        if has_diff:
            cells.append(_difference(t, row, used, marked=not flags.at[i, "small_n"]))
        rows.append(cells)
    notes = _nps_notes(frame, t, used, min_n=min_n, suppress_n=suppress_n, level=level,
                       against=against if has_diff else None)
    return html_table(headers, rows, numeric=range(1, len(headers)), caption=caption, notes=notes)


def _nps_notes(frame: pd.DataFrame, t: Translator, used: set[str], *, min_n: int, suppress_n: int,
               level: float, against: str | None) -> list[str]:
    """The footnotes of an NPS table: the flags it used, pooled rows, what a difference means."""
    notes: list[str] = []
    if "small_n" in used:
        notes.append(Markup(flag_mark(SMALL_N_MARK) + " " + escaped(
            t.count("Fewer than {n} response: read with caution.",
                    "Fewer than {n} responses: read with caution.", min_n))))
    if "suppressed" in used:
        notes.append(DASH + " " + t.count("Fewer than {n} response: figures withheld.",
                                          "Fewer than {n} responses: figures withheld.",
                                          suppress_n))
    if "secondary" in used:
        notes.append(DASH + " " + t.gettext(
            "Withheld so that the figures of a smaller group cannot be worked out from the rest."))
    notes += pooled_notes(frame, t)
    if against == "rest":
        notes.append(t.gettext("Difference from the rest: the group's NPS minus the NPS of the "
                               "other customers in this table together, not minus the overall NPS."))
    if "significant" in used:
        marks = (t.gettext("{higher} significantly higher, {lower} significantly lower than the "
                           "rest ({level} confidence, corrected for all the groups compared in "
                           "this report by Holm's method).") if "p_adjusted" in frame.columns
                 else t.gettext("{higher} significantly higher, {lower} significantly lower "
                                "({level} confidence)."))
        notes.append(marks.format(higher=HIGHER_MARK, lower=LOWER_MARK, level=t.percent(level)))
    return notes


def benchmark_table(frame: pd.DataFrame, t: Translator, *, caption: str | None = None) -> Table:
    """Published industry figures: source, the category as published, year, region, how the
    study surveyed, sample size and NPS.

    ``frame`` as ``IndustryBenchmark.table``: ``source``, ``year``, ``nps``; optional
    ``publisher`` (shown before the title), ``published_as``, ``region``, ``survey_type``
    (``independent_panel`` or ``own_survey``), ``sample_size`` (blank where the publisher
    does not say) and ``historical`` (the year is marked). Titles stay as published.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"source": ["Survey <2024>"], "year": [2024], "nps": [-3.0]})
    >>> html = benchmark_table(f, translator("de")).html
    >>> html[html.index("<tbody>"):]
    '<tbody><tr><th scope="row" class="text" dir="auto">Survey &lt;2024&gt;</th><td>2024</td><td class="num">−3</td></tr></tbody></table>'
    >>> from bs4 import BeautifulSoup
    >>> f = f.assign(publisher="XMI", survey_type="independent_panel", historical=True)
    >>> [c.get_text() for c in BeautifulSoup(benchmark_table(f, translator("en")).html, "html.parser").tbody("td")]
    ['2024 (historical)', 'Independent panel', '−3']
    """
    require_columns(frame, ["source", "year", "nps"], "benchmark_table")
    has = {c for c in ("publisher", "published_as", "region", "survey_type", "sample_size", "historical")
           if c in frame.columns and frame[c].astype(str).str.len().gt(0).any()}
    labels = {"published_as": t.gettext("Published as"), "region": t.gettext("Region"),
              "survey_type": t.gettext("Survey"), "sample_size": t.gettext("Sample size")}
    optional = [c for c in labels if c in has]
    headers = [t.gettext("Source"), *([labels["published_as"]] if "published_as" in has else []),
               t.gettext("Year"), *[labels[c] for c in optional if c != "published_as"], "NPS"]
    kinds = {"independent_panel": t.gettext("Independent panel"), "own_survey": t.gettext("Own customers")}
    rows = []
    for _, row in frame.iterrows():
        source = str(row["source"])
        if "publisher" in has and str(row["publisher"]):
            source = f"{row['publisher']}: {source}"
        year = str(row["year"])
        if "historical" in has and bool(row["historical"]):
            year = t.gettext("{year} (historical)").format(year=year)
        cells = {"published_as": str(row.get("published_as", "")), "region": t.country(str(row.get("region", ""))),
                 "survey_type": kinds.get(str(row.get("survey_type", "")), ""),
                 "sample_size": t.number(row["sample_size"]) if "sample_size" in has else ""}
        rows.append([source, *([cells["published_as"]] if "published_as" in has else []), year,
                     *[cells[c] for c in optional if c != "published_as"], t.nps(row["nps"])])
    numeric = [len(headers) - 1, *([len(headers) - 2] if "sample_size" in has else [])]
    text = [i for i, h in enumerate(headers) if h in (labels["published_as"], labels["region"], labels["survey_type"])]
    return html_table(headers, rows, numeric=numeric, text=text, caption=caption)


def churn_table(
    frame: pd.DataFrame,
    t: Translator,
    *,
    by: str = "category",
    level: float = LEVEL,
    caption: str | None = None,
) -> Table:
    """Customers, leavers and churn rate with its interval, per category or group.

    ``frame`` as ``ChurnResult.rates`` (``by='category'``) or ``.responders``
    (``by='group'``): ``customers``, ``churned``, ``rate``, ``ci_low``, ``ci_high`` (0..1).

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"category": ["detractor"], "customers": [40], "churned": [12],
    ...                   "rate": [0.3], "ci_low": [0.18], "ci_high": [0.45]})
    >>> '<td class="num">30% (18 to 45)</td>' in churn_table(f, translator("en")).html
    True
    """
    require_columns(frame, [by, "customers", "churned", "rate", "ci_low", "ci_high"],
                    "churn_table")
    headers = [t.gettext("Group"), t.gettext("Customers"), t.gettext("Left"),
               t.gettext("Churn rate ({level} interval)").format(level=t.percent(level))]
    rows = [
        [t.name(row[by]), t.number(row["customers"]), t.number(row["churned"]),
         f"{t.percent(row['rate'])} ({t.interval(100 * row['ci_low'], 100 * row['ci_high'])})"]
        for _, row in frame.iterrows()
    ]
    return html_table(headers, rows, numeric=[1, 2, 3], caption=caption)


def driver_table(
    frame: pd.DataFrame, t: Translator, *, level: float = 0.95, caption: str | None = None
) -> Table:
    """Rating questions by importance, with their average rating and quadrant.

    ``frame`` as ``DriversResult.table``: ``driver``, ``share`` (importance, 0..1),
    ``mean`` (average rating); optional ``share_low`` and ``share_high`` (the importance's
    ``level`` interval) and ``quadrant``. Most important first.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"driver": ["price", "staff"], "share": [0.2, 0.45],
    ...                   "mean": [3.46, 4.1], "quadrant": ["low_priority", "keep_up"]})
    >>> html = driver_table(f, translator("ru")).html
    >>> html.index("Персонал") < html.index("Цена"), "3,5" in html
    (True, True)
    >>> f = f.assign(share_low=[0.1, 0.3], share_high=[0.32, 0.6])
    >>> driver_table(f, translator("en")).html.count("45% (30 to 60)")
    1
    """
    require_columns(frame, ["driver", "share", "mean"], "driver_table")
    ordered = frame.sort_values("share", ascending=False, kind="stable")
    has_quadrant = "quadrant" in frame.columns
    has_interval = {"share_low", "share_high"} <= set(frame.columns)
    importance = (t.gettext("Importance ({level} interval)").format(level=t.percent(level))
                  if has_interval else t.gettext("Importance"))
    headers = [t.gettext("Question"), importance, t.gettext("Average rating"),
               *([t.gettext("Priority")] if has_quadrant else [])]
    rows = [[t.topic(row["driver"]),
             f"{t.percent(row['share'])} ({t.interval(100 * row['share_low'], 100 * row['share_high'])})"
             if has_interval else t.percent(row["share"]),
             t.number(row["mean"], 1),
             *([t.label(row["quadrant"])] if has_quadrant else [])]
            for _, row in ordered.iterrows()]
    return html_table(headers, rows, numeric=[1, 2], text=[0, 3] if has_quadrant else [0],
                  caption=caption)


def stars_table(
    frame: pd.DataFrame, t: Translator, *, level: float = LEVEL, caption: str | None = None
) -> Table:
    """Per review platform: months compared, the correlation of stars with NPS, the verdict.

    ``frame`` as :func:`~nps_helpers.analysis.reviews.stars_vs_nps_by_platform`: ``platform`` ('all'
    for every platform pooled), ``verdict``, ``months``, ``r``, ``ci_low``, ``ci_high``.
    Rows without an r show '—' and say why in the verdict column.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"platform": ["all", "yelp"], "verdict": ["stars_follow_nps", "too_few_months"],
    ...     "months": [12, 3], "r": [0.71, None], "ci_low": [0.22, None], "ci_high": [0.91, None]})
    >>> html = stars_table(f, translator("de")).html
    >>> '<td class="num">0,71 (0,22 bis 0,91)</td><td class="text" dir="auto">Bewegen sich gemeinsam</td>' in html
    True
    >>> '<th scope="row" class="text" dir="auto">Yelp</th><td class="num">3</td><td class="num">—</td>' in html
    True
    """
    require_columns(frame, ["platform", "verdict", "months", "r", "ci_low", "ci_high"], "stars_table")
    headers = [t.gettext("Platform"), t.gettext("Months compared"),
               t.gettext("Correlation r ({level} interval)").format(level=t.percent(level)),
               t.gettext("Stars and NPS")]
    rows = [
        [t.platform(row["platform"]), t.number(row["months"]),
         DASH if pd.isna(row["r"]) else
         f"{t.number(row['r'], 2)} ({t.interval(row['ci_low'], row['ci_high'], 2)})",
         t.label(row["verdict"])]
        for _, row in frame.iterrows()
    ]
    return html_table(headers, rows, numeric=[1, 2], text=[3], caption=caption)


def health_table(frame: pd.DataFrame, t: Translator, *, caption: str | None = None) -> Table:
    """Customers per health band (count and share) at each date, and the active total.

    ``frame`` as :func:`~nps_helpers.analysis.health.band_trend`: ``as_of`` (a column per date, headed
    by the day before it, the last day counted), ``band``, ``customers``, ``share``.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"as_of": pd.to_datetime(["2026-10-01"] * 3, utc=True),
    ...     "band": ["critical", "at_risk", "healthy"], "customers": [1200, 500, 300],
    ...     "share": [0.6, 0.25, 0.15]})
    >>> html = health_table(f, translator("pl")).html
    >>> '<th scope="col" class="num">30 wrz 2026</th>' in html, "1200 (60%)" in html
    (True, True)
    >>> html[html.index("Aktywni"):].split("</td>")[0].endswith("2000")
    True
    """
    require_columns(frame, ["as_of", "band", "customers", "share"], "health_table")
    table = frame.assign(as_of=pd.to_datetime(frame["as_of"], utc=True))
    dates = sorted(table["as_of"].unique())
    counts = table.pivot_table(index="band", columns="as_of", values="customers", aggfunc="sum",
                               observed=True).reindex(columns=dates)
    shares = table.pivot_table(index="band", columns="as_of", values="share", aggfunc="sum",
                               observed=True).reindex(columns=dates)
    order = [b for b in HEALTH_BANDS if b in counts.index]
    headers = [t.gettext("Health"),
               *[t.date((d - pd.Timedelta(days=1)).date(), "medium") for d in dates]]
    rows = [[t.label(band), *[f"{t.number(counts.at[band, d])} ({t.percent(shares.at[band, d])})"
                              for d in dates]] for band in order]
    rows.append([t.gettext("Active customers"), *[t.number(counts[d].sum()) for d in dates]])
    return html_table(headers, rows, numeric=range(1, len(headers)), caption=caption)


# --- internals --------------------------------------------------------------------------
def score_table(scores: pd.Series, t: Translator) -> Table:
    """Responses and their share at each score 0 to 10, the scores as columns.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> html = score_table(pd.Series([10, 10, 9, 0]), translator("en")).html
    >>> html.count("<th scope"), '<td class="num">50%</td>' in html
    (14, True)
    """
    counts = pd.to_numeric(scores, errors="coerce").dropna().astype(int).value_counts()
    counts = counts.reindex(range(11), fill_value=0)
    total = int(counts.sum())
    rows = [[t.gettext("Responses"), *(t.number(c) for c in counts)],
            [t.gettext("Share of responses"), *(t.percent(c / total if total else None) for c in counts)]]
    return html_table([t.gettext("Score"), *(t.number(s) for s in range(11))], rows,
                  numeric=range(1, 12), caption=t.label("score_distribution"))


def _difference(t: Translator, row: pd.Series, used: set[str], *, marked: bool) -> str:
    text = escaped(t.nps(row["difference"]))
    if (marked and "significant" in row.index and bool(row["significant"])
            and pd.notna(row["difference"])):
        used.add("significant")
        text += flag_mark(HIGHER_MARK if row["difference"] > 0 else LOWER_MARK)
    return Markup(text)


def flag_mark(symbol: str) -> str:
    """A flag (small-n dagger, significance arrow) as a superscript after a figure.

    Examples
    --------
    >>> flag_mark(SMALL_N_MARK)
    '<sup class="nps-flag">†</sup>'
    """
    return f'<sup class="nps-flag">{symbol}</sup>'


def escaped(value: object) -> str:
    """Escaped text; characters HTML forbids (controls, lone surrogates) are dropped.

    Examples
    --------
    >>> escaped("<b>Acme</b>" + chr(0))
    '&lt;b&gt;Acme&lt;/b&gt;'
    """
    return html.escape(UNSAFE_CHARACTERS.sub("", str(value)))


def _cell(value: str) -> str:
    return value if isinstance(value, Markup) else escaped(value)


def html_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    text: Sequence[int] = (),
    row_header: bool = True,
    caption: str | None = None,
    notes: Sequence[str] = (),
) -> Table:
    """An HTML table of text cells (escaped unless already :class:`Markup`), the first column
    as row headers; ``numeric`` and ``text`` name columns to align; ``notes`` go in the footer.

    Examples
    --------
    >>> html_table(["Group", "NPS"], [["North <b>", "+12"]], numeric=[1]).html
    '<table class="nps-table"><thead><tr><th scope="col">Group</th><th scope="col" class="num">NPS</th></tr></thead><tbody><tr><th scope="row" class="text" dir="auto">North &lt;b&gt;</th><td class="num">+12</td></tr></tbody></table>'
    """
    num_cols, text_cols = set(numeric), set(text) | ({0} if row_header else set())

    def cell(j: int, value: str) -> str:
        tag = "th" if row_header and j == 0 else "td"
        scope = ' scope="row"' if tag == "th" else ""
        attrs = NUM if j in num_cols else TEXT if j in text_cols else ""
        return f"<{tag}{scope}{attrs}>{_cell(value)}</{tag}>"

    parts = ['<table class="nps-table">']
    if caption:
        parts.append(f"<caption>{escaped(caption)}</caption>")
    # A text column's header aligns with its text; the row-header column's aligns by itself.
    parts.append("<thead><tr>" + "".join(
        f'<th scope="col"{NUM if j in num_cols else TEXT_HEADER if j in text_cols and j else ""}>'
        f'{escaped(h)}</th>' for j, h in enumerate(headers)) + "</tr></thead><tbody>")
    parts += ["<tr>" + "".join(cell(j, v) for j, v in enumerate(row)) + "</tr>" for row in rows]
    parts.append("</tbody>")
    if notes:
        parts.append(f'<tfoot class="nps-notes"><tr><td colspan="{len(headers)}">'
                     + "<br>".join(_cell(note) for note in notes) + "</td></tr></tfoot>")
    parts.append("</table>")
    return Table("".join(parts))


def require_columns(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    """Raise a clear error when a frame given to a chart or table lacks a column.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"n": [1]}), ["n"], "nps_table")
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise NpsInputError(
            f"{where}: the frame lacks column(s) {', '.join(missing)}; it needs "
            f"{', '.join(columns)} (see its docstring)"
        )
