"""Shared by the safety tests: demo batches rendered once with the real report notebook,
and a tally of what those tests tried (printed at the end of the run, kept in tally.json).

``planted_batch``: a small demo store (6 clients, all made banks, so each has 5 peers)
with a canary string per client in its display name, segment values and comments, and
hostile text in one client's (ATTACKED) name, event, segments, comments and customer ids.
``five_banks``: 5 banks (4 peers each) and a telecom, DOOMED, whose kernel dies in the
notebook copy; it renders DOOMED and the bank SURVIVOR.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from nps_helpers.demo import write_demo_store
from nps_helpers.io.store import Store
from nps_helpers.render.batch import BatchResult, render_batch

ROOT = Path(__file__).resolve().parents[1]
BATCH = "safety"
PERIOD = ("2026-07-01", "2026-10-01")
ATTACKED = "kestrel-bank"
DOOMED, SURVIVOR = "brightwave-mobile", "ladoga-bank"
# Comments of ATTACKED's six most recent responses (two per category); the period's other
# comments are blanked, so these are the only ones naming a theme and each is the example of
# its (theme, sentiment): digital, staff and fees, praised and criticised.
COMMENT_ATTACKS = {
    "script": '<script>alert("xss-script")</script><style>body{background:url(https://evil.example/s)}</style> great app',
    "img_onerror": '<img src=x onerror=alert("xss-img")><svg onload=alert(1)><iframe src="https://evil.example/f"></iframe> friendly staff',
    "javascript_link": "<a href=\"javascript:alert('xss-link')\">click</a> javascript:alert(1) the app was slow",
    "markdown": "**bold** _em_ [offer](https://evil.example/md) ![px](https://evil.example/p.png) <https://evil.example/a> # Heading fees are great",
    "long_text": "rude staff " + "A" * 20_000 + " unseen tail",
    "rtl_emoji": "fees too expensive \u202eevil\u202c مرحبا بكم שלום 👍🏽 👨\u200d👩\u200d👧 🎉 \x00\x0b",
}
CONTACT = "jan.kowalski@example.org"  # written into each of those comments
SEGMENT_ATTACKS = [
    '"><script>alert("seg")</script>',
    "<img src=x onerror=alert('seg')>",
    "Basic $9.99 - $19.99",
    r"x $\foo{$ y",
    "שלום 👍 javascript:alert(3)",
]
# Spreadsheet formulas in comments and one customer id; the follow-up CSVs must defuse them.
FORMULAS = ['=HYPERLINK("https://evil.example","win")', '+cmd|" /C calc"!A0', "-2+3", "@SUM(A1:A2)",
            "\t=1+1", "\r=1+1"]
TALLY: Counter[str] = Counter()
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def canary(client_id: str) -> str:
    """A token that belongs to one client only (no canary is part of another)."""
    return "cnry" + hashlib.sha256(client_id.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Batch:
    """A rendered batch: its project folder, result, output folder and clients."""

    root: Path
    result: BatchResult
    folder: Path
    names: dict[str, str]  # client id -> display name as planted

    @property
    def store(self) -> Store:
        return Store(self.root / "store")

    @property
    def params(self) -> Path:
        return self.root / "params"

    def html(self, client_id: str) -> str:
        return (self.folder / f"{client_id}.html").read_text(encoding="utf-8")

    @property
    def shared(self) -> list[Path]:
        """Every report (each goes to its client) and the batch index."""
        return [*(self.folder / f"{cid}.html" for cid in sorted(self.names)), self.folder / "index.html"]


def demo_project(root: Path, *, clients: int = 6, responses: int = 6000,
                 telecoms: tuple[str, ...] = ()) -> dict[str, dict]:
    """A project folder (store, params, notebook copies) over the first demo clients, each
    made a bank but ``telecoms``. Returns each client's params."""
    write_demo_store(root / "store", clients=clients, responses=responses, params_dir=root / "params")
    shutil.copy(ROOT / "params" / "defaults.yaml", root / "params" / "defaults.yaml")
    (root / "params" / "batches").mkdir()
    (root / "params" / "batches" / f"{BATCH}.yaml").write_text(
        "notebook: client_report.ipynb\nclients: all\nperiods:\n  - latest-quarter\n")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "client_report.ipynb", root / "notebooks")
    # kestrel-bank's params name its extra notebook (the shipped example).
    shutil.copytree(ROOT / "notebooks" / "clients", root / "notebooks" / "clients")
    params = {}
    for path in sorted((root / "params" / "clients").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["industry"] = "telecom" if data["client_id"] in telecoms else "banking"
        params[data["client_id"]] = data
        write_params(root, data)
    return params


def write_params(root: Path, data: dict) -> None:
    path = root / "params" / "clients" / f"{data['client_id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def render(root: Path, **kw) -> BatchResult:
    return render_batch(BATCH, params_dir=root / "params", store=root / "store", out=root / "out",
                        workers=2, progress=False, **kw)


def every_state_manifest() -> dict:
    """A batch folder's manifest with a report in each state the index shows (no rendering)."""
    def head(nps, low, high, n, **more):
        return {"nps": nps, "ci_low": low, "ci_high": high, "n": n, **more}

    return {"updated_at": "2026-10-02T08:00:00+00:00", "language": "en", "reports": {
        "zed": {"display_name": "Zed <b>Bank</b>", "status": "ok", "html": "zed.html", "headline": head(
            21.4, 10.0, 30.2, 120, language="pl", small_sample=False, commentary="approved",
            change={"delta": 6.4, "previous_nps": 15.0, "verdict": "significant_increase"})},
        "acme": {"display_name": "Acme", "status": "ok", "html": "acme.html", "headline": head(
            -3.0, -20.0, 14.0, 25, language="de", small_sample=True, commentary="unapproved",
            change={"delta": -2.6, "previous_nps": -0.4, "verdict": "no_significant_change"})},
        "brio": {"display_name": "Brio Insurance Group International", "status": "ok", "html": "brio.html",
                 "headline": head(44.6, 38.0, 51.0, 1203, language="en", small_sample=False,
                                  commentary="stale",
                                  change={"delta": -11.5, "previous_nps": 56.1,
                                          "verdict": "significant_decrease"})},
        "coda": {"display_name": "Coda", "status": "ok", "html": "coda.html", "headline": head(
            50.0, 20.0, 70.0, 12, language="sl", small_sample=True, commentary="none",
            change={"delta": None, "previous_nps": None, "verdict": "no_previous_period"})},
        "dune": {"display_name": "Dune", "status": "failed", "html": None, "headline": None,
                 "error": {"cell": 3, "source_line": "x", "ename": "NpsParamsError", "evalue": "bad"}},
    }}


def plant(root: Path, data: dict) -> str:
    """Plant the client's canary in its display name, segment values and comments."""
    cid, mark, st = data["client_id"], canary(data["client_id"]), Store(root / "store")
    responses = st.read("responses", cid)
    for column in data["segments"]:
        responses[column] = responses[column].astype("string") + f" {mark}"
    has_text = responses["comment"].fillna("").str.strip().ne("")
    responses.loc[has_text, "comment"] = mark + " " + responses.loc[has_text, "comment"]
    data["display_name"] = f"{data['display_name']} {mark}"
    if cid == ATTACKED:
        data["display_name"] = f"Kestrel \"Bank\" <script>alert('name')</script> & Co {mark}"
        data["events"] = [{"date": "2026-08-01", "label": "<b onmouseover=alert(1)>launch</b> $\\foo$ 🎉"}]
        responses = attack(st, responses, mark)
    st.replace("responses", cid, responses)
    write_params(root, data)
    return data["display_name"]


def attack(st: Store, responses: pd.DataFrame, mark: str) -> pd.DataFrame:
    """ATTACKED's hostile data; its customer ids become e-mail addresses everywhere."""
    def email(ids: pd.Series) -> pd.Series:
        return ids.astype("string").str.lower() + "@kestrel.example"

    for table in ("customers", "invitations"):
        frame = st.read(table, ATTACKED)
        st.replace(table, ATTACKED, frame.assign(customer_id=email(frame["customer_id"])))
    customers = st.read("customers", ATTACKED)
    gone = set(customers.loc[customers["churned_at"].notna(), "customer_id"])  # not followed up
    out = responses.assign(customer_id=email(responses["customer_id"]))
    window = (out["responded_at"] >= PERIOD[0]) & (out["responded_at"] < PERIOD[1])
    regions = out.loc[window, "region"].value_counts().index[: len(SEGMENT_ATTACKS)]
    out["region"] = out["region"].replace({r: f"{a} {mark}" for r, a in zip(regions, SEGMENT_ATTACKS, strict=True)})
    recent = out.loc[window].sort_values("responded_at", ascending=False)
    category = pd.cut(recent["score"], [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])
    chosen = [i for cat in ("promoter", "passive", "detractor") for i in recent.index[category == cat][:2]]
    out.loc[recent.index.difference(chosen), "comment"] = ""
    for row, text in zip(chosen, COMMENT_ATTACKS.values(), strict=True):
        out.loc[row, ["comment", "language"]] = [f"{text} write to {CONTACT} {mark}", "en"]
    formula_rows = [i for i in recent.index if i not in chosen and pd.notna(out.loc[i, "customer_id"])
                    and out.loc[i, "customer_id"] not in gone]
    formula_rows = formula_rows[: len(FORMULAS)]
    out.loc[formula_rows, "comment"] = FORMULAS
    out.loc[formula_rows[0], "customer_id"] = '=HYPERLINK("https://evil.example")'
    return out


@pytest.fixture(scope="session")
def planted_batch(tmp_path_factory) -> Batch:
    root = tmp_path_factory.mktemp("planted")
    names = {cid: plant(root, data) for cid, data in demo_project(root).items()}
    result = render(root)
    return Batch(root, result, root / "out" / BATCH / "2026-Q3", names)


@pytest.fixture(scope="session")
def five_banks(tmp_path_factory) -> Batch:
    root = tmp_path_factory.mktemp("five_banks")
    params = demo_project(root, responses=3000, telecoms=(DOOMED,))
    path = root / "notebooks" / "client_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell(f"import os\nif client_id == {DOOMED!r}:\n    os._exit(1)"))
    nbformat.write(nb, path)
    result = render(root, clients=[SURVIVOR, DOOMED])
    return Batch(root, result, root / "out" / BATCH / "2026-Q3", {c: d["display_name"] for c, d in params.items()})


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium, nothing fetched in the background."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def tally(tmp_path_factory) -> Counter[str]:
    """Counts of attacks tried, pairs checked, faults injected... (see the run's summary)."""
    yield TALLY
    (tmp_path_factory.getbasetemp() / "tally.json").write_text(json.dumps(TALLY, indent=1, sort_keys=True))


def pytest_terminal_summary(terminalreporter) -> None:
    if TALLY:
        terminalreporter.write_sep("-", "safety tally (also in tally.json under the pytest tmp folder)")
        for key, value in sorted(TALLY.items()):
            terminalreporter.write_line(f"{key}: {value}")
