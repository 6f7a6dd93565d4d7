"""The cache key follows every input of a report, peers of the same industry included."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from nps_helpers.config.params import ClientParams, Defaults
from nps_helpers.io.store import Store
from nps_helpers.render.cache import input_hash, report_inputs
from nps_helpers.render.job import ReportParams


def _client(params_dir, client_id, industry):
    body = {"client_id": client_id, "display_name": client_id.title(), "industry": industry}
    (params_dir / "clients" / f"{client_id}.yaml").write_text(yaml.safe_dump(body))
    return ClientParams(**body)


def _responses(n):
    return pd.DataFrame({"response_id": [str(i) for i in range(n)], "score": [9] * n,
                         "responded_at": pd.to_datetime(["2026-07-02"] * n, utc=True)})


def test_peer_changes_in_the_same_industry_change_the_hash_others_do_not(tmp_path):
    params_dir = tmp_path / "params"
    (params_dir / "clients").mkdir(parents=True)
    store = Store(tmp_path / "store")
    acme = _client(params_dir, "acme", "banking")
    _client(params_dir, "peer", "banking")
    _client(params_dir, "shop", "retail")
    for cid in ("acme", "peer", "shop"):
        store.merge("responses", cid, _responses(3))
    report = ReportParams(client_id="acme", period_label="2026-Q3", period_start="2026-07-01",
                          period_end="2026-10-01", store=str(store.root),
                          params_dir=str(params_dir), internal_dir=str(tmp_path / "i"))

    def key():
        return input_hash(report_inputs(store, acme, Defaults(), report,
                                        notebook_digest="nb", version="1"))

    before = key()
    store.merge("responses", "shop", _responses(5))
    assert key() == before
    store.merge("responses", "peer", _responses(5))
    assert key() != before


def test_the_zone_the_periods_are_cut_in_is_part_of_the_key(tmp_path):
    params_dir = tmp_path / "params"
    (params_dir / "clients").mkdir(parents=True)
    store = Store(tmp_path / "store")
    acme = _client(params_dir, "acme", "banking")
    store.merge("responses", "acme", _responses(3))
    report = ReportParams(client_id="acme", period_label="2026-Q3", period_start="2026-07-01",
                          period_end="2026-10-01", store=str(store.root),
                          params_dir=str(params_dir), internal_dir=str(tmp_path / "i"))

    def inputs():
        return report_inputs(store, acme, Defaults(), report, notebook_digest="nb", version="1")

    before = inputs()
    assert before["timezone"] == "UTC"
    # An ingest that adds no row (all duplicates) may still say the exports are Warsaw time.
    store.log_ingest("acme", {"file": "again.csv", "stored": 0, "timezone": "Europe/Warsaw"})
    after = inputs()
    assert after["timezone"] == "Europe/Warsaw" and input_hash(after) != input_hash(before)
    assert {k: v for k, v in after.items() if k != "timezone"} == {k: v for k, v in before.items() if k != "timezone"}


def test_the_package_code_is_an_input_so_an_edited_helper_re_renders():
    import hashlib

    import nps_helpers
    from nps_helpers.render.cache import CHANGED, code_digest

    package = Path(nps_helpers.__file__).parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    lines = "\n".join(f"{p.relative_to(package)}:{hashlib.sha256(p.read_bytes()).hexdigest()}" for p in files)
    assert code_digest() == hashlib.sha256(lines.encode()).hexdigest()
    assert any(p.name == "report.py" for p in files) and CHANGED["code"] == "package code changed"
