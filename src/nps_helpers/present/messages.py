"""The report's own words as message ids: labels for the codes analysis modules return, and the
sentences they stand for, in English; present.i18n translates them (locale/<lang>/LC_MESSAGES/nps.po).

N_ and Nn_ mark a message for extraction; every message here has a translation in every
catalogue (tests/test_i18n.py checks it)."""
from __future__ import annotations

# Quotation marks per language (CLDR's delimiters, which Babel does not expose).
QUOTES: dict[str, tuple[str, str]] = {
    "en": ("\u201c", "\u201d"), "pl": ("\u201e", "\u201d"), "sl": ("\u201e", "\u201c"),
    "ru": ("\u00ab", "\u00bb"), "de": ("\u201e", "\u201c")}

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
