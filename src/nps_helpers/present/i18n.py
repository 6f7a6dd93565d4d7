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
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

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

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "nps"
MINUS = "\u2212"
DASH = "\u2014"
# Quotation marks per language (CLDR's delimiters, which Babel does not expose).
QUOTES = {"en": "\u201c\u201d", "pl": "\u201e\u201d", "sl": "\u201e\u201c", "ru": "\u00ab\u00bb",
          "de": "\u201e\u201c"}
# How review platforms are spelt (brand names, the same in every language); others as named.
PLATFORMS = {"google": "Google", "trustpilot": "Trustpilot", "yandex": "Yandex",
             "capterra": "Capterra", "tripadvisor": "Tripadvisor", "yelp": "Yelp",
             "facebook": "Facebook", "app_store": "App Store", "google_play": "Google Play",
             "g2": "G2", "feefo": "Feefo", "reviews_io": "Reviews.io"}
# Brands that readers of a language know by a name of their own.
LOCAL_PLATFORMS = {"ru": {"yandex": "Яндекс"}}


def N_(msgid: str) -> str:
    """Mark an English message for extraction without translating it yet.

    Examples
    --------
    >>> N_("Promoters")
    'Promoters'
    """
    return msgid


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark an English message with a plural form; ``{n}`` holds the count.

    Examples
    --------
    >>> Nn_("{n} peer", "{n} peers")
    ('{n} peer', '{n} peers')
    """
    return singular, plural


# Short names for the codes analysis modules return (categories, groups, quadrants, themes).
LABELS: dict[str, str] = {
    "promoter": N_("Promoters"),
    "passive": N_("Passives"),
    "detractor": N_("Detractors"),
    "responder": N_("Responders"),
    "non_responder": N_("Non-responders"),
    "overall": N_("Overall"),
    "not_stated": N_("Not stated"),
    # Customer health bands (health.BANDS).
    "healthy": N_("Healthy"),
    "at_risk": N_("At risk"),
    "critical": N_("Critical"),
    # Common segment columns; a client's other columns are shown as named (Translator.topic).
    "region": N_("Region"),
    "plan": N_("Plan"),
    "touchpoint": N_("Touchpoint"),
    "channel": N_("Channel"),
    "country": N_("Country"),
    "market": N_("Market"),
    "product": N_("Product"),
    "segment": N_("Segment"),
    # Short verdicts on review stars against NPS (reviews.VERDICTS and why there is none).
    "stars_follow_nps": N_("Move together"),
    "stars_oppose_nps": N_("Move in opposite directions"),
    "stars_nps_unclear": N_("No clear link"),
    "too_few_months": N_("Too few months to tell"),
    "no_variation": N_("No variation"),
    "no_reviews": N_("No reviews"),
    "no_responses": N_("No survey responses"),
    # Importance x performance quadrants (drivers.QUADRANTS).
    "concentrate_here": N_("Concentrate here"),
    "keep_up": N_("Keep up the good work"),
    "low_priority": N_("Low priority"),
    "possible_overkill": N_("Possibly over-served"),
    "uncertain": N_("Uncertain"),
    # How a theme's share among detractors changed (theme_impact.SHARE_VERDICTS).
    "rose": N_("Rose significantly"),
    "fell": N_("Fell significantly"),
    "no_significant_change": N_("No significant change"),
    "no_previous_period": N_("No earlier comments"),
    # Comment themes (text.THEMES) and demo rating questions; a client's own are shown as named.
    "price": N_("Price"),
    "support": N_("Support"),
    "delivery": N_("Delivery"),
    "quality": N_("Quality"),
    "usability": N_("Ease of use"),
    "ease": N_("Ease of use"),
    "billing": N_("Billing"),
    "staff": N_("Staff"),
    "reliability": N_("Reliability"),
    "speed": N_("Speed"),
    # Report sections (headings in the notebook and the contents list).
    "report_title": N_("Net Promoter Score report"),
    "summary": N_("Summary"),
    "commentary": N_("Our view"),
    "category_split": N_("Promoters, passives and detractors"),
    "change": N_("Change since the previous period"),
    "trend": N_("Trend"),
    "segments": N_("Segments"),
    "benchmarks": N_("Benchmarks"),
    "churn": N_("NPS and customer retention"),
    "passives_close": N_("Passives close to promoting"),
    "comments": N_("What customers say"),
    "distinctive_words": N_("Words that set promoters and detractors apart"),
    "example_comments": N_("Example comments"),
    "drivers": N_("Key drivers"),
    "csat_ces": N_("Satisfaction and effort (CSAT and CES)"),
    "health": N_("Customer health"),
    "reviews": N_("Ratings on review portals"),
    "about_nps": N_("About the Net Promoter Score"),
    "method": N_("Method"),
    "contents": N_("Contents"),
    "score_distribution": N_("Scores from 0 to 10"),
    # Index page, header and footer of the rendered report.
    "index_title": N_("NPS reports"),
    "client": N_("Client"),
    "period": N_("Period"),
    "report_period": N_("Report period"),
    "report": N_("Report"),
    "status": N_("Status"),
    "final": N_("Final"),
    "draft": N_("Draft"),
    "failed": N_("Failed"),
}

# Labels whose word depends on the client's industry (a bank's support is its customer service,
# a telecom plan a tariff, a retailer's a loyalty tier): each catalogue holds one entry per
# industry with the industry as msgctxt, and Translator.label/topic look them up first.
INDUSTRY_TERMS = ("support", "plan")

# Codes that name a group of customers in a table or chart (categories, responders).
GROUPS = ("promoter", "passive", "detractor", "responder", "non_responder", "overall", "not_stated",
          "healthy", "at_risk", "critical")

# Sentences for codes; ``{name}`` fields are filled by :meth:`Translator.text`, and a
# sentence with plural forms takes its count from the field ``n``.
SENTENCES: dict[str, str | tuple[str, str]] = {
    # Churn: verdicts of churn.association_test and reasons of churn 'not_available'.
    "no_association": N_(
        "There is no significant association between the score and churn in this client's data."
    ),
    "higher_score_less_churn": N_(
        "Customers who gave higher scores were significantly less likely to leave."
    ),
    "higher_score_more_churn": N_(
        "Customers who gave higher scores were significantly more likely to leave. This is "
        "unusual: check how churn is recorded before drawing conclusions."
    ),
    "too_few_events": N_(
        "Too few customers left, or too few stayed, to test whether the score predicts churn."
    ),
    "no_customers": N_("Churn cannot be shown: no customer data was provided for this client."),
    "no_churn_column": N_(
        "Churn cannot be shown: the customer data does not say when customers left."
    ),
    "no_customer_ids": N_(
        "Churn cannot be shown: the survey responses carry no customer ids to link them to "
        "customer data."
    ),
    "no_linked_responses": N_(
        "Churn cannot be shown: no survey response could be linked to a customer record."
    ),
    "no_invitations": N_(
        "Responders and non-responders cannot be compared: no invitation data was provided."
    ),
    # Churn: the base and window of the rates, and what the responders comparison shows.
    "churn_base": Nn_(
        "Base: {n} customer, counted through their latest answer with a complete follow-up "
        "(answers given {window}); churn is counted in the {days} after that answer.",
        "Base: {n} customers, each counted through their latest answer with a complete "
        "follow-up (answers given {window}); churn is counted in the {days} after that answer.",
    ),
    "churn_recent": Nn_(
        "{n} customer who answered only later is left out until the follow-up is complete.",
        "{n} customers who answered only later are left out until the follow-up is complete.",
    ),
    "responders_association": N_(
        "Responders and non-responders may differ in more than answering surveys: this "
        "comparison shows an association, not a cause."
    ),
    # Trend: change against the previous period (see Translator.change).
    "significant_increase": Nn_(
        "NPS rose by {n} point since {previous}, from {before} to {now}; the rise is "
        "statistically significant.",
        "NPS rose by {n} points since {previous}, from {before} to {now}; the rise is "
        "statistically significant.",
    ),
    "significant_decrease": Nn_(
        "NPS fell by {n} point since {previous}, from {before} to {now}; the fall is "
        "statistically significant.",
        "NPS fell by {n} points since {previous}, from {before} to {now}; the fall is "
        "statistically significant.",
    ),
    "no_significant_change": N_(
        "The change since {previous}, from {before} to {now} ({change}), is not statistically "
        "significant: chance alone could produce it."
    ),
    "no_previous_period": N_("There are no responses from the previous period to compare with."),
    "no_responses": N_("There are no responses in this period."),
    # Benchmarks, drivers, comments, other metrics.
    "benchmark_comparability": N_(
        "The published figures come from independent panels of consumers ({regions}); this report "
        "asks {client}'s own customers ({country}). Countries and survey methods differ in how "
        "people score, so read the figures as a rough guide, not a like-for-like comparison."
    ),
    "benchmark_method": N_(
        "The published figures come from independent panels of consumers; this report asks "
        "{client}'s own customers. Survey methods differ in how people score, so read the figures "
        "as a rough guide, not a like-for-like comparison."
    ),
    "no_published_figures": N_(
        "No published NPS figures for this industry were found, so no industry comparison "
        "is shown."
    ),
    "small_sample": Nn_(
        "Fewer than {n} response: read this figure with caution.",
        "Fewer than {n} responses: read this figure with caution.",
    ),
    "too_few_peers": Nn_(
        "Fewer than {n} comparable company is available, so no peer comparison is shown.",
        "Fewer than {n} comparable companies are available, so no peer comparison is shown.",
    ),
    "no_driver_ratings": N_(
        "The survey has no usable rating questions, so key drivers cannot be shown."
    ),
    "too_few_responses": Nn_(
        "Key drivers need at least {n} complete response; this period has {have}.",
        "Key drivers need at least {n} complete responses; this period has {have}.",
    ),
    "drivers_fit": Nn_(
        "The rating questions together explain {r2} of the variation in the score ({level} "
        "interval: {interval}), from {n} complete response.",
        "The rating questions together explain {r2} of the variation in the score ({level} "
        "interval: {interval}), from {n} complete responses.",
    ),
    "drivers_method": N_(
        "Importance is a question's share of the explained variation (relative weights), with "
        "its {level} interval from {resamples} bootstrap resamples. A question counts as "
        "important when its share is at least an equal share ({equal}), and as well rated when "
        "its average is at least {middle}, the middle of the scale from {low} to {high}. A "
        "priority is named only when it holds in at least {agreement} of the resamples; "
        "otherwise the question is marked uncertain."
    ),
    "no_comments": N_("No comments were left in this period."),
    "no_passives_close": N_("No passive customer named a fixable issue in a comment."),
    "passives_close_summary": Nn_(
        "{n} of {passives} passives ({share}) named an issue that can be fixed, mostly about {themes}.",
        "{n} of {passives} passives ({share}) named issues that can be fixed, mostly about {themes}.",
    ),
    "csat_summary": N_(
        "CSAT: {share} of customers were satisfied (4 or 5 on a scale of 1 to 5)."
    ),
    "ces_summary": N_(
        "CES: average rating {mean} on a scale of 1 to 7; {share} found it easy (5 to 7)."
    ),
    "benchmark_sources": N_(
        "Industry figures are published survey results; each row names its source and year."
    ),
    # Review-portal stars against NPS (reviews.VERDICTS and the reasons it cannot tell).
    "stars_follow_nps": N_(
        "Review stars and NPS move together: in months with a higher NPS, reviews gave more "
        "stars."
    ),
    "stars_oppose_nps": N_(
        "Review stars and NPS move in opposite directions: in months with a higher NPS, "
        "reviews gave fewer stars."
    ),
    "stars_nps_unclear": N_("The data do not show whether review stars and NPS move together."),
    "too_few_months": Nn_(
        "Fewer than {n} month has both reviews and survey responses: too few to tell whether "
        "stars and NPS move together.",
        "Fewer than {n} months have both reviews and survey responses: too few to tell whether "
        "stars and NPS move together.",
    ),
    "no_reviews": N_("No ratings from review portals were provided for this client."),
    "no_variation": N_(
        "Stars or NPS were the same every month, so there is nothing to compare."
    ),
    "stars_nps_r": Nn_(
        "Correlation of monthly average stars with monthly NPS: r = {r} ({level} interval: "
        "{interval}), over {n} month.",
        "Correlation of monthly average stars with monthly NPS: r = {r} ({level} interval: "
        "{interval}), over {n} months.",
    ),
    "stars_nps_weights": N_(
        "Each month counts by its number of reviews, and the interval allows for the carry-over "
        "from one month to the next: the months weigh as much as {n_eff} independent ones."
    ),
    # Customer health (health.py) and why it cannot be shown.
    "health_summary": Nn_(
        "At the end of the period {n} customer was active: {critical} in critical health, "
        "{at_risk} at risk and {healthy} healthy.",
        "At the end of the period {n} customers were active: {critical} in critical health, "
        "{at_risk} at risk and {healthy} healthy.",
    ),
    "health_explained": N_(
        "The health score (0 to 100) combines what the customer data hold: how long the "
        "customer has been with you, their plan and revenue, their latest survey score and "
        "its change, how often they answer surveys and how recently they did. A score of "
        "{healthy_from} or more is healthy, below {critical_below} critical, and in between "
        "at risk. The customers at risk are listed for your team in a separate file, not in "
        "this report."
    ),
    "no_health_data": N_(
        "Customer health cannot be shown: no customer data was provided for this client."
    ),
    "no_start_dates": N_(
        "Customer health cannot be shown: the customer data does not say when customers "
        "started."
    ),
    "no_active_customers": N_(
        "Customer health cannot be shown: no customer was active at the end of the period."
    ),
    # Customer health bands calibrated to churn (health.health_risk).
    "health_risk_explained": N_(
        "The health score (0 to 100) combines what the customer data hold: how long the "
        "customer has been with you, their plan and revenue, their latest survey score and "
        "its change, how often they answer surveys and how recently they did; for a customer "
        "who never answered, the survey parts count as neither good nor bad. The bands follow"
        " the risk of leaving within {days} that the score predicted on {fitted}: critical "
        "from {critical} times the average risk of {base}, at risk from {at_risk} times, "
        "healthy below. The customers at risk are listed for your team in a separate file, "
        "not in this report."
    ),
    "health_band_churn": N_(
        "Churn in the {days} after {checked}, by each customer's band on that day; the bands "
        "were fitted on earlier data, so this checks them out of time."
    ),
    "health_band_churn_in_sample": N_(
        "Churn in the {days} after {checked}, by each customer's band on that day; the data "
        "are too short to check the bands on other customers than those they were fitted on."
    ),
    "health_no_link": N_(
        "The score showed no significant link with who left in these data, so the bands "
        "are not calibrated to churn: they follow the score alone."
    ),
    "health_not_calibrated": N_(
        "Too few customers left, or too few stayed, to calibrate the bands against churn: "
        "they follow the score alone."
    ),
    # Explanations and notes.
    "nps_explained": N_(
        "The Net Promoter Score comes from one question: \u201cHow likely are you to recommend "
        "us to a friend or colleague?\u201d, answered on a scale from 0 to 10. Customers who "
        "answer 9 or 10 are "
        "promoters, 7 or 8 passives, and 0 to 6 detractors. The score is the percentage of "
        "promoters minus the percentage of detractors, so it runs from \u2212100 (all "
        "detractors) to +100 (all promoters)."
    ),
    "method_note": N_(
        "Figures in brackets are {level} confidence intervals (adjusted Wald method): an "
        "interval built this way contains the true score in {level} of samples. Intervals and "
        "tests are centred on the adjusted estimate (three pseudo-responses added); the score "
        "shown is the raw one. A change or a difference is called significant when chance "
        "alone would produce it less than {alpha} of the time; the markers of the segment "
        "tables are corrected together for the number of groups compared (Holm's method). "
        "Groups with fewer than {min_n} responses are marked as uncertain and get no marker; "
        "for groups with fewer than {suppress_n}, the figures are withheld."
    ),
    "method_themes": N_(
        "Comments are coded into the themes of the industry's codeframe by keywords in the "
        "comment's own language; each mention is praise, a complaint or neutral, from the words "
        "around it or else the score."
    ),
    # The method note's sentence on what the data did not allow (report.missing_analyses):
    # each analysis left out, with the data that would enable it.
    "missing_data": N_("This report leaves out what the data did not allow: {analyses}."),
    "missing_change": N_(
        "change since the previous period (needs responses from the previous period)"
    ),
    "missing_benchmarks": Nn_(
        "benchmarks (needs published figures for the industry or at least {n} comparable company)",
        "benchmarks (needs published figures for the industry or at least {n} comparable companies)",
    ),
    "missing_trend": N_("monthly trend (needs responses from more than one month)"),
    "missing_reviews": N_("ratings on review portals (needs an export of the portals' ratings)"),
    "missing_segments": N_("NPS by segment (needs a column such as region or plan)"),
    "missing_churn": N_(
        "NPS and customer retention (needs customer records with leaving dates and a customer "
        "id on each response)"
    ),
    "missing_responders": N_(
        "responders against non-responders (needs the list of customers invited to the survey)"
    ),
    "missing_health": N_("customer health (needs customer records with start dates)"),
    "missing_health_active": N_(
        "customer health (needs customers active at the end of the period)"
    ),
    "missing_comments": N_("comment themes (needs the customers' comments)"),
    "missing_drivers": N_("key drivers (needs rating questions asked alongside the NPS question)"),
    "missing_drivers_few": Nn_(
        "key drivers (needs at least {n} complete answer to the rating questions)",
        "key drivers (needs at least {n} complete answers to the rating questions)",
    ),
    "missing_csat": N_("CSAT (needs a satisfaction question rated 1 to 5)"),
    "missing_ces": N_("CES (needs an effort question rated 1 to 7)"),
    # The summary's findings (findings.Finding codes), the target and the nothing-found note.
    "summary_nps_rose": Nn_(
        "NPS rose significantly by {n} point since {previous}, from {before} to {now} ({responses}).",
        "NPS rose significantly by {n} points since {previous}, from {before} to {now} ({responses}).",
    ),
    "summary_nps_fell": Nn_(
        "NPS fell significantly by {n} point since {previous}, from {before} to {now} ({responses}).",
        "NPS fell significantly by {n} points since {previous}, from {before} to {now} ({responses}).",
    ),
    "summary_segment_above": Nn_(
        "{topic} {group}: NPS {nps}, significantly above the rest of the customers by {n} point "
        "({responses}).",
        "{topic} {group}: NPS {nps}, significantly above the rest of the customers by {n} points "
        "({responses}).",
    ),
    "summary_segment_below": Nn_(
        "{topic} {group}: NPS {nps}, significantly below the rest of the customers by {n} point "
        "({responses}).",
        "{topic} {group}: NPS {nps}, significantly below the rest of the customers by {n} points "
        "({responses}).",
    ),
    "summary_theme_lowers": Nn_(
        "Complaints about {theme} lower the NPS by {n} point ({interval}); "
        "{responses} complained about it.",
        "Complaints about {theme} lower the NPS by {n} points ({interval}); "
        "{responses} complained about it.",
    ),
    "summary_theme_rose_among_detractors": N_(
        "More detractors name {theme} than in the previous period: {now} of those who "
        "commented, up from {before}."
    ),
    "summary_driver": N_(
        "Concentrate on {driver}: it weighs much on the score and is rated below the other "
        "questions ({responses} with every rating)."
    ),
    "summary_churn_link": Nn_(
        "Customers who gave higher scores were less likely to leave: within {days} days "
        "{detractors} of detractors left and {promoters} of promoters ({n} customer). This is an "
        "association, not proof that the score causes churn.",
        "Customers who gave higher scores were less likely to leave: within {days} days "
        "{detractors} of detractors left and {promoters} of promoters ({n} customers). This is an "
        "association, not proof that the score causes churn.",
    ),
    "summary_response_rate_rose": Nn_(
        "The response rate rose significantly from {before} to {now} ({n} invitation this period).",
        "The response rate rose significantly from {before} to {now} ({n} invitations this period).",
    ),
    "summary_response_rate_fell": Nn_(
        "The response rate fell significantly from {before} to {now} ({n} invitation this period).",
        "The response rate fell significantly from {before} to {now} ({n} invitations this period).",
    ),
    "summary_nothing": N_(
        "No result of this period passed its significance test, so nothing stands out from chance."
    ),
    "target_above": N_("The target NPS of {target} is met: the whole interval ({interval}) lies above it."),
    "target_below": N_("The target NPS of {target} is missed: the whole interval ({interval}) lies below it."),
    "target_across": N_(
        "The interval ({interval}) includes the target NPS of {target}: the data cannot tell "
        "whether it is met."
    ),
    "response_rate": Nn_(
        "{share} of the {n} invitation sent in this period was answered within {days} days "
        "({level} interval: {interval}).",
        "{share} of the {n} invitations sent in this period were answered within {days} days "
        "({level} interval: {interval}).",
    ),
    # The analyst's commentary (commentary.py) when it is a draft: at the top of the report
    # and in its section.
    "draft_stale": N_("Draft: the data changed since the commentary was approved"),
    "draft_unapproved": N_("Draft: the commentary has not been approved"),
    "generated_on": N_("Generated on {date}"),
    "data_window": N_("Responses from {start} to {end}"),
    "version": N_("nps-reports version {version}"),
}

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
            raise NpsInputError(f"no label for code {code!r}: add it to i18n.LABELS and nps.po")
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
                f"no sentence for code {code!r}: add it to i18n.SENTENCES and every nps.po"
            )
        message = SENTENCES[code]
        try:
            if isinstance(message, tuple):
                count = values.pop("n")
                return self.count(*message, count, **values)
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
        return DASH if _missing(value) else _formatted(str(self.locale), "decimal", float(value), digits)

    def percent(self, share: float | None, digits: int = 0) -> str:
        """A share 0..1 as a percentage in this locale's format ('23%', '23 %').

        Examples
        --------
        >>> translator("en").percent(0.234), translator("ru").percent(0.2346, 1)
        ('23%', '23,5\\xa0%')
        """
        return DASH if _missing(share) else _formatted(str(self.locale), "percent", float(share), digits)

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
    try:
        return value is None or math.isnan(value)
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
