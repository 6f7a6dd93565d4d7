"""Charts over time: the NPS trend with its interval band and events, review stars beside the NPS,
customers per health band, churn and retention after an answer."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..analysis.reviews import MIN_MONTHS, StarsNps
from ..core.periods import parse_period
from .chart import (
    DPI,
    INK,
    MUTED,
    Chart,
    alt_text,
    house_style,
    legend_above,
    new_figure,
    render_chart,
    require_frame,
    set_title,
)
from .i18n import Translator
from .messages import N_
from .plots import (
    BAND_COLOURS,
    DEFAULT_BRAND,
    PLATFORM_COLOURS,
    TEXT_ON_BAND,
    colour_of,
    fewer_than,
)
from .tables import HEALTH_BANDS, MIN_N, SUPPRESS_N, group_flags

_FREQ_TITLES = {"month": N_("NPS by month"), "quarter": N_("NPS by quarter"),
                "year": N_("NPS by year"), None: N_("NPS over time")}


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
    with house_style():
        fig, ax = new_figure(8, 4.2)
        shown = line.draw(ax, t, events=_events(events), brand=brand, level=level, min_n=min_n)
        step = max(1, int(np.ceil(len(line.x) / 9)))
        ax.set_xticks(line.x[::step], _ticks(t, line.labels[::step]))
        set_title(ax, title, legend_above(ax, 3))
        return render_chart(fig, alt_text(title, line.describe(t, shown)))


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
    require_frame(stars, ["platform", "period", "n", "stars", "ci_low", "ci_high"], "stars_trend")
    title = t.gettext("NPS and average review stars by month")
    platforms = _by_volume(stars)
    labels = sorted({*line.labels, *map(str, stars["period"])})
    x_all = _naive(_period_starts(pd.Series(labels)))
    shown = [e for e in _events(events) if x_all.min() <= e[0] <= x_all.max() + _step(x_all)]
    with house_style():
        fig = Figure(figsize=(8, 5.4), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.1])
        handles = _nps_beside(top, line, t)
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
        _stars_axes(top, bottom, shown, t)
        step = max(1, int(np.ceil(len(labels) / 9)))
        bottom.set_xticks(x_all[::step], _ticks(t, labels[::step]))
        set_title(top, title, legend_above(top, len(handles), handles=handles))
        parts = line.describe(t, shown) + parts
        if correlation is not None:
            parts.append(t.stars_nps(correlation, min_months=min_months).rstrip("."))
        return render_chart(fig, alt_text(title, parts))


def _stars_axes(top: Axes, bottom: Axes, shown: Sequence, t: Translator) -> None:
    """The stars panel's 1-5 axis, the counts panel's axis and title, and the events on both."""
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


def _nps_beside(top: Axes, line: _TrendLine, t: Translator) -> list:
    """The NPS as context beside the stars (the trend chart shows it in full): a thin muted
    dashed line on its own labelled right axis, behind the stars; its legend handle."""
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
    return handles


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
    require_frame(frame, ["as_of", "band", "customers", "share"], "band_trend_chart")
    dates = sorted(pd.to_datetime(frame["as_of"], utc=True).unique())
    table = frame.assign(as_of=pd.to_datetime(frame["as_of"], utc=True))
    bands = list(HEALTH_BANDS)  # worst at the bottom of each bar
    customers = table.pivot_table(index="as_of", columns="band", values="customers",
                                  aggfunc="sum", observed=True).reindex(index=dates, columns=bands)
    shares = table.pivot_table(index="as_of", columns="band", values="share", aggfunc="sum",
                               observed=True).reindex(index=dates, columns=bands)
    names = [t.date((d - pd.Timedelta(days=1)).date(), "medium") for d in dates]
    title = t.gettext("Customers by health band")
    with house_style():
        fig, ax = new_figure(8, 4.2)
        x = np.arange(len(dates))
        below = np.zeros(len(dates))
        for band in bands:
            values = customers[band].fillna(0).to_numpy(dtype=float)
            ax.bar(x, values, bottom=below, width=0.6, color=BAND_COLOURS[band], label=t.label(band))
            for xi, y0, h, share in zip(x, below, values, shares[band].fillna(0), strict=True):
                if share >= 0.06:
                    ax.text(float(xi), y0 + h / 2, t.percent(share), ha="center", va="center",
                            color=TEXT_ON_BAND[band], fontweight="bold")
            below += values
        ax.set_xticks(x, names)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.number(v)))
        ax.set_ylabel(t.gettext("Active customers"))
        ax.grid(axis="x", visible=False)
        set_title(ax, title, legend_above(ax, len(bands)))
        parts = [
            t.gettext("{date}: critical {critical}, at risk {at_risk}, healthy {healthy}").format(
                date=name, **{band: f"{t.number(customers.at[d, band])} "
                              f"({t.percent(shares.at[d, band])})" for band in bands})
            for name, d in zip(names, dates, strict=True)
        ]
        return render_chart(fig, alt_text(title, parts))


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
    require_frame(frame, [by, "customers", "rate", "ci_low", "ci_high"], "churn_chart")
    data = frame.reset_index(drop=True)
    codes = [str(c) for c in data[by]]
    title = (t.count("Customers who left within {n} day", "Customers who left within {n} days",
                     horizon_days) if horizon_days else t.gettext("Customers who left"))
    rate = data["rate"].to_numpy(dtype=float)
    low, high = data["ci_low"].to_numpy(dtype=float), data["ci_high"].to_numpy(dtype=float)
    with house_style():
        fig, ax = new_figure(7, 4)
        x = np.arange(len(codes))
        ax.bar(x, rate, color=[colour_of(c, brand) for c in codes], width=0.6)
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
        set_title(ax, title)
        parts = [
            t.gettext("{group}: {rate} left ({interval}), {customers}").format(
                group=t.name(c), rate=t.percent(r), interval=t.interval(100 * lo, 100 * hi),
                customers=t.count("{n} customer", "{n} customers", n))
            for c, r, lo, hi, n in zip(codes, rate, low, high, data["customers"], strict=True)
        ]
        return render_chart(fig, alt_text(title, parts))


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
    require_frame(frame, [by, "day", "survival"], "retention")
    title = t.gettext("Customers still active after their response")
    parts = []
    with house_style():
        fig, ax = new_figure(8, 4.2)
        for code, curve in frame.sort_values("day", kind="stable").groupby(by, sort=False):
            colour = colour_of(str(code), brand)
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
        set_title(ax, title, legend_above(ax, 3))
        return render_chart(fig, alt_text(title, parts))


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
        require_frame(frame, [column, "n", "nps", "ci_low", "ci_high"], where)
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
                       zorder=3, s=28, linewidth=1.5, label=fewer_than(t, min_n))
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


def _by_volume(stars: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Each platform's rows, the platform with the most reviews first."""
    totals = stars.groupby("platform", sort=True)["n"].sum().sort_values(ascending=False,
                                                                         kind="stable")
    return [(str(p), stars[stars["platform"] == p]) for p in totals.index]


def _spread(value: np.ndarray, low: pd.Series, high: pd.Series) -> np.ndarray:
    """Error-bar lengths below and above each value (0 where the interval is unknown)."""
    low, high = low.to_numpy(dtype=float), high.to_numpy(dtype=float)
    return np.nan_to_num(np.vstack([value - low, high - value]))
