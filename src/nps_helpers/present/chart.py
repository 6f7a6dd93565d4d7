"""What every chart shares: the figure (house style, fonts, size), its PNG and alt text, the legend
above the plot, and kept_figures for looking at a drawn chart in a test."""
from __future__ import annotations

import base64
import contextlib
import html
import io
import math
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import matplotlib
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import NpsInputError
from .tables import require_columns

DPI = 110
FONT = "DejaVu Sans"  # bundled with matplotlib and covers Latin, Greek and Cyrillic
INK = "#222222"
LEGEND_ROW = 20  # points of title padding per legend row
MUTED = "#6B6B6B"


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes, their size in pixels, and the alt text for the report.

    Examples
    --------
    >>> from nps_helpers.present.i18n import translator
    >>> from nps_helpers.present.plots import category_split
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


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Matplotlib settings of every chart (seaborn's whitegrid, one font, no mathtext), for the block.

    Examples
    --------
    >>> with house_style():
    ...     matplotlib.rcParams["text.parse_math"]
    False
    """
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


def new_figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure of ``width`` x ``height`` inches at the report's DPI, with one axes.

    Examples
    --------
    >>> fig, ax = new_figure(8, 4)
    >>> fig.get_size_inches().tolist(), fig.dpi
    ([8.0, 4.0], 110)
    """
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
    >>> from nps_helpers.present.plots import segment_forest
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


def render_chart(fig: Figure, alt: str) -> Chart:
    """The figure as a PNG with its alt text (the figure is cleared unless kept).

    Examples
    --------
    >>> fig, ax = new_figure(2, 1)
    >>> chart = render_chart(fig, "Nothing drawn.")
    >>> chart.png[:4], chart.alt, chart.width
    (b'\x89PNG', 'Nothing drawn.', 220)
    """
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


def set_title(ax: Axes, text: str, legend_rows: int = 0) -> None:
    """The axes' title, lifted above a legend of ``legend_rows`` rows.

    Examples
    --------
    >>> fig, ax = new_figure(4, 2); set_title(ax, "NPS by month", 1); ax.get_title()
    'NPS by month'
    """
    # A legend sits between the title and the plot; leave it room for each of its rows.
    ax.set_title(text, pad=8 + LEGEND_ROW * legend_rows)


def legend_above(ax: Axes, ncol: int, handles: Sequence | None = None) -> int:
    """A legend above the plot, in as many columns as fit beside the y axis; its rows.

    Examples
    --------
    >>> fig, ax = new_figure(6, 3); _ = ax.plot([0, 1], label="NPS")
    >>> legend_above(ax, 1)
    1
    """
    kwargs = {"handles": handles} if handles is not None else {}
    fig = ax.figure
    # Without a renderer argument Matplotlib measures with the figure's own (Agg's, cached).
    axis = ax.yaxis.get_tightbbox()  # None when the y axis shows nothing
    room = fig.bbox.width - (axis.width if axis is not None else 0) - 12
    for columns in range(max(ncol, 1), 0, -1):
        legend = ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=columns,
                           frameon=False, borderaxespad=0.2, handlelength=1.2, **kwargs)
        if legend.get_window_extent().width <= room:
            break
    return math.ceil(len(legend.legend_handles) / columns)


def alt_text(title: str, parts: Sequence[str]) -> str:
    """A chart's alt text: its title, then each part, as sentences.

    Examples
    --------
    >>> alt_text("NPS by month", ["January: +12", "February: +15"])
    'NPS by month. January: +12. February: +15.'
    """
    return ". ".join([title, *parts]) + "."


def require_frame(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    """An error naming the chart and the fix when ``frame`` lacks a column or any row.

    Examples
    --------
    >>> require_frame(pd.DataFrame({"nps": []}), ["nps"], "trend")
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsInputError: trend: the frame has no rows, so there is nothing to draw
    """
    require_columns(frame, columns, where)
    if frame.empty:
        raise NpsInputError(f"{where}: the frame has no rows, so there is nothing to draw")
