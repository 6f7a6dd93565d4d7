"""Charts of the report in one house style, each returned as a :class:`Chart` with alt text.

Every function takes a tidy frame with the columns its docstring lists and a
:class:`~nps_helpers.present.i18n.Translator`, draws on a bare Agg figure (never pyplot, so nothing
stays open in a notebook), and returns the PNG with an alt text built from the same numbers.
In a notebook a :class:`Chart` displays as ``<img alt="..." src="data:...">`` (text/html,
which nbconvert prefers) and also carries ``image/png`` with ``alt`` in its metadata.
"""
from __future__ import annotations

import base64
import contextlib
import html
import io
import math
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..analysis.benchmarks import PeerBenchmark
from ..analysis.metrics import CATEGORIES, NpsResult, whole_percentages
from ..analysis.reviews import MIN_MONTHS, StarsNps
from ..config.params import ClientParams
from ..core.periods import parse_period
from ..errors import NpsInputError
from .i18n import Translator
from .messages import N_
from .tables import HEALTH_BANDS, MIN_N, SUPPRESS_N, group_flags, group_names, require_columns

DPI = 110
FONT = "DejaVu Sans"  # bundled with matplotlib and covers Latin, Greek and Cyrillic
PALETTE = {"detractor": "#B8410E", "passive": "#BDBDBD", "promoter": "#00785A"}
TEXT_ON = {"detractor": "#FFFFFF", "passive": "#222222", "promoter": "#FFFFFF"}
INK = "#222222"
LEGEND_ROW = 20  # points of title padding per legend row
MUTED = "#6B6B6B"
GROUP_COLOURS = {"non_responder": "#8C8C8C", "overall": "#4D4D4D"}
BAND_COLOURS = dict(zip(HEALTH_BANDS, (PALETTE["detractor"], "#E0A526", PALETTE["promoter"]),
                        strict=True))
TEXT_ON_BAND = {"critical": "#FFFFFF", "at_risk": "#222222", "healthy": "#FFFFFF"}
# Review platforms: Okabe-Ito colours, distinct from the category palette and in greyscale.
PLATFORM_COLOURS = ("#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#D55E00")
DEFAULT_BRAND = ClientParams.model_fields["brand_colour"].default
PLURAL_COLUMNS = {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}
# Where each quadrant's name sits: (x, y) in axes fraction, then alignment.
QUADRANT_CORNERS = {
    "concentrate_here": (0.98, 0.02, "right", "bottom"),
    "keep_up": (0.98, 0.98, "right", "top"),
    "low_priority": (0.02, 0.02, "left", "bottom"),
    "possible_overkill": (0.02, 0.98, "left", "top"),
}
_FREQ_TITLES = {"month": N_("NPS by month"), "quarter": N_("NPS by quarter"),
                "year": N_("NPS by year"), None: N_("NPS over time")}


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes, their size in pixels, and the alt text for the report.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> c = category_split(pd.DataFrame({"group": ["2026-Q1"], "promoters": [5],
    ...     "passives": [3], "detractors": [2]}), translator("en"))
    >>> c.to_html().startswith('<img class="nps-chart" alt="Promoters, passives')
    True
    """

    png: bytes
    alt: str
    width: int
    height: int

    def data_uri(self) -> str:
        """The PNG as a ``data:`` URI, so the report needs no separate image file."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def to_html(self) -> str:
        """An ``<img>`` element with escaped alt text, the data URI and the pixel size."""
        return (
            f'<img class="nps-chart" alt="{html.escape(self.alt)}" src="{self.data_uri()}" '
            f'width="{self.width}" height="{self.height}">'
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {
            "text/html": self.to_html(),
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": self.alt,
        }
        meta = {"image/png": {"alt": self.alt, "width": self.width, "height": self.height}}
        return data, meta


def category_split(frame: pd.DataFrame, t: Translator, *, label: str = "group") -> Chart:
    """Stacked bars of the shares of detractors, passives and promoters, one bar per row.

    ``frame`` has a ``label`` column (period labels such as '2026-Q1' are shown in the
    report's language) and counts either wide (``promoters``, ``passives``,
    ``detractors``; e.g. :func:`~nps_helpers.analysis.stats.group_stats`) or long (``category``,
    ``count``).

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"group": ["2026-Q1", "2026-Q2"], "promoters": [50, 60],
    ...                   "passives": [30, 25], "detractors": [20, 15]})
    >>> category_split(f, translator("en")).alt.split(". ")[1]
    'Q1 2026: promoters 50%, passives 30%, detractors 20% (NPS +30 · 100 responses)'
    """
    counts = _wide_counts(frame, label, "category_split")
    columns = list(PLURAL_COLUMNS.values())
    # Whole percentages that add up to 100 in every bar (largest remainders), as printed.
    shares = pd.DataFrame([whole_percentages(row) / 100 for row in counts[columns].to_numpy()],
                          index=counts.index, columns=columns)
    totals = counts[columns].sum(axis=1)
    scores = 100 * (counts[PLURAL_COLUMNS["promoter"]] - counts[PLURAL_COLUMNS["detractor"]]) / totals.where(totals > 0)
    names = [t.name(g, short=True) for g in counts.index]
    title = t.label("category_split")
    with _house_style():
        fig, ax = _new_figure(8, 1.2 + 0.55 * len(names))
        y = np.arange(len(names))[::-1]
        left = np.zeros(len(names))
        for cat in CATEGORIES:
            share = shares[PLURAL_COLUMNS[cat]].fillna(0).to_numpy()
            ax.barh(y, share, left=left, color=PALETTE[cat], height=0.6, label=t.label(cat))
            for yi, x0, w in zip(y, left, share, strict=True):
                if w >= 0.06:
                    ax.text(x0 + w / 2, yi, t.percent(w), ha="center", va="center",
                            color=TEXT_ON[cat], fontweight="bold")
            left += share
        # Each bar's NPS and n beside it, so a share is never read without its base.
        beside = [f"NPS {t.nps(v)} · {t.responses(int(n))}" for v, n in zip(scores, totals, strict=True)]
        for yi, text in zip(y, beside, strict=True):
            ax.text(1.02, yi, text, ha="left", va="center", fontsize="small")
        ax.set_yticks(y, names)
        ax.set_xlim(0, 1.3)
        ax.set_xticks(np.linspace(0, 1, 6))
        ax.spines["right"].set_visible(False)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: t.percent(v)))
        ax.set_xlabel(t.gettext("Share of responses"))
        ax.grid(axis="y", visible=False)
        _title(ax, title, _legend_above(ax, len(CATEGORIES)))
        parts = [f"{part} ({text})" for part, text in zip(_category_parts(t, names, shares, t.percent), beside, strict=True)]
        return _render(fig, _alt(title, parts))


