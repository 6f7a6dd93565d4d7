"""Report text in the client's language: gettext catalogues, plural forms and Babel formats.

The catalogues are ``locale/<lang>/LC_MESSAGES/nps.po``. They are compiled in memory the
first time a language is used, so there is no build step and no ``.mo`` file to forget.
Analysis modules return codes (``verdict="no_association"``); :class:`Translator` turns
codes, numbers, dates and periods into the words and formats of one language.

Add a message by writing it in English in the code (``t.gettext("...")``, or in
:data:`LABELS` / :data:`SENTENCES` for codes) and its translation to every ``nps.po``;
``tests/test_i18n.py`` finds any message missing from a catalogue.
"""
from __future__ import annotations

import copy
import datetime as dt
import gettext
import io
import math
import numbers
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import SupportsFloat, cast

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ..analysis.metrics import NpsResult
from ..analysis.reviews import ALL_PLATFORMS, MIN_MONTHS, StarsNps
from ..analysis.trends import PeriodChange
from ..config.params import LANGUAGES
from ..core.schema import DRIVER_PREFIX
from ..errors import NpsInputError
from .messages import GROUPS, INDUSTRY_TERMS, LABELS, LOCAL_PLATFORMS, PLATFORMS, QUOTES, SENTENCES

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "nps"
MINUS = "\u2212"
DASH = "\u2014"


