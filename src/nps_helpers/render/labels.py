"""The few words the report frame (header, contents, footer) shows, in each report language.

The notebook's own text is the notebook's business (and the i18n layer's); these are only
the labels the render template places around it.
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "report": "Net Promoter Score report",
        "contents": "Contents",
        "period": "Report period",
        "data_window": "Responses from {start} to {end}",
        "generated": "Generated on {date}",
        "software": "nps-reports {version}",
    },
    "pl": {
        "report": "Raport Net Promoter Score",
        "contents": "Spis treści",
        "period": "Okres raportu",
        "data_window": "Odpowiedzi od {start} do {end}",
        "generated": "Wygenerowano {date}",
        "software": "nps-reports {version}",
    },
    "sl": {
        "report": "Poročilo Net Promoter Score",
        "contents": "Vsebina",
        "period": "Obdobje poročila",
        "data_window": "Odgovori od {start} do {end}",
        "generated": "Ustvarjeno {date}",
        "software": "nps-reports {version}",
    },
    "ru": {
        "report": "Отчёт Net Promoter Score",
        "contents": "Содержание",
        "period": "Отчётный период",
        "data_window": "Ответы с {start} по {end}",
        "generated": "Создан {date}",
        "software": "nps-reports {version}",
    },
    "de": {
        "report": "Net-Promoter-Score-Bericht",
        "contents": "Inhalt",
        "period": "Berichtszeitraum",
        "data_window": "Antworten vom {start} bis {end}",
        "generated": "Erstellt am {date}",
        "software": "nps-reports {version}",
    },
}


def frame_labels(
    language: str,
    *,
    period_start: dt.date,
    period_end: dt.date,
    generated_on: dt.date,
    version: str,
) -> dict[str, str]:
    """The header and footer words of a report, with dates in the language's format.

    ``period_end`` is exclusive, so the last day shown is the day before it.

    Examples
    --------
    >>> lab = frame_labels("de", period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 10, 1),
    ...     generated_on=dt.date(2026, 10, 2), version="0.1.0")
    >>> lab["data_window"]
    'Antworten vom 1. Juli 2026 bis 30. September 2026'
    """
    words = LABELS.get(language, LABELS["en"])

    def day(value: dt.date) -> str:
        return format_date(value, format="long", locale=language)

    return {
        **words,
        "data_window": words["data_window"].format(
            start=day(period_start), end=day(period_end - dt.timedelta(days=1))
        ),
        "generated": words["generated"].format(date=day(generated_on)),
        "software": words["software"].format(version=version),
    }
