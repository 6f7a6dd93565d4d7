"""Render report notebooks into shareable HTML: parameters, execution, export, batches.

``render_batch`` (batch.py) runs a batch; ``run_report`` (execute.py) renders one
:class:`ReportJob` into a :class:`ReportResult`. Both load lazily, so a kernel that only
needs ``nps_helpers.present.record`` does not import nbconvert.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from .job import CellError, ReportJob, ReportParams, ReportResult

_LAZY = {"render_batch": "batch", "BatchResult": "batch", "run_report": "execute"}

__all__ = ["BatchResult", "CellError", "ReportJob", "ReportParams", "ReportResult", "render_batch", "run_report"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
