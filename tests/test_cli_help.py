"""The command line explains itself: version, help texts, metavars, make lab's options."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nps_helpers import __version__
from nps_helpers.adapters.mapping import Columns, ExportMapping
from nps_helpers.cli import app

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["demo-data", "ingest", "remove", "clients", "stats", "render", "demo"]


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.output


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"nps-report {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_type_placeholders(command):
    text = _help(command)
    assert "<bool>" not in text and "BOOLEAN" not in text
    assert not re.search(r"--[a-z-]+ <str>", text)  # options name their value


def test_period_help_names_custom_ranges():
    text = " ".join(_help("render").split())
    assert "--period PERIOD" in text and "FROM..TO" in text and "2026-04-01..2026-10-01" in text
    assert "outputs/adhoc/" in text


def test_ingest_help_lists_every_mapping_key():
    text = _help("ingest")
    listed = text.split("Mapping file (--mapping)")[1]
    for key in [*ExportMapping.model_fields, *Columns.model_fields]:
        assert re.search(rf"\b{key}\b", listed), key


def test_make_lab_passes_lab_args():
    out = subprocess.run(["make", "-n", "lab", 'LAB_ARGS=--no-browser --port 8899'], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if "jupyter lab" in ln)
    assert line.endswith("--no-browser --port 8899") and "--notebook-dir=notebooks" in line
    assert ("--allow-root" in line) == (os.geteuid() == 0)


def test_project_kernel_starts_without_debugger_warnings():
    # debugpy warns about frozen modules unless the kernel's env turns its check off.
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--env PYDEVD_DISABLE_FILE_VALIDATION 1" in make
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if "nps-reports" in specs:  # registered by make venv, which make test runs first
        spec = KernelSpecManager().get_kernel_spec("nps-reports")
        assert spec.env.get("PYDEVD_DISABLE_FILE_VALIDATION") == "1"
        assert "-Xfrozen_modules=off" in spec.argv
