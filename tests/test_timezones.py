"""Periods in the client's time zone: the rule that picks the zone (timezones.py), and
`nps-report stats`, the report window and the portfolio all cutting months and quarters by it.

Three responses, counted by hand in each zone:

=====================  =================  =================  =================
instant (UTC)          UTC                Europe/Warsaw      America/New_York
=====================  =================  =================  =================
2026-06-30 22:30 (10)  30 Jun, Q2         1 Jul 00:30, Q3    30 Jun 18:30, Q2
2026-07-01 03:30 (0)   1 Jul, Q3          1 Jul 05:30, Q3    30 Jun 23:30, Q2
2026-07-15 12:00 (8)   15 Jul, Q3         15 Jul, Q3         15 Jul, Q3
=====================  =================  =================  =================
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from nps_helpers.analysis.stats import portfolio_stats
from nps_helpers.cli import app
from nps_helpers.errors import NpsParamsError
from nps_helpers.io.ingest import ingest_files
from nps_helpers.io.store import Store
from nps_helpers.io.timezones import client_timezone, recorded_timezone
from nps_helpers.views.portfolio import open_portfolio
from nps_helpers.views.report import open_report

INSTANTS = ["2026-06-30T22:30:00Z", "2026-07-01T03:30:00Z", "2026-07-15T12:00:00Z"]
SCORES = [10, 0, 8]
# The same instants as New York wall times (EDT, UTC-4), as a tool exporting local time writes them.
NEW_YORK_LOCAL = ["2026-06-30 18:30:00", "2026-06-30 23:30:00", "2026-07-15 08:00:00"]


def _params(root: Path, defaults: dict | None = None, **zones: str | None) -> Path:
    params = root / "params"
    (params / "clients").mkdir(parents=True, exist_ok=True)
    (params / "defaults.yaml").write_text(yaml.safe_dump(defaults or {}))
    for cid, zone in zones.items():
        body = {"client_id": cid, "display_name": cid.title(), "industry": "banking"}
        if zone:
            body["timezone"] = zone
        (params / "clients" / f"{cid}.yaml").write_text(yaml.safe_dump(body))
    return params


def _csv(folder: Path, name: str, times: list[str]) -> Path:
    path = folder / name
    rows = [f"{cid},{t},{s}" for cid, t, s in zip(["r1", "r2", "r3"], times, SCORES, strict=True)]
    path.write_text("id,date,nps\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture
def project(tmp_path) -> tuple[Path, Path]:
    """Three clients with the same three responses, each reaching its zone another way:
    'wawa' by its params key, 'nyc' by the zone its naive export was read in (mapping),
    'utc' by defaults.yaml (its export's times carry offsets, so it records none)."""
    params = _params(tmp_path, wawa="Europe/Warsaw", nyc=None, utc=None)
    store = tmp_path / "store"
    offsets = _csv(tmp_path, "offsets.csv", INSTANTS)
    ingest_files([offsets], client_id="wawa", store=store)
    ingest_files([offsets], client_id="utc", store=store)
    mapping = tmp_path / "ny.yaml"
    mapping.write_text("timezone: America/New_York\n")
    ingest_files([_csv(tmp_path, "ny_local.csv", NEW_YORK_LOCAL)], client_id="nyc", mapping=mapping,
                 store=store)
    return params, store


def _cli_stats(params: Path, store: Path, client: str, by: str, *extra: str) -> list[dict]:
    result = CliRunner().invoke(app, ["stats", "--client", client, "--by", by, "--json", "--params",
                                      str(params), "--store", str(store), *extra])
    assert result.exit_code == 0, result.output
    return [{k: row[k] for k in ("group", "n", "promoters", "passives", "detractors", "nps")}
            for row in json.loads(result.output)]


def test_each_client_gets_its_zone_by_the_rule(project):
    params, store = project
    assert [client_timezone(c, params_dir=params, store=store) for c in ("wawa", "nyc", "utc")] == [
        "Europe/Warsaw", "America/New_York", "UTC"]
    # All three hold the same instants: only the zone differs.
    for cid in ("wawa", "nyc", "utc"):
        times = Store(store).read("responses", cid)["responded_at"]
        assert times.tolist() == pd.to_datetime(INSTANTS, utc=True).tolist()


def test_stats_by_month_in_each_zone(project):
    params, store = project
    assert _cli_stats(params, store, "utc", "month") == [
        {"group": "2026-06", "n": 1, "promoters": 1, "passives": 0, "detractors": 0, "nps": 100.0},
        {"group": "2026-07", "n": 2, "promoters": 0, "passives": 1, "detractors": 1, "nps": -50.0},
    ]
    # 00:30 on 1 July in Warsaw is July there.
    assert _cli_stats(params, store, "wawa", "month") == [
        {"group": "2026-07", "n": 3, "promoters": 1, "passives": 1, "detractors": 1, "nps": 0.0},
    ]
    # 03:30 UTC on 1 July is 23:30 on 30 June in New York.
    assert _cli_stats(params, store, "nyc", "month") == [
        {"group": "2026-06", "n": 2, "promoters": 1, "passives": 0, "detractors": 1, "nps": 0.0},
        {"group": "2026-07", "n": 1, "promoters": 0, "passives": 1, "detractors": 0, "nps": 0.0},
    ]


def test_stats_by_quarter_in_each_zone(project):
    params, store = project
    groups = {c: [(r["group"], r["n"]) for r in _cli_stats(params, store, c, "quarter")]
              for c in ("utc", "wawa", "nyc")}
    assert groups == {"utc": [("2026-Q2", 1), ("2026-Q3", 2)],
                      "wawa": [("2026-Q3", 3)],
                      "nyc": [("2026-Q2", 2), ("2026-Q3", 1)]}


def test_stats_from_and_to_are_local_dates(project):
    params, store = project
    july = ("--from", "2026-07-01", "--to", "2026-08-01")
    assert [(r["group"], r["n"]) for r in _cli_stats(params, store, "wawa", "year", *july)] == [("2026", 3)]
    assert [(r["group"], r["n"]) for r in _cli_stats(params, store, "utc", "year", *july)] == [("2026", 2)]
    assert [(r["group"], r["n"]) for r in _cli_stats(params, store, "nyc", "year", *july)] == [("2026", 1)]


def test_the_table_title_names_the_zone(project):
    params, store = project
    result = CliRunner().invoke(app, ["stats", "--client", "wawa", "--params", str(params),
                                      "--store", str(store)])
    assert result.exit_code == 0 and "Europe/Warsaw" in result.output


@pytest.mark.parametrize("client, label, start, end, ids", [
    ("utc", "2026-Q3", "2026-07-01", "2026-10-01", ["r2", "r3"]),
    ("wawa", "2026-Q3", "2026-07-01", "2026-10-01", ["r1", "r2", "r3"]),
    ("nyc", "2026-Q3", "2026-07-01", "2026-10-01", ["r3"]),
    ("nyc", "2026-Q2", "2026-04-01", "2026-07-01", ["r1", "r2"]),
    ("utc", "2026-06", "2026-06-01", "2026-07-01", ["r1"]),
    ("wawa", "2026-06", "2026-06-01", "2026-07-01", []),
])
def test_the_report_window_is_cut_in_the_clients_zone(project, tmp_path, client, label, start, end, ids):
    params, store = project
    r = open_report(client, start, end, period_label=label, store=store, params_dir=params,
                    internal_dir=tmp_path / "internal")
    assert r.period.label == label
    assert sorted(r.responses["response_id"]) == ids
    assert r.timezone == client_timezone(client, params_dir=params, store=store)
    # The window's bounds are local midnights: the dates render passes, in the client's zone.
    assert (str(r.period.start.date()), str(r.period.end.date())) == (start, end)
    assert r.period.start == pd.Timestamp(start).tz_localize(r.timezone)


def test_params_key_wins_over_the_ingest_log_which_wins_over_defaults(tmp_path):
    store = Store(tmp_path / "store")
    params = _params(tmp_path, {"timezone": "Asia/Tokyo"}, acme=None)
    assert client_timezone("acme", params_dir=params, store=store) == "Asia/Tokyo"
    store.log_ingest("acme", {"file": "a.csv", "timezone": "America/New_York"})
    assert client_timezone("acme", params_dir=params, store=store) == "America/New_York"
    _params(tmp_path, {"timezone": "Asia/Tokyo"}, acme="Europe/Warsaw")
    assert client_timezone("acme", params_dir=params, store=store) == "Europe/Warsaw"


def test_without_params_files_the_log_then_utc_decide(tmp_path):
    store = Store(tmp_path / "store")
    assert client_timezone("acme", params_dir=tmp_path / "none", store=store) == "UTC"
    store.log_ingest("acme", {"file": "a.csv", "timezone": "Europe/Warsaw"})
    assert client_timezone("acme", params_dir=tmp_path / "none", store=store) == "Europe/Warsaw"


def test_the_newest_ingest_that_recorded_a_zone_counts():
    log = [{"timezone": "Europe/Warsaw"}, {"timezone": "America/New_York"},
           {"timezone": None}, {"file": "written before zones were recorded"}]
    assert recorded_timezone(log) == "America/New_York"
    assert recorded_timezone([{"timezone": None}]) is None


def test_a_bad_zone_in_params_names_the_file_and_the_key(tmp_path):
    params = _params(tmp_path, acme="Mars/Olympus")
    with pytest.raises(NpsParamsError, match=r"acme.yaml, key 'timezone': .*unknown time zone 'Mars/Olympus'"):
        client_timezone("acme", params_dir=params, store=tmp_path / "store")
    _params(tmp_path, {"timezone": "CEST"}, acme="UTC")
    with pytest.raises(NpsParamsError, match=r"defaults.yaml, key 'timezone'"):
        client_timezone("bolt", params_dir=params, store=tmp_path / "store")


def test_the_portfolio_counts_each_client_in_its_own_zone(project):
    params, store = project
    p = open_portfolio(store, params, "2026-07-01", "2026-10-01", period_label="2026-Q3")
    assert p.timezones == {"nyc": "America/New_York", "utc": "UTC", "wawa": "Europe/Warsaw"}
    quarter = portfolio_stats(p.store, by=None, start=p.start, end=p.end, timezones=p.timezones)
    assert quarter.set_index("client_id")["n"].to_dict() == {"nyc": 1, "utc": 2, "wawa": 3}
    history = portfolio_stats(p.store, by="quarter", start=p.history_start, end=p.end, timezones=p.timezones)
    assert history[["client_id", "period", "n"]].values.tolist() == [
        ["nyc", "2026-Q2", 2], ["nyc", "2026-Q3", 1], ["utc", "2026-Q2", 1], ["utc", "2026-Q3", 2],
        ["wawa", "2026-Q3", 3]]
