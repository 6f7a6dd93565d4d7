"""The comments section: themes with their impact and change among detractors, the words that set
groups apart, passives close to promoting, and example comments."""
from __future__ import annotations

import pandas as pd

from ..analysis.metrics import categorize
from ..analysis.text import distinctive_words, passives_close_to_promoting
from ..analysis.theme_impact import theme_examples, theme_impact
from ..present.comment_tables import theme_examples_table, theme_table, words_table
from ..present.plots import theme_balance
from .report import (
    PASSIVE_THEMES,
    TOP_THEMES,
    Report,
    heading,
    paragraph,
)


def has_comments(report: Report) -> bool:
    """Whether any response of the period has a comment (blank ones do not count).

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> has_comments(example_report())
    False
    """
    return not report.comments.fillna("").str.strip().eq("").all()


def theme_table_of(
    report: Report, mentions: pd.DataFrame | None = None, previous_mentions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """:func:`~nps_helpers.analysis.theme_impact.theme_impact` of the report's period against the one before.

    ``mentions`` and ``previous_mentions`` default to the report's own
    (:attr:`Report.mentions`, :attr:`Report.previous_mentions`).

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> m = pd.DataFrame({"row": [3], "theme": ["price"], "language": ["en"], "sentiment": ["negative"]})
    >>> theme_table_of(example_report(), m, m.iloc[:0])[["theme", "complaints", "share_verdict"]].to_dict("records")
    [{'theme': 'price', 'complaints': 1, 'share_verdict': 'no_previous_period'}]
    """
    return theme_impact(
        report.responses, report.mentions if mentions is None else mentions,
        previous=report.previous_responses,
        previous_mentions=report.previous_mentions if previous_mentions is None else previous_mentions,
        level=report.level, min_n=report.min_n)


def show_comments(
    report: Report, mentions: pd.DataFrame | None = None, previous_mentions: pd.DataFrame | None = None
) -> list:
    """Praise and complaints per theme with their impact, distinctive words, passives, examples.

    ``mentions`` and ``previous_mentions`` default to the report's own
    (:attr:`Report.mentions`, :attr:`Report.previous_mentions`). The chart and table show
    each theme's complaints, praise, impact on NPS and share among detractors against the
    previous period; the passives' sentence names the themes they raise; the examples are
    one complaint and one word of praise for each of the :data:`TOP_THEMES` themes costing
    most NPS. Comments are shown as escaped text with e-mail addresses masked, never with a
    customer id. Nothing without comments.

    Examples
    --------
    >>> from nps_helpers.views.report import example_report
    >>> show_comments(example_report())
    []
    """
    t, responses = report.t, report.responses
    if not has_comments(report):
        return []
    mentions = report.mentions if mentions is None else mentions
    industry = report.client.industry
    themes = theme_table_of(report, mentions, previous_mentions)
    words = distinctive_words(responses["comment"], categorize(responses["score"]), responses.get("language"),
                              extra=report.theme_extra)
    # Praise is no issue to fix: a passive close to promoting complains or asks about something.
    passives = passives_close_to_promoting(responses, mentions[mentions["sentiment"] != "positive"],
                                           level=report.level)
    parts: list = []
    # Comments may praise or complain about no theme at all: then there is no theme chart to draw.
    if (themes["complaints"] + themes["praise"]).gt(0).any():
        parts += [theme_balance(themes, t, industry=industry, min_n=report.min_n),
                  theme_table(themes, t, industry=industry, level=report.level, min_n=report.min_n)]
    parts += [heading(t, "distinctive_words", level=3), words_table(words, t),
              heading(t, "passives_close", level=3)]
    if passives.close:
        named = t.join(f"{t.theme(row.theme, industry)} ({t.number(row.passives)})"
                       for row in passives.by_theme.head(PASSIVE_THEMES).itertuples())
        parts.append(paragraph(t.text("passives_close_summary", n=passives.close, passives=passives.passives,
                                      share=t.percent(passives.share), themes=named)))
    else:
        parts.append(paragraph(t.text("no_passives_close")))
    examples = theme_examples(responses, mentions, themes["theme"].head(TOP_THEMES).tolist())
    if not examples.empty:
        parts += [heading(t, "example_comments", level=3),
                  theme_examples_table(examples, t, industry=industry)]
    return parts