_PERIOD_PATTERNS = (
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
_PERIOD_SKELETONS = {
    ("month", False): "yMMMM",
    ("month", True): "yMMM",
    ("quarter", False): "yQQQ",  # one quarter style per language: "Q3 2026", never also "3. Quartal 2026"
    ("quarter", True): "yQQQ",
}


class Translator:
    """The words and number formats of one report language.

    Use :func:`translator` to get one (it is cached per language).

    Examples
    --------
    >>> t = translator("pl")
    >>> t.gettext("Promoters"), t.nps(23.4), t.percent(0.5)
    ('Promotorzy', '+23', '50%')
    """

    def __init__(self, language: str, locale: str | None = None, industry: str | None = None) -> None:
        if language not in LANGUAGES:
            raise NpsInputError(
                f"language {language!r} is not available: choose one of {', '.join(LANGUAGES)}"
            )
        self.language = language
        # The words come from the language; dates and numbers from the locale (en_GB: 1 July).
        self.locale = Locale.parse(locale or language)
        self.industry = industry
        self._catalogue = _load_catalogue(language)

    def __repr__(self) -> str:
        return f"Translator({self.language!r}, {str(self.locale)!r}, {self.industry!r})"

    # --- messages ---------------------------------------------------------------------------
    def gettext(self, msgid: str) -> str:
        """The message in this language (the English text when the catalogue lacks it).

        Examples
        --------
        >>> translator("de").gettext("Detractors")
        'Detraktoren'
        """
        return self._catalogue.gettext(msgid)

    def term(self, code: str) -> str:
        """A label in the words of the client's industry (msgctxt), else the general one.

        Examples
        --------
        >>> translator("de", industry="banking").term("support"), translator("de").term("support")
        ('Kundenservice', 'Kundenservice')
        >>> translator("ru", industry="retail").term("plan"), translator("ru", industry="telecom").term("plan")
        ('Уровень лояльности', 'Тариф')
        """
        msgid = LABELS[code]
        if self.industry and code in INDUSTRY_TERMS:
            # gettext answers the msgid itself when a context has no entry.
            found = self._catalogue.pgettext(self.industry, msgid)
            if found != msgid:
                return found
        return self.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The plural form of a message that fits the count ``n`` (rules from Plural-Forms).

        Examples
        --------
        >>> t = translator("ru")
        >>> [t.ngettext("{n} response", "{n} responses", k) for k in (1, 3, 5)]
        ['{n} ответ', '{n} ответа', '{n} ответов']
        """
        return self._catalogue.ngettext(singular, plural, int(n))

    def count(self, singular: str, plural: str, n: int, **values: object) -> str:
        """A counted phrase: the plural form for ``n``, with ``{n}`` as a localized number.

        Examples
        --------
        >>> t = translator("sl")
        >>> [t.count("{n} response", "{n} responses", k) for k in (1, 2, 3, 5)]
        ['1 odgovor', '2 odgovora', '3 odgovori', '5 odgovorov']
        """
        return self.ngettext(singular, plural, n).format(n=self.number(n), **values)

    def responses(self, n: int) -> str:
        """'1 response', '5 responses' in this language.

        Examples
        --------
        >>> [translator("pl").responses(k) for k in (1, 2, 5)]
        ['1 odpowiedź', '2 odpowiedzi', '5 odpowiedzi']
        """
        return self.count("{n} response", "{n} responses", n)

    def label(self, code: str) -> str:
        """The short name of a code: category, responder group, quadrant, theme, heading.

        Examples
        --------
        >>> translator("ru").label("passive")
        'Нейтралы'
        """
        if code not in LABELS:
            raise NpsInputError(f"no label for code {code!r}: add it to present/messages.py LABELS and every nps.po")
        return self.term(code)

    def name(self, value: object, *, short: bool = False) -> str:
        """How a group value reads in a report: a group code's label, a period in words, else as is.

        ``short`` gives the short period form for chart axes ('Q1 2026', 'mar 2026').

        Examples
        --------
        >>> t = translator("de")
        >>> t.name("promoter"), t.name("2026-03"), t.name("Nord")
        ('Promotoren', 'März 2026', 'Nord')
        """
        text = str(value)
        return self.gettext(LABELS[text]) if text in GROUPS else self.period(text, short=short)

    def topic(self, name: str) -> str:
        """A comment theme or a rating question: a default one in this language, else as named.

        A ``driver_`` prefix is dropped and underscores read as spaces.

        Examples
        --------
        >>> t = translator("de")
        >>> t.topic("price"), t.topic("driver_price"), t.topic("Parkplatz"), t.topic("wait_time")
        ('Preis', 'Preis', 'Parkplatz', 'wait time')
        """
        name = str(name).removeprefix(DRIVER_PREFIX)
        return self.term(name) if name in LABELS else name.replace("_", " ")

    def theme(self, code: str, industry: str | None = None) -> str:
        """A comment theme's name in this language, from the industry's codeframe.

        Examples
        --------
        >>> translator("pl").theme("installation", "telecom")
        'Instalacja'
        """
        # text loads the codeframes and the lemmatiser; every module imports i18n.
        from ..analysis.codeframes import theme_label

        return theme_label(code, self.language, industry)

    def text(self, code: str, **values: object) -> str:
        """The sentence for a code (a verdict, a note), with ``{fields}`` filled in.

        Examples
        --------
        >>> translator("en").text("too_few_responses", n=60, have=41)
        'Key drivers need at least 60 complete responses; this period has 41.'
        >>> translator("ru").text("too_few_peers", n=5)
        'Сравнимых компаний меньше 5, поэтому сравнение с ними не показано.'
        """
        if code not in SENTENCES:
            raise NpsInputError(
                f"no sentence for code {code!r}: add it to present/messages.py SENTENCES and every nps.po"
            )
        message = SENTENCES[code]
        try:
            if isinstance(message, tuple):
                singular, plural = message
                n = values.pop("n")
                if not isinstance(n, numbers.Integral):
                    raise NpsInputError(f"sentence {code!r} counts a whole number n, not {n!r}")
                return self.count(singular, plural, int(n), **values)
            return self.gettext(message).format(**values)
        except KeyError as missing:
            raise NpsInputError(f"sentence {code!r} needs the value {missing}") from None

    # --- numbers ----------------------------------------------------------------------------
    def number(self, value: float | None, digits: int = 0) -> str:
        """A number in this locale's format, with a true minus sign; '—' when missing.

        Examples
        --------
        >>> t = translator("de")
        >>> t.number(12345.678, 1), t.number(-3), t.number(float("nan"))
        ('12.345,7', '−3', '—')
        """
        if value is None or _missing(value):
            return DASH
        return _formatted(str(self.locale), "decimal", float(value), digits)

    def percent(self, share: float | None, digits: int = 0) -> str:
        """A share 0..1 as a percentage in this locale's format ('23%', '23 %').

        Examples
        --------
        >>> translator("en").percent(0.234), translator("ru").percent(0.2346, 1)
        ('23%', '23,5\\xa0%')
        """
        if share is None or _missing(share):
            return DASH
        return _formatted(str(self.locale), "percent", float(share), digits)

    def nps(self, value: float | None, digits: int = 0) -> str:
        """An NPS with its sign: '+23', '−5' (true minus), '0'.

        Examples
        --------
        >>> t = translator("en")
        >>> t.nps(23.4), t.nps(-5), t.nps(0.2), t.nps(-0.4)
        ('+23', '−5', '0', '0')
        """
        text = self.number(value, digits)
        if text == DASH or not re.search(r"[1-9]", text) or text.startswith(MINUS):
            return text
        return "+" + text

    def interval(self, low: float | None, high: float | None, digits: int = 0) -> str:
        """An interval's bounds: '18 to 28' in this language.

        Examples
        --------
        >>> translator("de").interval(-4, 12)
        '−4 bis 12'
        """
        return self.gettext("{low} to {high}").format(
            low=self.number(low, digits), high=self.number(high, digits)
        )

    def nps_interval(
        self, value: float | None, low: float | None, high: float | None, digits: int = 0
    ) -> str:
        """An NPS with its interval: '+23 (18 to 28)'; '—' when the value is missing.

        Examples
        --------
        >>> translator("pl").nps_interval(23.2, 18.1, 28.4)
        '+23 (od 18 do 28)'
        """
        if _missing(value):
            return DASH
        return f"{self.nps(value, digits)} ({self.interval(low, high, digits)})"

    def headline(self, result: NpsResult) -> str:
        """The headline figure: NPS, its interval and the number of responses.

        Examples
        --------
        >>> from nps_helpers.analysis.metrics import nps
        >>> translator("en").headline(nps({"promoters": 60, "passives": 20, "detractors": 20}))
        'NPS +40 (95% interval: 23 to 54), 100 responses'
        """
        return self.gettext("NPS {value} ({level} interval: {interval}), {responses}").format(
            value=self.nps(result.nps),
            level=self.percent(result.level),
            interval=self.interval(result.ci_low, result.ci_high),
            responses=self.responses(result.n),
        )

    def change(self, change: PeriodChange) -> str:
        """The sentence on the change since the previous period, by its verdict code.

        Examples
        --------
        >>> import pandas as pd
        >>> from nps_helpers.analysis.trends import period_change
        >>> frame = pd.DataFrame({"score": [10] * 30 + [0] * 20 + [10] * 10 + [0] * 40,
        ...     "responded_at": pd.to_datetime(["2026-08-01"] * 50 + ["2026-05-01"] * 50, utc=True)})
        >>> translator("pl").change(period_change(frame, "2026-Q3"))
        'NPS wzrósł o 80 punktów w porównaniu z okresem II kw. 2026, z −60 do +20; wzrost jest istotny statystycznie.'
        """
        previous = self.period(change.previous.label, short=True)
        d = change.difference
        # The change is that of the values shown, so the sentence adds up; one decimal when
        # whole numbers would read as no change ('from +19 to +19 (+1)').
        digits = int(round(d.b.nps, 0) == round(d.a.nps, 0) and round(d.difference, 1) != 0)
        before, now = round(d.b.nps, digits), round(d.a.nps, digits)
        shown = round(now - before, digits)
        values = {"previous": previous, "before": self.nps(before, digits), "now": self.nps(now, digits)}
        if change.verdict in ("significant_increase", "significant_decrease"):
            return self.text(change.verdict, n=round(abs(shown)), **values)
        return self.text(change.verdict, change=self.nps(shown, digits), **values)

    def stars_nps(self, result: StarsNps, *, min_months: int = MIN_MONTHS) -> str:
        """Whether review stars move with NPS: the verdict, r with its interval, and how it was weighed.

        ``result`` is :func:`~nps_helpers.analysis.reviews.stars_vs_nps`; ``min_months`` is the one
        it was given. Without an r, the sentence says why.

        Examples
        --------
        >>> import pandas as pd
        >>> from nps_helpers.analysis.reviews import stars_vs_nps
        >>> months = pd.to_datetime([f"2026-{m:02d}-10" for m in range(1, 8)], utc=True)
        >>> reviews = pd.DataFrame({"platform": "google", "reviewed_at": months,
        ...                         "stars": [1, 2, 3, 3, 4, 5, 5]})
        >>> responses = pd.DataFrame({"responded_at": months, "score": [0, 3, 8, 7, 9, 10, 10]})
        >>> translator("pl").stars_nps(stars_vs_nps(reviews, responses)).split("NPS: ")[-1][:66]
        'r = 0,96 (przedział ufności 95%: od −0,55 do 1,00), na podstawie 7'
        >>> translator("en").stars_nps(stars_vs_nps(reviews, responses)).split(": ")[-1]
        'the months weigh as much as 3.6 independent ones.'
        >>> translator("en").stars_nps(stars_vs_nps(reviews.head(3), responses))[:44]
        'Fewer than 6 months have both reviews and su'
        """
        if result.status != "ok":
            return self.text(result.verdict, n=min_months)
        return " ".join([self.text(result.verdict), self.text(
            "stars_nps_r", n=result.months, r=self.number(result.r, 2),
            level=self.percent(result.level), interval=self.interval(result.ci_low, result.ci_high, 2)),
            self.text("stars_nps_weights", n_eff=self.number(result.n_eff, 1))])

    def platform(self, name: str) -> str:
        """A review platform's name: brands as they spell themselves, 'all' in this language.

        Examples
        --------
        >>> t = translator("de")
        >>> t.platform("trustpilot"), t.platform("all"), t.platform("Kununu")
        ('Trustpilot', 'Alle Portale', 'Kununu')
        >>> translator("ru").platform("yandex"), t.platform("yandex")
        ('Яндекс', 'Yandex')
        """
        if name == ALL_PLATFORMS:
            return self.gettext("All platforms")
        key = str(name).lower()
        return LOCAL_PLATFORMS.get(self.language, {}).get(key) or PLATFORMS.get(key, str(name))

    # --- dates and text ---------------------------------------------------------------------
    def date(self, value: dt.date | dt.datetime, format: str = "long") -> str:
        """A date in this language ('5 marca 2026'); ``format`` is short, medium or long.

        Examples
        --------
        >>> translator("ru").date(dt.date(2026, 3, 5))
        '5 марта 2026\u202fг.'
        >>> translator("sl").date(dt.date(2026, 7, 1))
        '1. julija 2026'
        """
        return _with_genitive(format_date(value, format, locale=self.locale), self.locale.language)

    def period(self, label: str, *, short: bool = False) -> str:
        """A period label ('2026-03', '2026-Q1', '2026', 'FROM..TO') in this language.

        A custom range reads as its first and last day (TO is exclusive), as CLDR writes a
        date interval in this language; other labels are returned as they are.

        Examples
        --------
        >>> t = translator("pl")
        >>> t.period("2026-03"), t.period("2026-Q1", short=True), t.period("2026")
        ('marzec 2026', 'I kw. 2026', '2026')
        >>> t.period("2026-04-01..2026-10-01")
        '1 kwietnia\\u2009–\\u200930 września 2026'
        >>> translator("en").period("2025-11-15..2026-02-01")
        'Nov 15, 2025\\u2009–\\u2009Jan 31, 2026'
        """
        if m := _RANGE.match(label):
            first, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
            last = max(first, end - dt.timedelta(days=1))
            return _with_genitive(format_interval(first, last, "yMMMMd", locale=self.locale), self.locale.language)
        for pattern, kind in _PERIOD_PATTERNS:
            if m := pattern.match(label):
                if kind == "year":
                    return label
                month = int(m[2]) if kind == "month" else 3 * int(m[2]) - 2
                day = dt.date(int(m[1]), month, 1)
                return format_skeleton(_PERIOD_SKELETONS[kind, short], day, locale=self.locale)
        return label

    def period_tick(self, label: str, *, with_year: bool) -> str:
        """A compact period label for a chart axis: 'Mar' or 'Mar' over '2026'.

        Examples
        --------
        >>> t = translator("ru")
        >>> t.period_tick("2026-09", with_year=True), t.period_tick("2026-Q2", with_year=False)
        ('сент.\\n2026', '2-й кв.')
        """
        for pattern, kind in _PERIOD_PATTERNS[:2]:
            if m := pattern.match(label):
                month = int(m[2]) if kind == "month" else 3 * int(m[2]) - 2
                day = dt.date(int(m[1]), month, 1)
                name = format_date(day, "LLL" if kind == "month" else "QQQ", locale=self.locale)
                return f"{name}\n{m[1]}" if with_year else name
        return self.period(label, short=True)

    def quote(self, text: str) -> str:
        """Text in this language's quotation marks: “…”, „…”, «…».

        Examples
        --------
        >>> translator("de").quote("Preis")
        '„Preis“'
        """
        start, end = QUOTES[self.language]
        return f"{start}{text}{end}"

    def join(self, items: Iterable[str]) -> str:
        """A list in this language: 'a, b and c'.

        Examples
        --------
        >>> translator("sl").join(["cena", "dostava", "podpora"])
        'cena, dostava in podpora'
        """
        return format_list(list(items), locale=self.locale)

    def country(self, code: str) -> str:
        """A CLDR territory code's name in this language; other codes ('EU') as given.

        Examples
        --------
        >>> translator("de").country("US"), translator("pl").country("GB"), translator("en").country("EU")
        ('Vereinigte Staaten', 'Wielka Brytania', 'European Union')
        """
        return Locale.parse(self.language).territories.get(code, code)


# A month after a day number takes the genitive in Slovenian ('1. julija 2026'); CLDR's sl
# data have only the nominative, so the twelve forms are written here.
_GENITIVE = {"sl": dict(zip(
    ["januar", "februar", "marec", "april", "maj", "junij", "julij", "avgust", "september", "oktober", "november", "december"],
    ["januarja", "februarja", "marca", "aprila", "maja", "junija", "julija", "avgusta", "septembra", "oktobra", "novembra", "decembra"],
    strict=True))}


def _with_genitive(text: str, language: str) -> str:
    forms = _GENITIVE.get(language)
    if not forms:
        return text
    return re.sub(r"(\d\.\s?)(" + "|".join(forms) + r")\b", lambda m: m[1] + forms[m[2]], text)


# CLDR numbers.json minimumGroupingDigits where it is not 1 (of the report languages: Polish).
MIN_GROUPING_DIGITS = {"pl": 2}


# Chart tick formatters ask for the same few values on every redraw; Babel's pattern apply
# is slow enough that this cache saves a tenth of a second per report.
@lru_cache(maxsize=16384)
def _formatted(locale_id: str, kind: str, value: float, digits: int) -> str:
    locale = Locale.parse(locale_id)
    pattern = copy.copy((locale.decimal_formats if kind == "decimal" else locale.percent_formats)[None])
    pattern.frac_prec = (digits, digits)
    # CLDR's minimum grouping digits (Babel does not carry them): Polish writes 2459, 12 459.
    grouped = abs(value) >= 10 ** (2 + MIN_GROUPING_DIGITS.get(locale.language, 1))
    text = pattern.apply(abs(value), locale, group_separator=grouped)
    # Rounding can turn -0.04 into zero, which must not keep a sign.
    if value < 0 and re.search(r"[1-9]", text):
        return MINUS + text
    return text


@cache
def translator(language: str, locale: str | None = None, industry: str | None = None) -> Translator:
    """The cached :class:`Translator` of a report language (en, pl, sl, ru, de), with the
    client's CLDR ``locale`` for dates and numbers (default: the language's own) and the
    client's ``industry`` for the words that differ by industry (:data:`INDUSTRY_TERMS`).

    Examples
    --------
    >>> translator("sl").label("detractor")
    'Kritiki'
    >>> import datetime as dt
    >>> translator("en", "en_GB").date(dt.date(2026, 7, 1)), translator("en").date(dt.date(2026, 7, 1))
    ('1 July 2026', 'July 1, 2026')
    """
    return Translator(language, locale, industry)


def client_translator(language: str, locale: str | None, industry: str | None = None) -> Translator:
    """The report's translator: the client's ``locale`` when it is of the report's language
    (an en_GB client's report rendered in Polish takes Polish dates), else the language's own.

    Examples
    --------
    >>> str(client_translator("en", "en_GB").locale), str(client_translator("pl", "en_GB").locale)
    ('en_GB', 'pl')
    """
    same = locale is not None and locale.split("_")[0] == language
    return translator(language, locale if same else None, industry)


def catalogue_path(language: str) -> Path:
    """Where the ``.po`` catalogue of a language lives.

    Examples
    --------
    >>> catalogue_path("de").relative_to(LOCALE_DIR).as_posix()
    'de/LC_MESSAGES/nps.po'
    """
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(cast(SupportsFloat, value))
    except TypeError:
        # pd.NA and other non-numbers: nothing to show.
        return True


@cache
def _load_catalogue(language: str) -> gettext.GNUTranslations:
    path = catalogue_path(language)
    try:
        with open(path, "rb") as fh:
            catalogue = read_po(fh, locale=language, domain=DOMAIN)
    except FileNotFoundError:
        raise NpsInputError(f"{path}: catalogue missing; reinstall nps-reports") from None
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
