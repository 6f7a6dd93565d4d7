"""The headline record: how a notebook hands its headline figures to the batch index.

A report notebook calls :func:`record_headline` once. It displays a small JSON object
under the custom MIME type ``application/vnd.nps-reports.headline+json``; render reads it
from the executed notebook with :func:`read_headline` and removes it before export, so it
never reaches the shared HTML. No side files, no scrapbook, no kernel-to-host channel.
"""
from __future__ import annotations

import math
from typing import Any

HEADLINE_MIME = "application/vnd.nps-reports.headline+json"


def headline_record(result: Any) -> dict[str, float | int | None]:
    """The JSON-safe headline of an ``NpsResult`` (NaN becomes None).

    Examples
    --------
    >>> from nps_helpers.metrics import nps
    >>> headline_record(nps([10, 9, 8, 3]))["nps"]
    25.0
    """
    keys = ("nps", "ci_low", "ci_high", "n", "promoters", "passives", "detractors")
    out: dict[str, float | int | None] = {}
    for key in keys:
        value = getattr(result, key)
        out[key] = None if isinstance(value, float) and math.isnan(value) else value
    return out


def record_headline(result: Any) -> None:
    """Display the headline of an ``NpsResult`` for the batch index (call once per notebook).

    Examples
    --------
    >>> from nps_helpers.metrics import nps
    >>> record_headline(nps([10, 9, 8, 3]))  # outside a kernel, display prints  # doctest: +ELLIPSIS
    {'application/vnd.nps-reports.headline+json': {'nps': 25.0, ...}}
    """
    from IPython.display import display

    display({HEADLINE_MIME: headline_record(result)}, raw=True)


def read_headline(nb: Any) -> dict | None:
    """The headline record of an executed notebook, or None when it has none.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
    ...     nbformat.v4.new_output("display_data", data={HEADLINE_MIME: {"nps": 12.5}})])])
    >>> read_headline(nb)
    {'nps': 12.5}
    """
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if HEADLINE_MIME in data:
                return dict(data[HEADLINE_MIME])
    return None
