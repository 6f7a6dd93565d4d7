"""What a report notebook holds in hand: one client's data for one period, in one language.

:func:`open_report` reads the client's params and its own partitions once; the notebook
then calls analysis functions on ``report.responses`` and shows their results with
:mod:`~nps_helpers.present.plots` and :mod:`~nps_helpers.present.tables`. The ``show_*`` functions here
cover sections whose content depends on what the data allow: each returns nothing
when the data do not allow its analysis (churn without customer data, drivers without
ratings...), :func:`section` then leaves the heading out too, and :func:`show_method`
names in one sentence what was left out and which data would enable it. So a notebook
cell never needs an ``if``, and a report never holds a section that only says it is empty.
"""
from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..analysis import text as tagging
from ..analysis.experience import to_utc
from ..analysis.findings import RateChange, response_rate_change
from ..analysis.metrics import NpsResult, nps
from ..analysis.segments import nps_by_segment
from ..analysis.trends import period_change
from ..config.params import (
    ClientParams,
    Defaults,
    load_client,
    load_defaults,
)
from ..config.project import find_project, lab_internal_dir
from ..core.periods import HISTORY_MONTHS, Period, parse_period, window
from ..errors import NpsInputError, NpsParamsError
from ..io.store import Store, load_table, resolve_store
from ..io.timezones import client_timezone
from ..present.commentary import (
    Commentary,
    Figure,
    approval_path,
    approval_record,
    commentary_path,
    commentary_state,
    fingerprint,
    language_warning,
    placeholder_values,
    read_approval,
    read_text,
    render_commentary,
    responses_digest,
    withheld_groups,
    write_approval,
)
from ..present.i18n import Translator, client_translator, translator

if TYPE_CHECKING:  # health loads scikit-learn: imported where it is used
    from ..analysis.health_risk import HealthRisk

TOP_THEMES = 5  # themes with example comments, the largest losses first
PASSIVE_THEMES = 3  # themes the passives' sentence names
HEALTH_QUARTERS = 4  # band counts at the end of the period and of the quarters before it
AT_RISK_FILE = "customers_at_risk.csv"
LINK_MARK = "\u2192"  # before a finding's link to its section: the same in every language


@dataclass(frozen=True)
class Report:
    """One client's data for one report period, its params and its translator."""

    client: ClientParams
    defaults: Defaults
    t: Translator
    period: Period
    responses: pd.DataFrame
    history: pd.DataFrame
    customers: pd.DataFrame
    invitations: pd.DataFrame
    reviews: pd.DataFrame
    internal_dir: Path
    store: Store | None = None
    params_dir: Path | None = None

    @property
    def level(self) -> float:
        """Confidence level of every interval in the report."""
        return self.defaults.level

    @property
    def min_n(self) -> int:
        """Groups below this n are flagged as uncertain."""
        return self.client.min_n or self.defaults.min_n

    @property
    def suppress_n(self) -> int:
        """Groups below this n have their figures withheld."""
        return self.client.suppress_n or self.defaults.suppress_n

    @property
    def timezone(self) -> str:
        """The zone the client's periods are cut in (the report window's, from
        :func:`~nps_helpers.io.timezones.client_timezone`); pass it to every per-period count."""
        return self.period.tz

    @property
    def brand(self) -> str:
        """The client's brand colour for highlights."""
        return self.client.brand_colour

    @property
    def theme_extra(self) -> dict[str, dict[str, list[str]]]:
        """The client's additions to the theme keyword dictionaries."""
        return self.client.themes

    @property
    def comments(self) -> pd.Series:
        """The period's comments, aligned with ``responses`` (empty text when the export had none)."""
        if "comment" in self.responses.columns:
            return self.responses["comment"]
        return pd.Series("", index=self.responses.index, dtype="string", name="comment")

    @cached_property
    def previous_responses(self) -> pd.DataFrame:
        """The responses of the period before this one (from ``history``), indexed 0..n-1."""
        previous = self.period.previous()
        when = self.history["responded_at"] if "responded_at" in self.history.columns else pd.Series(
            pd.NaT, index=self.history.index, dtype="datetime64[ns, UTC]")
        return self.history.loc[(when >= previous.start) & (when < previous.end)].reset_index(drop=True)

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """The theme mentions of the period's comments (one row per comment and theme)."""
        return _mentions(self, self.responses)

    @cached_property
    def previous_mentions(self) -> pd.DataFrame:
        """The theme mentions of the previous period's comments."""
        return _mentions(self, self.previous_responses)

    @cached_property
    def quarterly_health(self) -> dict[pd.Timestamp, pd.DataFrame]:
        """Customer health with its calibrated bands at each of the last quarter ends (UTC keys)."""
        # Computed once: show_health and write_at_risk_list both need it, and it is costly.
        dates = [to_utc(self.period.end - pd.DateOffset(months=3 * k))
                 for k in range(HEALTH_QUARTERS - 1, -1, -1)]
        return {date: self.risk_calibration.apply(self._health_frames[date]) for date in dates}

    @cached_property
    def _health_frames(self) -> dict[pd.Timestamp, pd.DataFrame]:
        # The quarter ends and the dates the bands are calibrated at, in one pass.
        from ..analysis.health import health_by_date
        from ..analysis.health_risk import risk_dates

        dates = [self.period.end - pd.DateOffset(months=3 * k) for k in range(HEALTH_QUARTERS - 1, -1, -1)]
        dates += risk_dates(self._follow_up_end, self.defaults.churn_horizon_days)
        return health_by_date(self.customers, _linkable(self.history), self.invitations, dates,
                              **health_options(self))

    @cached_property
    def _follow_up_end(self) -> pd.Timestamp:
        from ..analysis.health_risk import follow_up_end

        return follow_up_end(self.customers, _linkable(self.history), self.invitations, self.period.end)

    @cached_property
    def risk_calibration(self) -> HealthRisk:
        """The health bands' calibration to churn (:func:`~nps_helpers.analysis.health_risk.health_risk`).

        The same bands the client report shows, so the churn deep dive reads them too.
        """
        from ..analysis.health_risk import health_risk

        return health_risk(self.customers, self._health_frames, end=self._follow_up_end,
                           horizon_days=self.defaults.churn_horizon_days, level=self.level)

    @cached_property
    def response_rate_change(self) -> RateChange | None:
        """The period's response rate against the period before's; None without invitations."""
        # Computed once: the summary's finding and the response-rate sentence both need it.
        return response_rate_change(self.invitations, self.history, self.period, level=self.level)