def trend(
    frame: pd.DataFrame,
    t: Translator,
    *,
    events: Iterable = (),
    brand: str = DEFAULT_BRAND,
    level: float = 0.95,
    min_n: int = MIN_N,
    suppress_n: int = SUPPRESS_N,
) -> Chart:
    """NPS per period as a line with its interval band, and dated events as markers.

    ``frame``: ``period`` (or ``group``: labels '2026-03', '2026-Q1', '2026', or
    ``pandas.Period``), ``n``, ``nps``, ``ci_low``, ``ci_high``; optional ``start``
    (timestamp of each period, for custom calendars), ``small_n`` (else ``n < min_n``) and
    ``suppressed`` (else ``n < suppress_n``).
    ``events``: items with ``date`` and ``label`` (``params.Event``, dicts or a frame).
    Periods below ``min_n`` are drawn as hollow points; periods below ``suppress_n`` are
    withheld: a gap in the line and band, and the alt text says so.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"period": ["2026-01", "2026-02", "2026-03"], "n": [80, 90, 85],
    ...     "nps": [10.0, -4.0, 12.0], "ci_low": [0.0, -15.0, 2.0], "ci_high": [20.0, 7.0, 22.0]})
    >>> chart = trend(f, translator("de"), events=[{"date": "2026-02-10", "label": "Preise"}])
    >>> chart.alt.split(". ")[0]
    'NPS nach Monat'
    >>> trend(f.assign(n=[80, 7, 85]), translator("en")).alt.split(". ")[-1]
    'February 2026: withheld (fewer than 10 responses).'
    """
    line = _TrendLine.of(frame, min_n, suppress_n, "trend")
    title = t.gettext(_FREQ_TITLES[_freq(line.labels)])
    with _house_style():
        fig, ax = _new_figure(8, 4.2)
        shown = line.draw(ax, t, events=_events(events), brand=brand, level=level, min_n=min_n)
        step = max(1, int(np.ceil(len(line.x) / 9)))
        ax.set_xticks(line.x[::step], _ticks(t, line.labels[::step]))
        _title(ax, title, _legend_above(ax, 3))
        return _render(fig, _alt(title, line.describe(t, shown)))


def stars_trend(
    trend: pd.DataFrame,
    stars: pd.DataFrame,
    t: Translator,
    *,
    correlation: StarsNps | None = None,
    events: Iterable = (),
    brand: str = DEFAULT_BRAND,
    level: float = 0.95,
    min_n: int = MIN_N,
    suppress_n: int = SUPPRESS_N,
    min_months: int = MIN_MONTHS,
) -> Chart:
    """Average review stars per platform by month, the NPS beside them, review counts below.

    ``trend`` as for :func:`trend` (monthly; months below ``suppress_n`` are a gap, below
    ``min_n`` hollow). ``stars`` as
    :func:`~nps_helpers.analysis.reviews.stars_by_month`: ``platform``, ``period``, ``n``, ``stars``,
    ``ci_low``, ``ci_high``; months without reviews (n = 0) break the line. The NPS is a thin
    dashed line on a labelled right axis (context, not a second trend chart); a short panel
    below counts each platform's reviews per month. ``correlation``
    (:func:`~nps_helpers.analysis.reviews.stars_vs_nps`, given ``min_months``) adds r, its interval
    and the verdict to the alt text.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> months = ["2026-01", "2026-02", "2026-03"]
    >>> nps = pd.DataFrame({"period": months, "n": [80, 90, 85], "nps": [10.0, -4.0, 12.0],
    ...                     "ci_low": [0.0, -15.0, 2.0], "ci_high": [20.0, 7.0, 22.0]})
    >>> stars = pd.DataFrame({"platform": "google", "period": months, "n": [12, 0, 3],
    ...     "stars": [4.5, None, 3.0], "ci_low": [4.1, None, 1.0], "ci_high": [4.9, None, 5.0]})
    >>> stars_trend(nps, stars, translator("en")).alt.split(". ")[2]
    'Google: 15 reviews, average rating 4.2 of 5.'
    """
    line = _TrendLine.of(trend, min_n, suppress_n, "stars_trend")
    _require(stars, ["platform", "period", "n", "stars", "ci_low", "ci_high"], "stars_trend")
    title = t.gettext("NPS and average review stars by month")
    platforms = _by_volume(stars)
    labels = sorted({*line.labels, *map(str, stars["period"])})
    x_all = _naive(_period_starts(pd.Series(labels)))
    shown = [e for e in _events(events) if x_all.min() <= e[0] <= x_all.max() + _step(x_all)]
    with _house_style():
        fig = Figure(figsize=(8, 5.4), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.1])
        # The NPS is context here (the trend chart above shows it in full): one thin muted line
        # on its own, labelled axis, behind the stars.
        nps_axis = top.twinx()
        handles = nps_axis.plot(line.x, line.data["nps"], color=MUTED, linewidth=1.4, linestyle="--",
                                label=t.gettext("NPS (right axis)"))
        low, high = np.nanmin(line.data["nps"], initial=0), np.nanmax(line.data["nps"], initial=0)
        pad = max(high - low, 10) * 0.08
        nps_axis.set_ylim(low - pad, high + pad)
        nps_axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.nps(v)))
        nps_axis.set_ylabel(t.gettext("NPS (right axis)"), color=MUTED)
        nps_axis.tick_params(axis="y", colors=MUTED)
        nps_axis.grid(False)
        top.set_zorder(nps_axis.get_zorder() + 1)
        top.patch.set_visible(False)
        parts = []
        # Each platform's points and bars sit a few days apart, so they do not overlap.
        width = 24 / max(len(platforms), 1)
        dodge = (np.arange(len(platforms)) - (len(platforms) - 1) / 2) * width
        for i, (platform, rows) in enumerate(platforms):
            colour = PLATFORM_COLOURS[i % len(PLATFORM_COLOURS)]
            rows = rows.set_index(rows["period"].astype(str)).reindex(labels)
            n = rows["n"].fillna(0).to_numpy(dtype=float)
            name = t.platform(platform)
            mean = rows["stars"].to_numpy(dtype=float)
            at = x_all + pd.Timedelta(days=float(dodge[i]))
            top.errorbar(at, mean, yerr=_spread(mean, rows["ci_low"], rows["ci_high"]),
                         fmt="none", ecolor=colour, alpha=0.5, linewidth=1.2)
            handles = top.plot(at, mean, color=colour, marker="o", markersize=4, linewidth=1.8,
                               label=name) + handles
            bottom.bar(at, n, width=width * 0.9, color=colour, alpha=0.75, linewidth=0)
            total = int(n.sum())
            average = float(np.nansum(rows["stars"].astype(float) * n) / total) if total else None
            parts.append(t.count("{platform}: {n} review, average rating {stars} of 5",
                                 "{platform}: {n} reviews, average rating {stars} of 5",
                                 total, platform=name, stars=t.number(average, 1)))
        for ax in (top, bottom):
            for date, _ in shown:
                ax.axvline(date, color=MUTED, linestyle=":", linewidth=1)
        top.set_ylim(0.8, 5.2)
        top.set_yticks(range(1, 6))
        top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.number(v)))
        top.set_ylabel(t.gettext("Average stars"))
        bottom.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.number(v)))
        bottom.set_title(t.gettext("Reviews per month"), loc="left", fontsize="small", color=INK)
        step = max(1, int(np.ceil(len(labels) / 9)))
        bottom.set_xticks(x_all[::step], _ticks(t, labels[::step]))
        _title(top, title, _legend_above(top, len(handles), handles=handles))
        parts = line.describe(t, shown) + parts
        if correlation is not None:
            parts.append(t.stars_nps(correlation, min_months=min_months).rstrip("."))
        return _render(fig, _alt(title, parts))


