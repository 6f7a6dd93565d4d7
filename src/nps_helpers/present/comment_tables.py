"""Tables about what customers wrote: themes with their impact, example comments, distinctive
words, comments per group."""
from __future__ import annotations

import pandas as pd

from .i18n import Translator
from .tables import (
    ELLIPSIS,
    HIGHER_MARK,
    LEVEL,
    LOWER_MARK,
    MIN_N,
    SMALL_N_MARK,
    Markup,
    Table,
    escaped,
    flag_mark,
    html_table,
    require_columns,
)


def comments_table(
    frame: pd.DataFrame,
    t: Translator,
    *,
    max_chars: int = 400,
    caption: str | None = None,
) -> Table:
    """Example comments as inert text, with their score and themes.

    ``frame``: ``comment``; optional ``score`` and ``themes`` (a list of theme names, or
    one string with names separated by ';' as in ``PassivesResult.rows``). Comments longer than ``max_chars`` are cut with '…'. Pass only the few
    comments chosen for the report: they may name people, so pick them with care.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"comment": ['<img src=x onerror="alert(1)">'], "score": [2],
    ...                   "themes": [["price"]]})
    >>> html = comments_table(f, translator("en")).html
    >>> "<img" in html, "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    (False, True)
    """
    require_columns(frame, ["comment"], "comments_table")
    has_score, has_themes = "score" in frame.columns, "themes" in frame.columns
    headers = [*([t.gettext("Score")] if has_score else []), t.gettext("Comment"),
               *([t.gettext("Themes")] if has_themes else [])]
    rows = []
    for _, row in frame.iterrows():
        text = "" if pd.isna(row["comment"]) else str(row["comment"])
        if len(text) > max_chars:
            text = text[:max_chars].rstrip() + ELLIPSIS
        cells = [*([t.number(row["score"])] if has_score else []), text]
        if has_themes:
            themes = row["themes"]
            names = themes.split(";") if isinstance(themes, str) else list(themes) if themes is not None else []
            cells.append(", ".join(t.topic(name) for name in names))
        rows.append(cells)
    first_text = int(has_score)
    return html_table(headers, rows, numeric=[0] if has_score else [], row_header=False,
                  text=[first_text, *([first_text + 1] if has_themes else [])], caption=caption)


def theme_table(
    frame: pd.DataFrame,
    t: Translator,
    *,
    industry: str | None = None,
    level: float = LEVEL,
    min_n: int = MIN_N,
    caption: str | None = None,
) -> Table:
    """Per theme: mentions, complaints, praise, impact on NPS, share among detractors and its change.

    ``frame`` as :func:`~nps_helpers.analysis.theme_impact.theme_impact` (its order is kept); theme
    names come from ``industry``'s codeframe (:meth:`Translator.theme`). A theme with
    fewer than ``min_n`` mentions (``small_n``) is marked and its impact gets no marker;
    an impact that passed its test (Holm over the themes) gets one.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"theme": ["installation"], "mentions": [50], "complaints": [40],
    ...     "praise": [10], "impact": [-58.3], "ci_low": [-75.0], "ci_high": [-40.0],
    ...     "significant": [True], "small_n": [False], "detractor_share": [0.8],
    ...     "previous_detractor_share": [0.5], "share_verdict": ["rose"]})
    >>> html = theme_table(f, translator("en"), industry="telecom").html
    >>> "−58 (−75 to −40)" in html, "Rose significantly" in html
    (True, True)
    """
    require_columns(frame, ["theme", "mentions", "complaints", "praise", "impact", "ci_low", "ci_high",
                            "significant", "small_n", "detractor_share", "previous_detractor_share",
                            "share_verdict"], "theme_table")
    headers = [t.gettext("Theme"), t.gettext("Mentions"), t.gettext("Complaints"), t.gettext("Praise"),
               t.gettext("Impact on NPS ({level} interval)").format(level=t.percent(level)),
               t.gettext("Share among detractors"), t.gettext("Previous period"), t.gettext("Change")]
    rows, used = [], set()
    for _, row in frame.iterrows():
        mentions = escaped(t.number(row["mentions"]))
        # A narrow interval would round to '−3 (−3 to −3)'; one decimal keeps it readable.
        digits = 1 if pd.notna(row["ci_low"]) and row["ci_high"] - row["ci_low"] < 2 else 0
        impact = escaped(f"{t.nps(row['impact'], digits)} ({t.interval(row['ci_low'], row['ci_high'], digits)})"
                       if pd.notna(row["ci_low"]) else t.nps(row["impact"]))
        if row["small_n"]:
            mentions += flag_mark(SMALL_N_MARK)
            used.add("small_n")
        elif bool(row["significant"]):
            impact += flag_mark(LOWER_MARK if row["impact"] < 0 else HIGHER_MARK)
            used.add("significant")
        rows.append([t.theme(row["theme"], industry), Markup(mentions), t.number(row["complaints"]),
                     t.number(row["praise"]), Markup(impact), t.percent(row["detractor_share"]),
                     t.percent(row["previous_detractor_share"]), t.label(row["share_verdict"])])
    notes = [t.gettext("Impact on NPS: the NPS of all responses minus the NPS without the "
                       "responses that complain about the theme."),
             t.gettext("Share among detractors: of the detractors who left a comment, the share "
                       "naming the theme; its change against the previous period is tested "
                       "({level} confidence, corrected for all the themes by Holm's method)."
                       ).format(level=t.percent(level))]
    if "small_n" in used:
        notes.append(Markup(flag_mark(SMALL_N_MARK) + " " + escaped(
            t.count("Fewer than {n} mention: read with caution.",
                    "Fewer than {n} mentions: read with caution.", min_n))))
    if "significant" in used:
        notes.append(t.gettext("{lower} lowers, {higher} raises the NPS significantly ({level} "
                               "confidence, corrected for all the themes by Holm's method).").format(
            lower=LOWER_MARK, higher=HIGHER_MARK, level=t.percent(level)))
    return html_table(headers, rows, numeric=range(1, 7), text=[7], caption=caption, notes=notes)