def open_report(
    client_id: str,
    period_start: str,
    period_end: str,
    *,
    period_label: str | None = None,
    language: str | None = None,
    store: str | os.PathLike | None = None,
    params_dir: str | os.PathLike | None = None,
    internal_dir: str | os.PathLike | None = None,
) -> Report:
    """Read one client's params and data for the window ``[period_start, period_end)``.

    The dates are local dates in the client's zone
    (:func:`~nps_helpers.io.timezones.client_timezone`), so the window runs from local midnight
    to local midnight. ``history`` holds the 24 months up to ``period_end`` (for trends);
    customers, invitations and reviews are empty frames when the client has none.

    Paths left ``None`` (a notebook run by hand) come from the project folder: the one
    holding ``params_dir`` when given, else :func:`~nps_helpers.config.project.find_project` from
    the working folder. Then ``params_dir`` is its params/, ``store`` the defaults' store
    and ``internal_dir`` ``outputs/lab/_internal/<client_id>``, so a run for one client
    never writes into another client's folder.

    Examples
    --------
    >>> import tempfile
    >>> from nps_helpers.demo import write_demo_store
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = write_demo_store(root / "store", clients=1, responses=400, params_dir=root / "params")
    >>> cid = sorted(p.stem for p in (root / "params" / "clients").glob("*.yaml"))[0]
    >>> r = open_report(cid, "2026-07-01", "2026-10-01", store=root / "store",
    ...                 params_dir=root / "params", internal_dir=root / "internal")
    >>> r.period.label, len(r.responses) > 0, r.t.language
    ('2026-07-01..2026-10-01', True, 'en')
    """
    project = Path(params_dir).parent if params_dir is not None else find_project()
    params_dir = Path(params_dir) if params_dir is not None else project / "params"
    client = load_client(client_id, params_dir)
    defaults = load_defaults(params_dir)
    st = Store(resolve_store(store, project=project, configured=defaults.store))
    if internal_dir is None:
        internal_dir = lab_internal_dir(project, client_id, defaults.outputs)
    period = window(period_start, period_end, period_label,
                    tz=client_timezone(client_id, params_dir=params_dir, store=st))
    since = period.end - pd.DateOffset(months=HISTORY_MONTHS)
    history = st.read("responses", client_id, start=since, end=period.end)
    in_period = history["responded_at"] >= period.start
    return Report(
        client=client,
        defaults=defaults,
        t=client_translator(language or client.language or defaults.language, client.locale,
                            client.industry),
        period=period,
        responses=history.loc[in_period].reset_index(drop=True),
        history=history,
        customers=load_table("customers", client_id, store=st),
        invitations=load_table("invitations", client_id, store=st),
        reviews=load_table("reviews", client_id, store=st),
        internal_dir=Path(internal_dir),
        store=st,
        params_dir=Path(params_dir),
    )