def band_trend_chart(frame: pd.DataFrame, t: Translator) -> Chart:
    """Customers per health band at each date: stacked bars, critical at the bottom.

    ``frame`` as :func:`~nps_helpers.analysis.health.band_trend`: ``as_of`` (each bar shows the day
    before it, the last day counted), ``band`` (``health.BANDS``), ``customers``, ``share``.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"as_of": pd.to_datetime(["2026-07-01"] * 3 + ["2026-10-01"] * 3, utc=True),
    ...     "band": ["critical", "at_risk", "healthy"] * 2, "customers": [20, 50, 30, 10, 40, 50],
    ...     "share": [0.2, 0.5, 0.3, 0.1, 0.4, 0.5]})
    >>> band_trend_chart(f, translator("en")).alt.split(". ")[-1]
    'Sep 30, 2026: critical 10 (10%), at risk 40 (40%), healthy 50 (50%).'
    """
    _require(frame, ["as_of", "band", "customers", "share"], "band_trend_chart")
    dates = sorted(pd.to_datetime(frame["as_of"], utc=True).unique())
    table = frame.assign(as_of=pd.to_datetime(frame["as_of"], utc=True))
    bands = list(HEALTH_BANDS)  # worst at the bottom of each bar
    customers = table.pivot_table(index="as_of", columns="band", values="customers",
                                  aggfunc="sum", observed=True).reindex(index=dates, columns=bands)
    shares = table.pivot_table(index="as_of", columns="band", values="share", aggfunc="sum",
                               observed=True).reindex(index=dates, columns=bands)
    names = [t.date((d - pd.Timedelta(days=1)).date(), "medium") for d in dates]
    title = t.gettext("Customers by health band")
    with _house_style():
        fig, ax = _new_figure(8, 4.2)
        x = np.arange(len(dates))
        below = np.zeros(len(dates))
        for band in bands:
            values = customers[band].fillna(0).to_numpy(dtype=float)
            ax.bar(x, values, bottom=below, width=0.6, color=BAND_COLOURS[band], label=t.label(band))
            for xi, y0, h, share in zip(x, below, values, shares[band].fillna(0), strict=True):
                if share >= 0.06:
                    ax.text(xi, y0 + h / 2, t.percent(share), ha="center", va="center",
                            color=TEXT_ON_BAND[band], fontweight="bold")
            below += values
        ax.set_xticks(x, names)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.number(v)))
        ax.set_ylabel(t.gettext("Active customers"))
        ax.grid(axis="x", visible=False)
        _title(ax, title, _legend_above(ax, len(bands)))
        parts = [
            t.gettext("{date}: critical {critical}, at risk {at_risk}, healthy {healthy}").format(
                date=name, **{band: f"{t.number(customers.at[d, band])} "
                              f"({t.percent(shares.at[d, band])})" for band in bands})
            for name, d in zip(names, dates, strict=True)
        ]
        return _render(fig, _alt(title, parts))


