"""Cache keys, manifest and index of a batch folder (render/cache.py, manifest.py, index.py)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from nps_helpers.config.params import ClientParams, Defaults
from nps_helpers.io.store import Store
from nps_helpers.render.cache import file_digest, input_hash, report_inputs
from nps_helpers.render.index import index_html
from nps_helpers.render.job import CellError, ReportParams, ReportResult
from nps_helpers.render.manifest import read_manifest, report_entry, write_manifest
from nps_helpers.render.safety import CSP

CLIENT = ClientParams(client_id="acme", display_name="Acme", industry="banking")


def params(**changes) -> ReportParams:
    base = {"client_id": "acme", "period_label": "2026-Q3", "period_start": "2026-07-01",
            "period_end": "2026-10-01", "store": "/a/store", "params_dir": "/a/params",
            "internal_dir": "/a/out/_internal/acme"}
    return ReportParams(**{**base, **changes})


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "store")
    s.replace("responses", "acme", pd.DataFrame({"response_id": ["r1", "r2"], "score": [9, 3]}))
    return s


DEFAULTS = Defaults()


def key(store: Store, client=CLIENT, defaults=DEFAULTS, report=None, notebook="nb1", version="0.1.0") -> str:
    return input_hash(report_inputs(store, client, defaults, report or params(),
                                    notebook_digest=notebook, version=version))


def test_file_digest_is_sha256_of_the_bytes(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"\x00nps" * 1000)
    assert file_digest(path) == hashlib.sha256(b"\x00nps" * 1000).hexdigest()


def test_every_input_changes_the_key_and_paths_do_not(store, tmp_path):
    base = key(store)
    assert key(store) == base
    assert key(store, report=params(store="/elsewhere", params_dir="/p2", internal_dir="/o2")) == base
    assert key(store, client=CLIENT.model_copy(update={"display_name": "Acme 2"})) != base
    assert key(store, defaults=Defaults(min_n=20)) != base
    assert key(store, report=params(period_label="2026-Q2", period_start="2026-04-01",
                                    period_end="2026-07-01")) != base
    assert key(store, report=params(language="de")) != base
    assert key(store, notebook="nb2") != base
    assert key(store, version="0.2.0") != base
    store.replace("customers", "acme", pd.DataFrame({"customer_id": ["c1"]}))
    with_customers = key(store)
    assert with_customers != base
    store.replace("responses", "acme", pd.DataFrame({"response_id": ["r1", "r2"], "score": [9, 4]}))
    assert key(store) != with_customers


def test_moved_store_keeps_the_key(store, tmp_path):
    moved = Store(tmp_path / "moved")
    shutil.copytree(store.root, moved.root)
    assert key(moved) == key(store)


def test_manifest_round_trip_and_unreadable_manifest(tmp_path):
    result = ReportResult(client_id="acme", period_label="2026-Q3", status="failed", input_hash="ab",
                          seconds=1.23456, error=CellError(3, "x = load()", "NpsStoreError", "no data"))
    entry = report_entry(result, display_name="Acme", inputs={"v": "1"},
                         when=dt.datetime(2026, 10, 2, 8, 0, tzinfo=dt.UTC))
    write_manifest(tmp_path, {"reports": {"acme": entry}})
    back = read_manifest(tmp_path)["reports"]["acme"]
    assert back["error"] == {"cell": 3, "line": 0, "source_line": "x = load()", "ename": "NpsStoreError",
                             "evalue": "no data"}
    assert back["seconds"] == 1.235 and back["html"] is None
    assert not list(tmp_path.glob(".*.tmp"))
    (tmp_path / "manifest.json").write_text("{not json")
    assert read_manifest(tmp_path) == {"reports": {}}
    (tmp_path / "manifest.json").write_text(json.dumps({"reports": []}))
    assert read_manifest(tmp_path) == {"reports": {}}


def test_index_lists_every_report_escaped_with_links_only_to_rendered_ones():
    manifest = {"updated_at": "2026-10-02T08:00:00+00:00", "reports": {
        "zed": {"display_name": "Zed <script>alert(1)</script>", "status": "ok", "html": "zed.html",
                "headline": {"nps": -12.44, "ci_low": -20.0, "ci_high": -4.9, "n": 88}},
        "acme": {"display_name": "Acme", "status": "failed", "html": None, "headline": None,
                 "error": {"cell": 3, "source_line": "x", "ename": "NpsStoreError", "evalue": "no data"}},
    }}
    soup = BeautifulSoup(index_html(manifest, batch="demo", period="2026-Q3", version="0.1.0"), "html.parser")
    assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"] == CSP
    assert soup.find_all("script") == []
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in soup.tbody.find_all("tr")]
    assert rows == [
        ["Acme", "\u2014", "\u2014", "\u2014", "\u2014", "\u2014", "Failed: NpsStoreError"],
        # A record from before the change, language and state were recorded: dashes, final.
        ["Zed <script>alert(1)</script>", "\u221212", "\u221220 to \u22125", "88", "\u2014", "\u2014", "Final"],
    ]
    assert [a["href"] for a in soup.find_all("a")] == ["zed.html"]
