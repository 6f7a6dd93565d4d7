"""No client sees another client's data: canaries through the real report notebook.

Each demo client carries its own canary in its display name, segment values and comments
(tests/conftest.py); every client's report, its index entry and its internal files must
show its own canary and none of another's. Peer benchmarks appear only over >= 5 peers,
and customer ids and e-mail addresses stay in the internal follow-up CSVs.
"""
from __future__ import annotations

import re

import pandas as pd
from bs4 import BeautifulSoup
from conftest import ATTACKED, SURVIVOR, canary

from nps_helpers.config.params import load_client
from nps_helpers.present.i18n import translator

DATA_URI = re.compile(r"data:[a-z+./-]+;base64,[A-Za-z0-9+/=]+")
CUSTOMER_ID = re.compile(r"\bC\d{6}\b", re.I)  # the demo's customer ids
RESPONSE_ID = re.compile(r"\bR\d{7}\b", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
POSITIONS = (("Higher than {share} of {n} comparable company", "Higher than {share} of {n} comparable companies"),
             ("Higher than {low} to {high} of {n} comparable company",
              "Higher than {low} to {high} of {n} comparable companies"))


def visible(html: str) -> str:
    """The HTML without inline images (base64 can spell anything)."""
    return DATA_URI.sub("", html)


def test_every_planted_report_renders(planted_batch):
    result = planted_batch.result
    assert [r.status for r in result.results] == ["ok"] * 6, result.summary()


def test_no_report_index_entry_or_internal_file_holds_another_clients_canary(planted_batch, tally):
    clients = sorted(planted_batch.names)
    index = BeautifulSoup((planted_batch.folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    pairs = 0
    for cid in clients:
        shared = {
            f"{cid}.html": visible(planted_batch.html(cid)).lower(),
            f"index entry of {cid}": str(index.find("a", href=f"{cid}.html").find_parent("tr")).lower(),
        }
        # The executed notebook keeps the parameters cell's default client id: data only there.
        internal = {f"_internal/{cid}/{p.name}": p.read_text(encoding="utf-8-sig").lower()
                    for p in (planted_batch.folder / "_internal" / cid).iterdir()}
        assert {f"_internal/{cid}/{name}" for name in (f"{cid}.ipynb", "promoters_to_ask.csv",
                "passives_to_nudge.csv", "detractors_to_call.csv")} <= set(internal)
        for where, text in shared.items():
            assert canary(cid) in text, f"the probe cannot see {cid}'s own canary in {where}"
        for other in clients:
            if other == cid:
                continue
            pairs += 1
            for where, text in [*shared.items(), *internal.items()]:
                found = [s for s in (canary(other), other if where in shared else None) if s and s in text]
                assert not found, f"{where} holds {other}'s {found}"
    assert pairs == 30
    tally["isolation: client pairs checked (report, index entry, internal files)"] += pairs


def test_own_canary_shows_in_name_segments_and_comments(planted_batch):
    for cid in planted_batch.names:
        soup = BeautifulSoup(planted_batch.html(cid), "html.parser")
        mark = canary(cid)
        assert mark in soup.h1.get_text()
        segment_rows = [th.get_text() for th in soup.select("table.nps-table tbody th")]
        assert any(mark in text for text in segment_rows), cid
        comment_cells = [td.get_text() for td in soup.select("table.nps-table td.text")]
        assert any(mark in text and len(text) > len(mark) + 5 for text in comment_cells), cid


def peer_counts(language: str, text: str) -> list[str]:
    """The number of peers in each peer-position sentence of ``text`` (any share, any n)."""
    t = translator(language)
    forms = {t.ngettext(*position, n) for position in POSITIONS for n in (1, 2, 5, 21)}
    pattern = "|".join(
        re.escape(f).replace(re.escape("{share}"), ".+?").replace(re.escape("{low}"), ".+?")
        .replace(re.escape("{high}"), ".+?").replace(re.escape("{n}"), r"(\d+)") for f in forms)
    return [next(g for g in m.groups() if g) for m in re.finditer(pattern, text)]


def test_peer_position_shows_only_over_five_peers(planted_batch, tally):
    for cid in planted_batch.names:
        client = load_client(cid, planted_batch.params)
        soup = BeautifulSoup(planted_batch.html(cid), "html.parser")
        alts = " ".join(img["alt"] for img in soup.find_all("img"))
        assert peer_counts(client.language, alts) == ["5"], cid
        assert translator(client.language).text("too_few_peers", n=5) not in soup.get_text()
    tally["isolation: reports with a peer position over 5 peers"] += len(planted_batch.names)


def test_four_peers_show_no_peer_figure(five_banks, tally):
    survivor = five_banks.result.results
    assert {r.client_id: r.status for r in survivor}[SURVIVOR] == "ok", five_banks.result.summary()
    language = load_client(SURVIVOR, five_banks.params).language
    soup = BeautifulSoup(five_banks.html(SURVIVOR), "html.parser")
    text = soup.get_text(" ") + " ".join(img["alt"] for img in soup.find_all("img"))
    assert translator(language).text("too_few_peers", n=5) in soup.get_text()
    assert peer_counts(language, text) == []
    tally["isolation: reports with 4 peers and no peer figure"] += 1


def test_customer_ids_and_emails_stay_in_the_internal_csvs(planted_batch, tally):
    for path in planted_batch.shared:
        text = visible(path.read_text(encoding="utf-8"))
        for name, pattern in (("customer id", CUSTOMER_ID), ("response id", RESPONSE_ID), ("e-mail", EMAIL)):
            found = pattern.findall(text)
            assert not found, f"{path.name} shows a {name}: {found[:3]}"
    ids = 0
    for cid in planted_batch.names:
        csv = pd.read_csv(planted_batch.folder / "_internal" / cid / "promoters_to_ask.csv", dtype="str",
                          encoding="utf-8-sig")
        pattern = EMAIL if cid == ATTACKED else CUSTOMER_ID
        assert csv["customer_id"].dropna().str.fullmatch(pattern.pattern, case=False).mean() > 0.9, cid
        ids += len(csv)
    tally["isolation: shared HTML files scanned (ids, e-mails found: 0)"] += len(planted_batch.shared)
    tally["isolation: customer ids only in follow-up CSVs"] += ids
