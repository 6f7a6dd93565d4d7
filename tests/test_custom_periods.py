"""A custom period reads as words in the report, and the change names the previous NPS."""
from __future__ import annotations

import re

import pandas as pd
from bs4 import BeautifulSoup
from conftest import BATCH, demo_project
from typer.testing import CliRunner

from nps_helpers.analysis.metrics import nps
from nps_helpers.cli import app
from nps_helpers.io.store import Store

CLIENT = "kestrel-bank"


def test_a_custom_period_reads_as_words_and_the_change_names_both_values(tmp_path):
    demo_project(tmp_path, clients=1, responses=3000)
    run = CliRunner().invoke(app, [
        "render", BATCH, "--client", CLIENT, "--from", "2026-04-01", "--to", "2026-10-01",
        "--params", str(tmp_path / "params"), "--store", str(tmp_path / "store"),
        "--out", str(tmp_path / "out")])
    assert run.exit_code == 0, run.output
    html = (tmp_path / "out" / BATCH / "2026-04-01..2026-10-01" / f"{CLIENT}.html").read_text(encoding="utf-8")
    # Runs of ASCII whitespace as one space; CLDR's thin spaces stay.
    text = re.sub(r"[ \t\r\n]+", " ", BeautifulSoup(html, "html.parser").get_text(" "))
    assert "2026-04-01..2026-10-01" not in text and "2025-10-01..2026-04-01" not in text
    # Kestrel is British (locale en_GB): CLDR's en_GB interval.
    assert "Period: 1 Apr\u2009\u2013\u200930 Sept 2026" in text
    # The six whole months before are the comparison, computed here from the store (UTC).
    scores = Store(tmp_path / "store").read("responses", CLIENT)
    when = pd.to_datetime(scores["responded_at"], utc=True)

    def window(start: str, end: str) -> float:
        inside = (when >= pd.Timestamp(start, tz="UTC")) & (when < pd.Timestamp(end, tz="UTC"))
        return round(nps(scores.loc[inside, "score"]).nps)

    now, before = window("2026-04-01", "2026-10-01"), window("2025-10-01", "2026-04-01")

    def signed(value: int) -> str:
        return f"+{value}" if value > 0 else f"\u2212{-value}" if value < 0 else "0"

    assert f"since 1 Oct 2025\u2009\u2013\u200931 Mar 2026, from {signed(before)} to {signed(now)}" in text
