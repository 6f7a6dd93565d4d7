"""Committed notebooks carry no outputs, no run metadata and the project's kernel."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
# Clients' extra notebooks (notebooks/clients/) too; they have no parameters cell.
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
# Metadata left by a run (papermill parameters and timings, execution times, widget state).
RUN_METADATA = {"papermill", "execution", "ExecuteTime", "widgets"}


def test_there_is_a_client_report_notebook():
    assert ROOT / "notebooks" / "client_report.ipynb" in NOTEBOOKS


def test_the_extra_notebook_example_is_checked():
    assert ROOT / "notebooks" / "clients" / "kestrel-bank.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_notebook_is_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "nps-reports"
    assert not RUN_METADATA & set(nb.metadata), set(nb.metadata)
    for i, cell in enumerate(nb.cells):
        assert not RUN_METADATA & set(cell.metadata), (i, set(cell.metadata))
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {i} has outputs"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == (0 if path.parent.name == "clients" else 1), "one cell tagged 'parameters'"