def segment_forest(
    frame: pd.DataFrame,
    t: Translator,
    *,
    segment: str | None = None,
    overall: float | NpsResult | None = None,
    brand: str = DEFAULT_BRAND,
    min_n: int = MIN_N,
    suppress_n: int = SUPPRESS_N,
) -> Chart:
    """NPS of each segment with its interval; withheld groups say so instead of a point.

    ``frame`` as :func:`~nps_helpers.analysis.segments.nps_by_segment`: ``group``, ``n``, ``nps``,
    ``ci_low``, ``ci_high``; optional ``suppressed`` (else ``n < suppress_n``), ``small_n``
    (else ``n < min_n``), ``flag``, ``pooled`` (a row 'Other (k groups)') and ``significant``
    (differs from the rest). Significant groups get a filled diamond in ``brand``, small
    ones a hollow marker. ``overall`` draws a reference line. ``segment`` (the column) is
    named as :meth:`Translator.topic` says.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"group": ["North", "South", "East"], "n": [120, 45, 6],
    ...     "nps": [30.0, 5.0, 50.0], "ci_low": [17.0, -18.0, 0.0], "ci_high": [42.0, 27.0, 90.0]})
    >>> alt = segment_forest(f, translator("de"), segment="region").alt.split(". ")
    >>> alt[0], alt[-1]
    ('NPS nach Segment: Region', 'East: ausgeblendet (weniger als 10 Antworten).')
    """
    _require(frame, ["group", "n", "nps", "ci_low", "ci_high"], "segment_forest")
    data = frame.reset_index(drop=True)
    flags = group_flags(data, min_n=min_n, suppress_n=suppress_n)
    significant = data["significant"].fillna(False).astype(bool) if "significant" in data else None
    title = (t.gettext("NPS by segment: {segment}").format(segment=t.topic(segment)) if segment
             else t.gettext("NPS by segment"))
    overall_value = overall.nps if isinstance(overall, NpsResult) else overall
    withheld = t.count("withheld (fewer than {n} response)",
                       "withheld (fewer than {n} responses)", suppress_n)
    protects = t.gettext("withheld (protects a smaller group)")
    names = group_names(data, t, short=True)
    with _house_style():
        fig, ax = _new_figure(8, 1.3 + 0.42 * len(names))
        y = np.arange(len(names))[::-1]
        parts = []
        for i, row in data.iterrows():
            name = names[i]
            if flags.at[i, "suppressed"] or pd.isna(row["nps"]):
                why = protects if flags.at[i, "secondary"] else withheld
                ax.text(0.5, y[i], why, ha="center", va="center", color=MUTED, style="italic",
                        transform=ax.get_yaxis_transform(),
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 2}, zorder=4)
                parts.append(f"{name}: {why}")
                continue
            sig = significant is not None and significant[i]
            ax.plot([row["ci_low"], row["ci_high"]], [y[i], y[i]], color=INK, linewidth=1.5)
            colour = brand if sig else INK
            ax.scatter(row["nps"], y[i], marker="D" if sig else "o", s=44, zorder=3,
                       edgecolor=colour, linewidth=1.5,
                       facecolor="white" if flags.at[i, "small_n"] else colour)
            parts.append(t.gettext("{group}: NPS {value}, {responses}").format(
                group=name, value=t.nps_interval(row["nps"], row["ci_low"], row["ci_high"]),
                responses=t.responses(row["n"])))
        if overall_value is not None:
            ax.axvline(overall_value, color=brand, linestyle="--", linewidth=1)
            ax.annotate(t.gettext("Overall {value}").format(value=t.nps(overall_value)),
                        (overall_value, 0), xycoords=("data", "axes fraction"), xytext=(3, 3),
                        textcoords="offset points", color=brand, fontsize=9)
        ax.set_yticks(y, names)
        ax.set_ylim(-0.7, len(names) - 0.3)
        # Fitted to the intervals and the overall line, so the points do not crowd a corner.
        shown = data.loc[~flags["suppressed"].to_numpy() & data["nps"].notna().to_numpy()]
        drawn = np.concatenate([shown["ci_low"].to_numpy(float), shown["ci_high"].to_numpy(float),
                                [] if overall_value is None else [overall_value]])
        drawn = drawn[np.isfinite(drawn)]
        if drawn.size:
            ax.set_xlim(max(-100.0, np.floor(drawn.min() / 10) * 10 - 10), min(100.0, np.ceil(drawn.max() / 10) * 10 + 10))
        else:
            ax.set_xlim(-100, 100)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: t.nps(v)))
        ax.set_xlabel("NPS")
        handles = [Line2D([], [], marker="o", color=INK, linestyle="-",
                          label=t.gettext("NPS and its interval"))]
        if significant is not None and significant.any():
            handles.append(Line2D([], [], marker="D", color=brand, linestyle="",
                                  label=t.gettext("Differs significantly from the rest")))
        if flags["small_n"].any():
            handles.append(Line2D([], [], marker="o", color=INK, markerfacecolor="white",
                                  linestyle="", label=_fewer_than(t, min_n)))
        _title(ax, title, _legend_above(ax, len(handles), handles=handles))
        return _render(fig, _alt(title, parts))


def benchmark_position(
    industry: pd.DataFrame,
    client: NpsResult,
    t: Translator,
    *,
    peers: PeerBenchmark | None = None,
    brand: str = DEFAULT_BRAND,
) -> Chart:
    """The client's NPS and interval against the range of published industry figures.

    ``industry`` as ``IndustryBenchmark.table``: ``nps`` and ``source`` per published
    figure (one tick each; :func:`~nps_helpers.present.tables.benchmark_table` cites them).
    ``peers`` (:func:`~nps_helpers.analysis.benchmarks.peer_benchmark`) adds the client's
    position among anonymous peers when its status is 'ok': the range of percentiles the
    intervals allow, or one percentile when the range is a point; without published
    figures (an empty ``industry``) that position is all there is to draw.

    Examples
    --------
    >>> from nps_helpers.analysis.benchmarks import peer_benchmark
    >>> from nps_helpers.present.i18n import translator
    >>> from nps_helpers.analysis.metrics import nps
    >>> ind = pd.DataFrame({"source": ["A", "B"], "year": [2023, 2024], "nps": [21.0, 34.0]})
    >>> you = nps({"promoters": 50, "passives": 30, "detractors": 20})
    >>> c = benchmark_position(ind, you, translator("en"),
    ...                        peers=peer_benchmark(you, [10.0, 20.0, 25.0, 40.0, 50.0]))
    >>> c.alt.split(". ", 1)[1]
    'Your NPS: +30 (14 to 44). Published figures for the industry range from +21 to +34. Higher than 20% to 80% of 5 comparable companies.'
    """
    require_columns(industry, ["nps", "source"], "benchmark_position")
    if industry.empty and (peers is None or peers.status != "ok"):
        raise NpsInputError("benchmark_position: no published figures and no peer position, "
                            "so there is nothing to draw")
    values = industry["nps"].dropna().to_numpy(dtype=float)
    title = t.gettext("Your NPS against the industry")
    parts = [t.gettext("Your NPS: {value}").format(
        value=t.nps_interval(client.nps, client.ci_low, client.ci_high))]
    with _house_style():
        fig, ax = _new_figure(8, 2.6)
        if values.size:
            low, high = values.min(), values.max()
            ax.axvspan(low, high, ymin=0.3, ymax=0.7, color=PALETTE["passive"], alpha=0.5,
                       label=t.count("Industry range ({n} published figure)",
                                     "Industry range ({n} published figures)", values.size))
            ax.vlines(values, 0.35, 0.65, color=MUTED, linewidth=1.2)
            # A range of one figure ('from +17 to +17') would claim a spread that is not there.
            if t.nps(low) == t.nps(high):
                parts.append(t.gettext("The published figure for the industry is {value}").format(value=t.nps(low)))
            else:
                parts.append(t.gettext("Published figures for the industry range from {low} to {high}")
                             .format(low=t.nps(low), high=t.nps(high)))
        ax.errorbar(client.nps, 0.5, xerr=[[client.nps - client.ci_low],
                                           [client.ci_high - client.nps]],
                    fmt="D", color=brand, markersize=9, capsize=4, linewidth=2, zorder=3,
                    label=t.gettext("Your NPS: {value}").format(value=t.nps(client.nps)))
        if peers is not None and peers.status == "ok":
            position = _peer_position(peers, t)
            ax.text(0.01, 0.95, position, transform=ax.transAxes, va="top", color=INK)
            parts.append(position)
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        # Fitted to what is drawn (with a margin), so the points do not crowd one corner.
        drawn = np.concatenate([values, [client.ci_low, client.ci_high]])
        ax.set_xlim(max(-100.0, np.floor(drawn.min() / 10) * 10 - 10), min(100.0, np.ceil(drawn.max() / 10) * 10 + 10))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: t.nps(v)))
        ax.set_xlabel("NPS")
        _title(ax, title, _legend_above(ax, 2))
        return _render(fig, _alt(title, parts))


