"""The report record: how a notebook hands its headline figures to the batch index.

A report notebook calls :func:`record_headline` once, and :func:`record` for any further
facts the batch needs (the change, the commentary's state...). Each displays a small JSON
object under the custom MIME type ``application/vnd.nps-reports.headline+json`` with a
one-line ``text/plain`` form (so JupyterLab shows it instead of "No renderer could be
found"); render merges them, in order, with :func:`read_headline` and removes them before
export, so they never reach the shared HTML. No side files, no kernel-to-host channel.
"""
from __future__ import annotations

import math
from typing import Any

HEADLINE_MIME = "application/vnd.nps-reports.headline+json"


def headline_record(result: Any) -> dict[str, float | int | None]:
    """The JSON-safe headline of an ``NpsResult`` (NaN becomes None).

    Examples
    --------
    >>> from nps_helpers.analysis.metrics import nps
    >>> headline_record(nps([10, 9, 8, 3]))["nps"]
    25.0
    """
    keys = ("nps", "ci_low", "ci_high", "n", "promoters", "passives", "detractors")
    out: dict[str, float | int | None] = {}
    for key in keys:
        value = getattr(result, key)
        out[key] = None if isinstance(value, float) and math.isnan(value) else value
    return out


def record(**fields: Any) -> None:
    """Hand JSON-safe facts to the batch (merged into the report's record; later calls win).

    Examples
    --------
    >>> record(commentary="draft")  # outside a kernel, display prints  # doctest: +ELLIPSIS
    {'application/vnd.nps-reports.headline+json': {'commentary': 'draft'}, 'text/plain': ...}
    """
    from IPython.display import display

    text = ", ".join(f"{key}={value}" for key, value in fields.items())
    display({HEADLINE_MIME: fields, "text/plain": f"(for the batch index: {text})"}, raw=True)


def record_headline(result: Any) -> None:
    """Record the headline of an ``NpsResult`` for the batch index (call once per notebook).

    Examples
    --------
    >>> from nps_helpers.analysis.metrics import nps
    >>> record_headline(nps([10, 9, 8, 3]))  # outside a kernel, display prints  # doctest: +ELLIPSIS
    {'application/vnd.nps-reports.headline+json': {'nps': 25.0, ...}, 'text/plain': ...}
    """
    record(**headline_record(result))


def read_headline(nb: Any) -> dict | None:
    """The merged records of an executed notebook, or None when it has none.

    Examples
    --------
    >>> import nbformat
    >>> out = lambda d: nbformat.v4.new_output("display_data", data={HEADLINE_MIME: d})
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
    ...     out({"nps": 12.5}), out({"commentary": "draft"})])])
    >>> read_headline(nb)
    {'nps': 12.5, 'commentary': 'draft'}
    """
    found: dict | None = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if HEADLINE_MIME in data:
                found = {**(found or {}), **data[HEADLINE_MIME]}
    return found