class Html:
    """A fragment of report HTML that displays itself in a notebook (already escaped)."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.markup


def heading(
    t: Translator, code: str | None = None, *, text: str | Mapping[str, str] | None = None, level: int = 2
) -> Html:
    """A section heading in the report's language: a label code such as 'trend', or
    ``text`` in the analyst's own words (escaped; no catalogue entry needed).

    ``text`` is one string, or one per language (``{"en": ..., "de": ...}``); a mapping
    without the report's language falls back to its English entry.

    Examples
    --------
    >>> heading(translator("de"), "trend").markup
    '<h2>Verlauf</h2>'
    >>> heading(translator("de"), text={"en": "NPS by weekday", "de": "NPS nach Wochentag"}).markup
    '<h2>NPS nach Wochentag</h2>'
    >>> heading(translator("pl"), text={"de": "NPS nach Wochentag"})
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: heading text has no 'pl' entry and no 'en' one to fall back on (it has: de); add one
    """
    if (code is None) == (text is None):
        raise NpsInputError("heading takes a label code or text=..., one of the two")
    if code is not None:
        return heading_html(t.label(code), level)
    if isinstance(text, Mapping):
        chosen = text.get(t.language, text.get("en"))
        if chosen is None:
            raise NpsParamsError(
                f"heading text has no '{t.language}' entry and no 'en' one to fall back on "
                f"(it has: {', '.join(text) or 'nothing'}); add one"
            )
        text = chosen
    return heading_html(str(text), level)


def section(t: Translator, code: str, parts: list) -> list:
    """A report section: its heading and parts, or nothing when the data allowed no part.

    A section left out has no heading, so it is not in the report's contents either.
    The heading's id is :func:`anchor` of the code, so the summary can link to it.

    Examples
    --------
    >>> t = translator("en")
    >>> [p.markup for p in section(t, "drivers", [paragraph("Price matters.")])]
    ['<h2 id="sec-drivers">Key drivers</h2>', '<p>Price matters.</p>']
    >>> section(t, "drivers", [])
    []
    """
    return [heading_html(t.label(code), 2, anchor(code)), *parts] if parts else []


def anchor(code: str) -> str:
    """The id of a section's heading: stable, from its code, unlike the contents' numbers.

    Examples
    --------
    >>> anchor("segments")
    'sec-segments'
    """
    return f"sec-{code}"


def paragraph(*sentences: str) -> Html:
    """Sentences as one escaped paragraph.

    Examples
    --------
    >>> paragraph("NPS <b>rose</b>.", "Good.").markup
    '<p>NPS &lt;b&gt;rose&lt;/b&gt;. Good.</p>'
    """
    return Html("<p>" + html.escape(" ".join(s for s in sentences if s)) + "</p>")


def read_commentary(report: Report, headline: NpsResult) -> Commentary:
    """The analyst's commentary for this report: HTML, fingerprint, state and warnings.

    Read from ``<params>/commentary/<client>/<period>.md``, its placeholders filled from
    the same figures the report shows (``headline``, the change since the previous period,
    the segments). State 'none' when there is no file. An unknown placeholder is an
    :class:`~nps_helpers.errors.NpsParamsError` naming the file and the line.

    Examples
    --------
    >>> from nps_helpers.analysis.metrics import nps
    >>> r = example_report()
    >>> read_commentary(r, nps(r.responses["score"])).state
    'none'
    """
    return _commentary(report, headline)[0]


def approve_commentary(report: Report) -> tuple[Commentary, Path]:
    """Approve the report's commentary as it reads against the report's figures now.

    Writes ``<period>.approved.json`` beside the commentary (fingerprint, figures, time,
    package version); returns the commentary, now 'approved', and the record's path.

    Examples
    --------
    >>> approve_commentary(example_report())
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: no commentary to approve: write params/commentary/acme/2026-Q3.md first
    """
    import datetime as dt

    from .. import __version__

    found, text, values = _commentary(report, nps(report.responses["score"], level=report.level))
    if found.state == "none":
        raise NpsParamsError(f"no commentary to approve: write {found.source} first")
    record = approval_record(found.fingerprint, text, values, client_id=report.client.client_id,
                             period_label=report.period.label, version=__version__,
                             now=dt.datetime.now(dt.UTC))
    path = approval_path(commentary_path(_params_dir(report), report.client.client_id, report.period.label))
    return replace(found, state="approved"), write_approval(path, record)


def _commentary(report: Report, headline: NpsResult) -> tuple[Commentary, str, dict[str, Figure]]:
    """The commentary, its text and every figure it may name (see :func:`read_commentary`)."""
    params_dir = _params_dir(report)
    path = commentary_path(params_dir, report.client.client_id, report.period.label)
    source = (Path(params_dir.name) / path.relative_to(params_dir)).as_posix()
    text = read_text(path)
    if text is None:
        return Commentary(source=source, state="none"), "", {}
    change = period_change(report.history, report.period, level=report.level)
    segments = {c: nps_by_segment(report.responses, c, min_n=report.min_n, suppress_n=report.suppress_n,
                                  level=report.level)
                for c in segment_columns_of(report)}
    values = placeholder_values(report.t, headline, change, segments, period_label=report.period.label)
    markup = render_commentary(text, values, source=source, withheld=withheld_groups(segments))
    current = fingerprint(text, values, responses_digest(report.responses))
    warning = language_warning(text, report.t.language, source=source)
    found = Commentary(source=source, state=commentary_state(current, text, read_approval(approval_path(path))),
                       html=markup, fingerprint=current, figures={k: v.shown for k, v in values.items()},
                       warnings=(warning,) if warning else ())
    return found, text, values


def _params_dir(report: Report) -> Path:
    return report.params_dir if report.params_dir is not None else Path("params")


def segment_columns_of(report: Report) -> list[str]:
    """The segment columns the client's params name that the responses hold.

    Examples
    --------
    >>> segment_columns_of(example_report())
    []
    """
    return [c for c in report.client.segments if c in report.responses.columns]


def _mentions(report: Report, responses: pd.DataFrame) -> pd.DataFrame:
    """The theme mentions of ``responses``' comments, read with the client's codeframe."""
    comments = (responses["comment"] if "comment" in responses.columns
                else pd.Series("", index=responses.index, dtype="string"))
    tagged = tagging.tag_themes(comments, responses.get("language"), extra=report.theme_extra,
                                industry=report.client.industry, scores=responses["score"])
    return tagging.theme_mentions(tagged)


def health_options(report: Report) -> dict:
    """The client's health weights and plan scores, as customer_health takes them.

    Examples
    --------
    >>> sorted(health_options(example_report()))
    ['plan_scores', 'weights']
    """
    from ..analysis.health import HealthWeights

    return {"weights": HealthWeights.from_params(report.client.health_weights),
            "plan_scores": report.client.plan_scores or None}


def _linkable(responses: pd.DataFrame) -> pd.DataFrame:
    # Responses without customer ids still leave tenure, plan and revenue to score.
    return responses if "customer_id" in responses.columns else responses.assign(customer_id=pd.NA)


def heading_html(text: str, level: int, ident: str | None = None) -> Html:
    """A heading element with its text escaped and an optional id.

    Examples
    --------
    >>> str(heading_html("Churn & health", 3, "sec-churn"))
    '<h3 id="sec-churn">Churn &amp; health</h3>'
    """
    attrs = f' id="{html.escape(ident)}"' if ident else ""
    return Html(f"<h{level}{attrs}>{html.escape(text)}</h{level}>")


def example_report() -> Report:
    """A tiny in-memory report (four responses in 2026-Q3, no store) for examples and tests.

    Examples
    --------
    >>> example_report().client.client_id, len(example_report().responses)
    ('acme', 4)
    """
    empty = pd.DataFrame()
    frame = pd.DataFrame({"score": [10, 9, 8, 3], "comment": ["", "", "", ""],
                          "responded_at": pd.to_datetime(["2026-07-02"] * 4, utc=True)})
    return Report(
        client=ClientParams(client_id="acme", display_name="Acme", industry="retail"),
        defaults=Defaults(), t=translator("en"), period=parse_period("2026-Q3"),
        responses=frame, history=frame, customers=empty, invitations=empty, reviews=empty,
        internal_dir=Path("."),
    )