def churn_chart(
    frame: pd.DataFrame,
    t: Translator,
    *,
    by: str = "category",
    horizon_days: int | None = None,
    brand: str = DEFAULT_BRAND,
) -> Chart:
    """Share of customers who left, per category (or responders vs non-responders).

    ``frame`` as ``ChurnResult.rates`` or ``.responders``: ``by`` ('category' or
    'group'; codes such as 'promoter' or 'responder' are named in the report's language),
    ``customers``, ``rate``, ``ci_low``, ``ci_high`` (shares 0..1).

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"category": ["detractor", "passive", "promoter"],
    ...     "customers": [40, 60, 100], "rate": [0.3, 0.15, 0.08],
    ...     "ci_low": [0.18, 0.08, 0.04], "ci_high": [0.45, 0.26, 0.15]})
    >>> churn_chart(f, translator("pl"), horizon_days=180).alt.split(". ")[0]
    'Klienci, którzy odeszli w ciągu 180 dni'
    """
    _require(frame, [by, "customers", "rate", "ci_low", "ci_high"], "churn_chart")
    data = frame.reset_index(drop=True)
    codes = [str(c) for c in data[by]]
    title = (t.count("Customers who left within {n} day", "Customers who left within {n} days",
                     horizon_days) if horizon_days else t.gettext("Customers who left"))
    rate = data["rate"].to_numpy(dtype=float)
    low, high = data["ci_low"].to_numpy(dtype=float), data["ci_high"].to_numpy(dtype=float)
    with _house_style():
        fig, ax = _new_figure(7, 4)
        x = np.arange(len(codes))
        ax.bar(x, rate, color=[_colour(c, brand) for c in codes], width=0.6)
        ax.errorbar(x, rate, yerr=np.vstack([rate - low, high - rate]), fmt="none", ecolor=INK,
                    capsize=5, linewidth=1.2)
        for xi, top, r in zip(x, high, rate, strict=True):
            ax.annotate(t.percent(r), (xi, top), xytext=(0, 4), textcoords="offset points",
                        ha="center", color=INK, fontweight="bold")
        ax.set_xticks(x, [t.name(c) for c in codes])
        ax.set_ylim(0, min(1, float(np.nanmax(high, initial=0)) * 1.2 + 0.02))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.percent(v)))
        ax.set_ylabel(t.gettext("Share of customers who left"))
        ax.grid(axis="x", visible=False)
        _title(ax, title)
        parts = [
            t.gettext("{group}: {rate} left ({interval}), {customers}").format(
                group=t.name(c), rate=t.percent(r), interval=t.interval(100 * lo, 100 * hi),
                customers=t.count("{n} customer", "{n} customers", n))
            for c, r, lo, hi, n in zip(codes, rate, low, high, data["customers"], strict=True)
        ]
        return _render(fig, _alt(title, parts))


def retention(
    frame: pd.DataFrame, t: Translator, *, by: str = "group", brand: str = DEFAULT_BRAND
) -> Chart:
    """Kaplan-Meier curves: share of customers still active by days since their response.

    ``frame`` as ``ChurnResult.retention``: ``by`` (codes such as 'promoter' or
    'responder'), ``day``, ``survival`` (0..1); optional ``ci_low``, ``ci_high`` draw a band.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"group": ["promoter"] * 3 + ["detractor"] * 3,
    ...     "day": [0, 90, 180] * 2, "survival": [1, 0.95, 0.9, 1, 0.8, 0.7]})
    >>> retention(f, translator("en")).alt.split(". ")[1]
    'Promoters: 90% still active after 180 days'
    """
    _require(frame, [by, "day", "survival"], "retention")
    title = t.gettext("Customers still active after their response")
    parts = []
    with _house_style():
        fig, ax = _new_figure(8, 4.2)
        for code, curve in frame.sort_values("day", kind="stable").groupby(by, sort=False):
            colour = _colour(str(code), brand)
            ax.step(curve["day"], curve["survival"], where="post", color=colour, linewidth=2,
                    label=t.name(code))
            if {"ci_low", "ci_high"} <= set(curve.columns):
                ax.fill_between(curve["day"], curve["ci_low"], curve["ci_high"], step="post",
                                color=colour, alpha=0.15, linewidth=0)
            last = curve.iloc[-1]
            parts.append(t.count("{group}: {share} still active after {n} day",
                                 "{group}: {share} still active after {n} days",
                                 int(last["day"]), group=t.name(code),
                                 share=t.percent(last["survival"])))
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.percent(v)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: t.number(v)))
        ax.set_xlabel(t.gettext("Days since the response"))
        ax.set_ylabel(t.gettext("Customers still active"))
        _title(ax, title, _legend_above(ax, 3))
        return _render(fig, _alt(title, parts))


def _peer_position(peers: PeerBenchmark, t: Translator) -> str:
    """The client's position among its peers: a range of percentiles, or one when the range is a point."""
    if peers.percentile_low == peers.percentile_high:
        return t.count("Higher than {share} of {n} comparable company",
                       "Higher than {share} of {n} comparable companies",
                       peers.n_peers, share=t.percent(peers.percentile / 100))
    return t.count("Higher than {low} to {high} of {n} comparable company",
                   "Higher than {low} to {high} of {n} comparable companies", peers.n_peers,
                   low=t.percent(peers.percentile_low / 100), high=t.percent(peers.percentile_high / 100))