def theme_examples_table(
    frame: pd.DataFrame,
    t: Translator,
    *,
    industry: str | None = None,
    max_chars: int = 400,
    caption: str | None = None,
) -> Table:
    """One complaint and one word of praise per theme, as inert text with their scores.

    ``frame`` as :func:`~nps_helpers.analysis.theme_impact.theme_examples`: ``theme``, ``sentiment``
    ('negative' or 'positive'), ``comment``, ``score``; a theme without one of the two shows
    an empty cell. Comments longer than ``max_chars`` are cut with '…'.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"theme": ["price"], "sentiment": ["negative"],
    ...     "comment": ["<b>too dear</b>"], "score": [3]})
    >>> html = theme_examples_table(f, translator("en"), industry="telecom").html
    >>> "&lt;b&gt;too dear&lt;/b&gt; (3)" in html, "<b>" in html
    (True, False)
    """
    require_columns(frame, ["theme", "sentiment", "comment", "score"], "theme_examples_table")
    headers = [t.gettext("Theme"), t.gettext("A complaint"), t.gettext("A word of praise")]
    rows = []
    for theme, examples in frame.groupby("theme", sort=False):
        cells = [t.theme(theme, industry)]
        for sentiment in ("negative", "positive"):
            found = examples[examples["sentiment"] == sentiment]
            if found.empty:
                cells.append("")
                continue
            text = str(found["comment"].iloc[0])
            if len(text) > max_chars:
                text = text[:max_chars].rstrip() + ELLIPSIS
            cells.append(f"{text} ({t.number(found['score'].iloc[0])})")
        rows.append(cells)
    return html_table(headers, rows, text=[1, 2], caption=caption)


def words_table(
    frame: pd.DataFrame,
    t: Translator,
    *,
    by: str = "group",
    score: str = "z",
    top: int = 10,
    caption: str | None = None,
) -> Table:
    """The words most typical of each category, most distinctive first.

    ``frame`` as :func:`~nps_helpers.analysis.text.distinctive_words`: ``by`` (category code),
    ``word`` and ``score`` (the z-score of the log-odds ratio; higher is more typical).
    Only words with a positive score are shown.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"group": ["promoter", "promoter", "promoter", "detractor"],
    ...     "word": ["friendly", "fast", "slow", "slow"], "z": [2.0, 3.1, -1.0, 4.2]})
    >>> html = words_table(f, translator("en")).html
    >>> '<td class="text" dir="auto">fast, friendly</td>' in html
    True
    """
    require_columns(frame, [by, "word", score], "words_table")
    headers = [t.gettext("Group"), t.gettext("Distinctive words")]
    rows = []
    for code, words in frame[frame[score] > 0].groupby(by, sort=False, observed=True):
        best = words.sort_values(score, ascending=False, kind="stable")["word"].head(top)
        rows.append([t.name(code), ", ".join(str(w) for w in best)])
    return html_table(headers, rows, text=[1], caption=caption)
