"""Every real export in ../shared/realdata, ingested as a new user would and rendered.

The counts are the hand counts of SOURCES.md there (counted with pandas by whoever filed
the files, not by this package); each file goes through the command line as the README
says (a mapping or ``--date`` where its SOURCES line says the data need one), and every
client then gets a report through the real notebook. Each render runs a kernel, so the
module ingests and renders once.
"""
from __future__ import annotations

import csv
import datetime as dt
import shutil
import zoneinfo
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from nps_helpers.cli import app
from nps_helpers.io.store import Store
from nps_helpers.present.i18n import translator
from nps_helpers.render.batch import render_batch

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

pytestmark = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real survey exports not found at {REAL} (shared/ must sit beside the repo)"
)

# client id: (file, extra ingest options, params, period, hand counts from SOURCES.md:
# read, stored, duplicates, unanswered, rejected, promoters, passives, detractors, NPS).
CLIENTS = {
    "bt-telecom": ("bt_telecom_nps_verbatims.csv", ["--mapping", str(FIXTURES / "bt_telecom.yaml")],
                   {"industry": "telecom", "segments": ["survey_sub_type"]}, "2018-Q2",
                   (2385, 2353, 0, 32, 0, 690, 392, 1271, -24.69)),
    "miro": ("miro_nps.csv", ["--date", "2020-06-30"], {"industry": "software"}, "2020-Q2",
             (441, 426, 15, 0, 0, 296, 93, 37, 60.80)),
    "carpentrycon": ("carpentrycon_2020_feedback.csv", ["--date", "2020-07-15"],
                     {"industry": "software", "segments": ["country"]}, "2020-Q3",
                     (124, 124, 0, 0, 0, 84, 33, 7, 62.10)),
    "botanic": ("botanic_nps_fr.csv", ["--date", "2014-06-30"], {"industry": "retail", "language": "de"},
                "2014-Q2", (13954, 13612, 0, 342, 0, 8465, 3953, 1194, 53.42)),
    "sudzilla": ("sudzilla_survey_input_01.csv", ["--mapping", str(FIXTURES / "sudzilla.yaml")],
                 {"industry": "software"}, "2019-Q4", (39, 39, 0, 0, 0, 8, 9, 22, -35.90)),
    "fin-markets": ("NPStimeseries.csv", [], {"industry": "banking", "segments": ["market"]}, "2021-Q4",
                    (5000, 5000, 0, 0, 0, None, None, None, 11.80)),
}
# Sentences that would make a section say only that it cannot be shown.
NOT_AVAILABLE = ("no_reviews", "no_customers", "no_customer_ids", "no_invitations", "no_health_data",
                 "no_comments", "no_driver_ratings", "no_previous_period")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    (root / "params" / "clients").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "defaults.yaml", root / "params")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "client_report.ipynb", root / "notebooks")
    lines = {}
    for cid, (name, options, params, _, _) in CLIENTS.items():
        result = CliRunner().invoke(
            app, ["ingest", str(REAL / name), "--client", cid, *options, "--store", str(root / "store")]
        )
        assert result.exit_code == 0, result.output
        lines[cid] = result.stdout.splitlines()[0]
        display = {"display_name": cid.replace("-", " ").title(), "client_id": cid, "language": "en"}
        (root / "params" / "clients" / f"{cid}.yaml").write_text(yaml.safe_dump({**display, **params}))
    results = {
        cid: render_batch(clients=[cid], period=period, params_dir=root / "params", store=root / "store",
                          out=root / "out", workers=1, progress=False)
        for cid, (_, _, _, period, _) in CLIENTS.items()
    }
    return root, lines, results


@pytest.mark.parametrize("cid", list(CLIENTS))
def test_each_real_file_ingests_to_its_hand_count(project, cid):
    root, lines, _ = project
    read, stored, duplicates, unanswered, rejected, promoters, passives, detractors, score = CLIENTS[cid][4]
    assert read == stored + duplicates + unanswered + rejected
    assert lines[cid].startswith(
        f"{CLIENTS[cid][0]}: read {read}, stored {stored}, duplicates {duplicates}, "
        f"unanswered {unanswered}, rejected {rejected}"
    )
    got = Store(root / "store").read("responses", cid)["score"]
    assert len(got) == stored
    if promoters is not None:
        assert ((got >= 9).sum(), got.between(7, 8).sum(), (got <= 6).sum()) == (promoters, passives, detractors)
    assert round(100 * ((got >= 9).mean() - (got <= 6).mean()), 2) == pytest.approx(score, abs=0.005)


@pytest.mark.parametrize("cid", list(CLIENTS))
def test_each_real_client_gets_a_finished_report(project, cid):
    root, _, results = project
    result = results[cid]
    assert result.exit_code == 0, result.summary()
    html = root / "out" / "adhoc" / CLIENTS[cid][3] / f"{cid}.html"
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    language = CLIENTS[cid][2].get("language", "en")
    t = translator(language)
    text = soup.get_text(" ")
    for code in NOT_AVAILABLE:
        assert t.text(code) not in text, code
    # Every heading in the contents has something under it besides the next heading.
    body = soup.find("main") or soup.body
    headings = body.find_all("h2")
    for heading, after in zip(headings, [*headings[1:], None], strict=True):
        content = []
        for element in heading.next_elements:
            if element is after:
                break
            if getattr(element, "name", None) == "img" or (
                isinstance(element, str) and element.strip() and heading not in element.parents
            ):
                content.append(element)
        assert content, f"section {heading.get_text()!r} is empty"


def test_bt_telecom_report_counts_the_quarter_in_uk_local_time(project):
    """The headline n of 2018-Q2 is the scored rows whose UK local date lies in April-June."""
    root, _, _ = project
    with open(REAL / "bt_telecom_nps_verbatims.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    london = zoneinfo.ZoneInfo("Europe/London")
    quarter = [r for r in rows if r["NPS_SCORE"].strip()
               and dt.date(2018, 4, 1) <= dt.datetime.strptime(r["CUSTOMER_RESPONSE_DATE"], "%d/%m/%Y %H:%M")
               .replace(tzinfo=london).date() < dt.date(2018, 7, 1)]
    html = (root / "out" / "adhoc" / "2018-Q2" / "bt-telecom.html").read_text(encoding="utf-8")
    assert f"{len(quarter)} responses" in BeautifulSoup(html, "html.parser").get_text(" ")