def driver_matrix(
    frame: pd.DataFrame, t: Translator, *, middle: float | None = None, brand: str = DEFAULT_BRAND
) -> Chart:
    """Importance x performance of the rating questions, with the quadrant names.

    ``frame`` as ``DriversResult.table``: ``driver``, ``share`` (importance, 0..1),
    ``share_low`` and ``share_high`` (its interval), ``mean`` (average rating) and
    ``quadrant`` (``drivers.QUADRANTS`` or 'uncertain'). The crosshairs sit where the quadrants split: at the equal share of importance and at
    ``middle``, the middle of the rating scale (``DriversResult.middle``; no line if None).

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"driver": ["speed", "price", "staff"], "share": [0.5, 0.3, 0.2],
    ...     "share_low": [0.4, 0.2, 0.1], "share_high": [0.6, 0.4, 0.3], "mean": [3.1, 3.9, 4.4],
    ...     "quadrant": ["uncertain", "possible_overkill", "possible_overkill"]})
    >>> driver_matrix(f, translator("en"), middle=3.0).alt.split(". ")[1]
    'Speed: importance 50% (40 to 60), average rating 3.1 (Uncertain)'
    """
    _require(frame, ["driver", "share", "share_low", "share_high", "mean", "quadrant"], "driver_matrix")
    title = t.gettext("Key drivers: importance and performance")
    parts = []
    with _house_style():
        fig, ax = _new_figure(8, 5)
        ax.errorbar(frame["share"], frame["mean"], fmt="none", ecolor=brand, alpha=0.5,
                    xerr=[frame["share"] - frame["share_low"], frame["share_high"] - frame["share"]])
        ax.scatter(frame["share"], frame["mean"], s=60, color=brand, zorder=3)
        for _, row in frame.iterrows():
            name = t.topic(row["driver"])
            ax.annotate(name, (row["share"], row["mean"]), xytext=(6, 4),
                        textcoords="offset points", color=INK)
            interval = t.interval(100 * row["share_low"], 100 * row["share_high"])
            parts.append(t.gettext("{driver}: importance {importance} ({interval}), average rating "
                                   "{performance} ({quadrant})").format(
                driver=name, importance=t.percent(row["share"]), interval=interval,
                performance=t.number(row["mean"], 1), quadrant=t.label(row["quadrant"])))
        ax.axvline(1 / len(frame), color=MUTED, linestyle="--", linewidth=1)
        if middle is not None:
            ax.axhline(middle, color=MUTED, linestyle="--", linewidth=1)
        for code, (x, y, ha, va) in QUADRANT_CORNERS.items():
            ax.text(x, y, t.label(code), transform=ax.transAxes, ha=ha, va=va, color=MUTED,
                    style="italic")
        ax.margins(0.25)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: t.percent(v)))
        # Steps of 1, 2 or 5 keep every tick exact at one decimal.
        ax.yaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.number(v, 1)))
        ax.set_xlabel(t.gettext("Importance (share of explained variance)"))
        ax.set_ylabel(t.gettext("Average rating"))
        _title(ax, title)
        return _render(fig, _alt(title, parts))


def theme_balance(
    frame: pd.DataFrame, t: Translator, *, industry: str | None = None, min_n: int = MIN_N
) -> Chart:
    """Complaints (left) and praise (right) per theme, the theme costing most NPS at the top.

    ``frame`` as :func:`~nps_helpers.analysis.theme_impact.theme_impact`: ``theme``, ``complaints``,
    ``praise``, ``impact`` (its order is kept, largest loss first), optional ``neutral`` (named
    in the alt text only) and ``small_n`` (else ``mentions < min_n``: drawn pale, with a
    legend entry). Theme names come from ``industry``'s codeframe (:meth:`Translator.theme`).
    Themes nobody praised or complained about are left out.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> f = pd.DataFrame({"theme": ["installation", "staff"], "complaints": [12, 2],
    ...     "praise": [3, 9], "neutral": [1, 0], "impact": [-6.2, -0.4], "small_n": [False, True]})
    >>> theme_balance(f, translator("en"), industry="telecom").alt.split(". ")[1]
    'Installation: complaints 12, praise 3, neutral 1, impact on NPS −6'
    """
    _require(frame, ["theme", "complaints", "praise", "impact"], "theme_balance")
    data = frame[(frame["complaints"] + frame["praise"]) > 0].reset_index(drop=True)
    if data.empty:
        raise NpsInputError("theme_balance: no comment praises or complains about a theme, so there is nothing to draw")
    small = (data["small_n"].astype(bool) if "small_n" in data
             else data.get("mentions", data["complaints"] + data["praise"]) < min_n).to_numpy()
    names = [t.theme(code, industry) for code in data["theme"]]
    title = t.gettext("Complaints and praise by theme")
    complaints, praise = t.gettext("Complaints"), t.gettext("Praise")
    with _house_style():
        fig, ax = _new_figure(8, 1.3 + 0.45 * len(names))
        y = np.arange(len(names))[::-1]
        alpha = np.where(small, 0.4, 1.0)
        for i in range(len(names)):
            ax.barh(y[i], -data.at[i, "complaints"], color=PALETTE["detractor"], height=0.6, alpha=alpha[i])
            ax.barh(y[i], data.at[i, "praise"], color=PALETTE["promoter"], height=0.6, alpha=alpha[i])
        ax.axvline(0, color=INK, linewidth=0.8)
        widest = float(max(data["complaints"].max(), data["praise"].max(), 1))
        ax.set_xlim(-1.05 * widest, 1.05 * widest)
        ax.set_yticks(y, names)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: t.number(abs(v))))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(t.gettext("Comments naming the theme"))
        ax.grid(axis="y", visible=False)
        handles = [Patch(color=PALETTE["detractor"], label=complaints),
                   Patch(color=PALETTE["promoter"], label=praise)]
        if small.any():
            handles.append(Patch(color=MUTED, alpha=0.4, label=t.count(
                "Fewer than {n} mention", "Fewer than {n} mentions", min_n)))
        _title(ax, title, _legend_above(ax, len(handles), handles=handles))
        part = t.gettext("{theme}: complaints {complaints}, praise {praise}, neutral {neutral}, "
                         "impact on NPS {impact}")
        parts = [part.format(theme=name, complaints=t.number(row["complaints"]),
                             praise=t.number(row["praise"]), neutral=t.number(row.get("neutral", 0)),
                             impact=t.nps(row["impact"]))
                 for name, (_, row) in zip(names, data.iterrows(), strict=True)]
        return _render(fig, _alt(title, parts))


