"""Charts of the report in one house style, each returned as a :class:`Chart` with alt text.

Every function takes a tidy frame with the columns its docstring lists and a
:class:`~nps_helpers.present.i18n.Translator`, draws on a bare Agg figure (never pyplot, so nothing
stays open in a notebook), and returns the PNG with an alt text built from the same numbers.
In a notebook a :class:`Chart` displays as ``<img alt="..." src="data:...">`` (text/html,
which nbconvert prefers) and also carries ``image/png`` with ``alt`` in its metadata.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..analysis.benchmarks import PeerBenchmark
from ..analysis.metrics import CATEGORIES, NpsResult, whole_percentages
from ..config.params import ClientParams
from ..errors import NpsInputError
from .chart import (
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
from .tables import HEALTH_BANDS, MIN_N, SUPPRESS_N, group_flags, group_names, require_columns

PALETTE = {"detractor": "#B8410E", "passive": "#BDBDBD", "promoter": "#00785A"}
TEXT_ON = {"detractor": "#FFFFFF", "passive": "#222222", "promoter": "#FFFFFF"}
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
    with house_style():
        fig, ax = new_figure(8, 1.2 + 0.55 * len(names))
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
        set_title(ax, title, legend_above(ax, len(CATEGORIES)))
        parts = [f"{part} ({text})" for part, text in zip(_category_parts(t, names, shares, t.percent), beside, strict=True)]
        return render_chart(fig, alt_text(title, parts))


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
    require_frame(frame, ["group", "n", "nps", "ci_low", "ci_high"], "segment_forest")
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
    with house_style():
        fig, ax = new_figure(8, 1.3 + 0.42 * len(names))
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
        ax.set_xlim(*_fitted_limits(data.loc[~flags["suppressed"].to_numpy() & data["nps"].notna().to_numpy()],
                                    overall_value))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: t.nps(v)))
        ax.set_xlabel("NPS")
        handles = _forest_legend(t, brand, significant is not None and bool(significant.any()),
                                 bool(flags["small_n"].any()), min_n)
        set_title(ax, title, legend_above(ax, len(handles), handles=handles))
        return render_chart(fig, alt_text(title, parts))


def _forest_legend(t: Translator, brand: str, significant: bool, small: bool, min_n: int) -> list[Line2D]:
    """The forest's legend: the point and interval, and the marks the chart uses."""
    handles = [Line2D([], [], marker="o", color=INK, linestyle="-", label=t.gettext("NPS and its interval"))]
    if significant:
        handles.append(Line2D([], [], marker="D", color=brand, linestyle="",
                              label=t.gettext("Differs significantly from the rest")))
    if small:
        handles.append(Line2D([], [], marker="o", color=INK, markerfacecolor="white",
                              linestyle="", label=fewer_than(t, min_n)))
    return handles


def _fitted_limits(shown: pd.DataFrame, overall: float | None) -> tuple[float, float]:
    """The x limits around the shown intervals and the overall line, so points do not crowd a corner."""
    drawn = np.concatenate([shown["ci_low"].to_numpy(float), shown["ci_high"].to_numpy(float),
                            [] if overall is None else [overall]])
    drawn = drawn[np.isfinite(drawn)]
    if not drawn.size:
        return -100.0, 100.0
    return max(-100.0, np.floor(drawn.min() / 10) * 10 - 10), min(100.0, np.ceil(drawn.max() / 10) * 10 + 10)


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
    with house_style():
        fig, ax = new_figure(8, 2.6)
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
        set_title(ax, title, legend_above(ax, 2))
        return render_chart(fig, alt_text(title, parts))


def _peer_position(peers: PeerBenchmark, t: Translator) -> str:
    """The client's position among its peers: a range of percentiles, or one when the range is a point."""
    n, share, low, high = peers.n_peers, peers.percentile, peers.percentile_low, peers.percentile_high
    if n is None or share is None or low is None or high is None:
        raise NpsInputError(f"no position among peers: their benchmark's status is {peers.status!r}")
    if low == high:
        return t.count("Higher than {share} of {n} comparable company",
                       "Higher than {share} of {n} comparable companies", n, share=t.percent(share / 100))
    return t.count("Higher than {low} to {high} of {n} comparable company",
                   "Higher than {low} to {high} of {n} comparable companies", n,
                   low=t.percent(low / 100), high=t.percent(high / 100))


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
    require_frame(frame, ["driver", "share", "share_low", "share_high", "mean", "quadrant"], "driver_matrix")
    title = t.gettext("Key drivers: importance and performance")
    parts = []
    with house_style():
        fig, ax = new_figure(8, 5)
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
        set_title(ax, title)
        return render_chart(fig, alt_text(title, parts))


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
    require_frame(frame, ["theme", "complaints", "praise", "impact"], "theme_balance")
    data = frame[(frame["complaints"] + frame["praise"]) > 0].reset_index(drop=True)
    if data.empty:
        raise NpsInputError("theme_balance: no comment praises or complains about a theme, so there is nothing to draw")
    small = (data["small_n"].astype(bool) if "small_n" in data
             else data.get("mentions", data["complaints"] + data["praise"]) < min_n).to_numpy()
    names = [t.theme(code, industry) for code in data["theme"]]
    title = t.gettext("Complaints and praise by theme")
    complaints, praise = t.gettext("Complaints"), t.gettext("Praise")
    with house_style():
        fig, ax = new_figure(8, 1.3 + 0.45 * len(names))
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
        set_title(ax, title, legend_above(ax, len(handles), handles=handles))
        part = t.gettext("{theme}: complaints {complaints}, praise {praise}, neutral {neutral}, "
                         "impact on NPS {impact}")
        parts = [part.format(theme=name, complaints=t.number(row["complaints"]),
                             praise=t.number(row["praise"]), neutral=t.number(row.get("neutral", 0)),
                             impact=t.nps(row["impact"]))
                 for name, (_, row) in zip(names, data.iterrows(), strict=True)]
        return render_chart(fig, alt_text(title, parts))


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


def _category_parts(t: Translator, names, frame: pd.DataFrame, fmt) -> list[str]:
    """One alt-text phrase per row: the group's promoters, passives and detractors."""
    return [
        t.gettext("{group}: promoters {promoters}, passives {passives}, detractors {detractors}")
        .format(group=name, **{c: fmt(row[c]) for c in PLURAL_COLUMNS.values()})
        for name, (_, row) in zip(names, frame.iterrows(), strict=True)
    ]


def fewer_than(t: Translator, n: int) -> str:
    """The legend's words for a hollow point: fewer than ``n`` responses.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> fewer_than(translator("en"), 30)
    'Fewer than 30 responses'
    """
    return t.count("Fewer than {n} response", "Fewer than {n} responses", n)


def colour_of(code: str, brand: str) -> str:
    """A category's or group's colour; anything else in the client's brand colour.

    Examples
    --------
    >>> colour_of("promoter", "#123456"), colour_of("north", "#123456")
    ('#00785A', '#123456')
    """
    return PALETTE.get(code) or GROUP_COLOURS.get(code) or brand