# --- internals --------------------------------------------------------------------------
@dataclass(frozen=True)
class _TrendLine:
    """An NPS-per-period frame made ready to draw: labels, x positions, small-n flags.

    Withheld periods keep their place with NaN figures, so the line and band break there.
    """

    data: pd.DataFrame
    labels: list[str]
    x: pd.DatetimeIndex
    small: np.ndarray
    withheld: np.ndarray
    suppress_n: int

    @classmethod
    def of(cls, frame: pd.DataFrame, min_n: int, suppress_n: int, where: str) -> _TrendLine:
        column = "period" if "period" in frame.columns else "group"
        _require(frame, [column, "n", "nps", "ci_low", "ci_high"], where)
        data = frame.reset_index(drop=True)
        x = _naive(pd.DatetimeIndex(data["start"]) if "start" in data
                   else _period_starts(data[column]))
        flags = group_flags(data, min_n=min_n, suppress_n=suppress_n)
        withheld = flags["suppressed"].to_numpy()
        figures = ["nps", "ci_low", "ci_high"]
        data[figures] = data[figures].astype(float).mask(flags["suppressed"])
        return cls(data, [str(p) for p in data[column]], x, flags["small_n"].to_numpy(),
                   withheld, suppress_n)

    def draw(self, ax, t: Translator, *, events, brand: str, level: float, min_n: int) -> list:
        """Band, line, points (hollow below ``min_n``) and the events in range; returns those."""
        data, x, small = self.data, self.x, self.small
        ax.fill_between(x, data["ci_low"], data["ci_high"], color=brand, alpha=0.18, linewidth=0,
                        label=t.gettext("{level} interval").format(level=t.percent(level)))
        ax.plot(x, data["nps"], color=brand, linewidth=2, label="NPS")
        ax.scatter(x[~small], data["nps"][~small], color=brand, zorder=3, s=28)
        if small.any():
            ax.scatter(x[small], data["nps"][small], facecolor="white", edgecolor=brand,
                       zorder=3, s=28, linewidth=1.5, label=_fewer_than(t, min_n))
        ax.axhline(0, color=MUTED, linewidth=0.8)
        shown = [e for e in events if x.min() <= e[0] <= x.max() + _step(x)]
        for date, _ in shown:
            ax.axvline(date, color=MUTED, linestyle=":", linewidth=1)
        _label_events(ax, shown, data)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.nps(v)))
        ax.set_ylabel("NPS")
        return shown

    def describe(self, t: Translator, shown: Sequence) -> list[str]:
        """Alt text: first and last NPS, the lowest and highest, and the events shown."""
        data, labels = self.data, self.labels
        valid = data["nps"].notna()
        parts = []
        if valid.any():
            lo, hi = data["nps"][valid].idxmin(), data["nps"][valid].idxmax()
            first, last = data.index[valid][0], data.index[valid][-1]
            parts.append(t.gettext(
                "{first} to {last}: NPS {start} at the start, {end} at the end; lowest {low} "
                "({low_period}), highest {high} ({high_period})"
            ).format(
                first=t.period(labels[first]), last=t.period(labels[last]),
                start=t.nps(data["nps"][first]), end=t.nps(data["nps"][last]),
                low=t.nps(data["nps"][lo]), low_period=t.period(labels[lo]),
                high=t.nps(data["nps"][hi]), high_period=t.period(labels[hi]),
            ))
        if shown:
            parts.append(t.gettext("Events: {events}").format(
                events=t.join(f"{text} ({t.date(date)})" for date, text in shown)))
        if self.withheld.any():
            why = t.count("withheld (fewer than {n} response)",
                          "withheld (fewer than {n} responses)", self.suppress_n)
            months = t.join(t.period(label) for label, out in zip(labels, self.withheld,
                                                                  strict=True) if out)
            parts.append(f"{months}: {why}")
        return parts


def _label_events(ax, shown: Sequence[tuple[pd.Timestamp, str]], data: pd.DataFrame) -> None:
    """Event labels in rows above the line and its band, never over them or each other.

    Each label sits beside its event's line, in the first row where it does not run into an
    earlier label (greedy, left to right); the y axis grows upwards to make room for the rows.
    """
    if not shown:
        return
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    ax.autoscale_view()
    right = ax.get_window_extent(renderer).x1
    rows: list[float] = []  # the right edge (pixels) of the last label in each row
    placed = []
    for date, text in shown:
        label = ax.annotate(text, (date, 1), xycoords=("data", "axes fraction"), xytext=(3, 0),
                            textcoords="offset points", ha="left", va="top", fontsize=8, color=INK)
        box = label.get_window_extent(renderer)
        if box.x1 > right:  # too close to the right edge: the label reads leftwards of its line
            label.set_horizontalalignment("right")
            label.xyann = (-3, 0)
            box = label.get_window_extent(renderer)
        row = next((r for r, end in enumerate(rows) if box.x0 > end + 4), len(rows))
        if row == len(rows):
            rows.append(box.x1)
        rows[row] = box.x1
        placed.append((label, row, box.height))
    height = max(h for _, _, h in placed) * 1.15
    axes_height = ax.get_window_extent(renderer).height
    for label, row, _ in placed:
        label.xyann = (label.xyann[0], -(2 + row * height) * 72 / fig.dpi)
    # The labels take the top `share` of the axes; the data keep the rest below them.
    share = min(0.6, (len(rows) * height + 6) / axes_height)
    values = pd.concat([data["ci_low"], data["ci_high"], data["nps"]]).astype(float)
    low, high = np.nanmin(values, initial=0), np.nanmax(values, initial=0)
    pad = max(high - low, 10) * 0.05
    low, high = low - pad, high + pad
    ax.set_ylim(low, low + (high - low) / (1 - share))


@contextlib.contextmanager
def _house_style() -> Iterator[None]:
    rc = {
        **sns.axes_style("whitegrid"),
        **sns.plotting_context("notebook", font_scale=0.9),
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "axes.edgecolor": "#CCCCCC",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlelocation": "left",
        "axes.titleweight": "bold",
        "axes.titlesize": 13,
        "axes.unicode_minus": True,
        "grid.color": "#E6E6E6",
        "text.color": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        # Labels are client data (segment values, event names): "$9 - $19" must print as
        # written, and "x $\foo{$" must not stop the report with a mathtext error.
        "text.parse_math": False,
    }
    with matplotlib.rc_context(rc):
        yield


def _new_figure(width: float, height: float):
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


_KEPT: list[list[Figure]] = []  # one list per open kept_figures() block


@contextlib.contextmanager
def kept_figures() -> Iterator[list[Figure]]:
    """The figures the charts draw inside the block, kept whole rather than cleared once
    rendered: what a chart shows beyond its PNG and alt text (axes, limits, legend entries).

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> frame = pd.DataFrame({"group": ["a", "b"], "nps": [30.0, 45.0], "ci_low": [22.0, 38.0],
    ...                       "ci_high": [38.0, 52.0], "n": [400, 400]})
    >>> with kept_figures() as figures:
    ...     _ = segment_forest(frame, translator("en"))
    >>> len(figures), figures[0].axes[0].get_xlabel()
    (1, 'NPS')
    """
    kept: list[Figure] = []
    _KEPT.append(kept)
    try:
        yield kept
    finally:
        _KEPT.remove(kept)


def _render(fig: Figure, alt: str) -> Chart:
    buffer = io.BytesIO()
    # No 'Software' stamp: the same chart gives the same bytes, so cached reports stay equal.
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    if _KEPT:
        _KEPT[-1].append(fig)
    else:
        fig.clear()
    png = buffer.getvalue()
    width, height = struct.unpack(">II", png[16:24])
    return Chart(png=png, alt=alt, width=width, height=height)


def _title(ax, text: str, legend_rows: int = 0) -> None:
    # A legend sits between the title and the plot; leave it room for each of its rows.
    ax.set_title(text, pad=8 + LEGEND_ROW * legend_rows)


def _legend_above(ax, ncol: int, handles: Sequence | None = None) -> int:
    """A legend above the plot, in as many columns as fit beside the y axis; its rows."""
    kwargs = {"handles": handles} if handles is not None else {}
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    axis = ax.yaxis.get_tightbbox(renderer)  # None when the y axis shows nothing
    room = fig.bbox.width - (axis.width if axis is not None else 0) - 12
    for columns in range(max(ncol, 1), 0, -1):
        legend = ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=columns,
                           frameon=False, borderaxespad=0.2, handlelength=1.2, **kwargs)
        if legend.get_window_extent(renderer).width <= room:
            break
    return math.ceil(len(legend.legend_handles) / columns)


def _alt(title: str, parts: Sequence[str]) -> str:
    return ". ".join([title, *parts]) + "."


def _require(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    require_columns(frame, columns, where)
    if frame.empty:
        raise NpsInputError(f"{where}: the frame has no rows, so there is nothing to draw")


def _wide_counts(frame: pd.DataFrame, label: str, where: str, value: str = "count") -> pd.DataFrame:
    wide = list(PLURAL_COLUMNS.values())
    if {label, "category", value} <= set(frame.columns):
        counts = frame.pivot_table(index=label, columns="category", values=value,
                                   aggfunc="sum", sort=False, observed=True)
        counts = counts.reindex(columns=list(PLURAL_COLUMNS)).fillna(0).rename(
            columns=PLURAL_COLUMNS)
    elif {label, *wide} <= set(frame.columns):
        counts = frame.set_index(label)[wide]
    else:
        raise NpsInputError(
            f"{where}: the frame needs {label} with either category and {value} (one row per "
            f"category) or promoters, passives and detractors; it has {', '.join(map(str, frame.columns))}"
        )
    if counts.empty:
        raise NpsInputError(f"{where}: the frame has no rows, so there is nothing to draw")
    return counts.astype(float)


def _period_starts(values: pd.Series) -> pd.DatetimeIndex:
    return pd.DatetimeIndex([v.start_time if isinstance(v, pd.Period)
                             else parse_period(str(v)).start.tz_convert(None) for v in values])


def _naive(x: pd.DatetimeIndex) -> pd.DatetimeIndex:
    # Wall time in the frame's own zone: a month cut in Warsaw is drawn from its 1st.
    return x.tz_localize(None) if x.tz is not None else x


def _freq(labels: Sequence[str]) -> str | None:
    kinds = {"month" if len(lb) == 7 and lb[4] == "-" and lb[5] != "Q"
             else "quarter" if "-Q" in lb else "year" if lb.isdigit() else None for lb in labels}
    return kinds.pop() if len(kinds) == 1 else None


def _ticks(t: Translator, labels: Sequence[str]) -> list[str]:
    years = [label[:4] for label in labels]
    return [t.period_tick(label, with_year=i == 0 or years[i] != years[i - 1])
            for i, label in enumerate(labels)]


def _step(x: pd.DatetimeIndex) -> pd.Timedelta:
    return (x[-1] - x[-2]) if len(x) > 1 else pd.Timedelta(days=31)


def _events(events) -> list[tuple[pd.Timestamp, str]]:
    if isinstance(events, pd.DataFrame):
        events = events.to_dict("records")
    out = []
    for event in events:
        date = event["date"] if isinstance(event, Mapping) else event.date
        text = event["label"] if isinstance(event, Mapping) else event.label
        stamp = pd.Timestamp(date)
        out.append((stamp.tz_convert(None) if stamp.tzinfo else stamp, str(text)))
    return sorted(out)


def _category_parts(t: Translator, names, frame: pd.DataFrame, fmt) -> list[str]:
    """One alt-text phrase per row: the group's promoters, passives and detractors."""
    return [
        t.gettext("{group}: promoters {promoters}, passives {passives}, detractors {detractors}")
        .format(group=name, **{c: fmt(row[c]) for c in PLURAL_COLUMNS.values()})
        for name, (_, row) in zip(names, frame.iterrows(), strict=True)
    ]


def _fewer_than(t: Translator, n: int) -> str:
    return t.count("Fewer than {n} response", "Fewer than {n} responses", n)


def _colour(code: str, brand: str) -> str:
    return PALETTE.get(code) or GROUP_COLOURS.get(code) or brand


def _by_volume(stars: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Each platform's rows, the platform with the most reviews first."""
    totals = stars.groupby("platform", sort=True)["n"].sum().sort_values(ascending=False,
                                                                         kind="stable")
    return [(str(p), stars[stars["platform"] == p]) for p in totals.index]


def _spread(value: np.ndarray, low: pd.Series, high: pd.Series) -> np.ndarray:
    """Error-bar lengths below and above each value (0 where the interval is unknown)."""
    low, high = low.to_numpy(dtype=float), high.to_numpy(dtype=float)
    return np.nan_to_num(np.vstack([value - low, high - value]))
