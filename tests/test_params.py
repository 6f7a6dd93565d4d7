"""Params files (params/), their typed models (params.py) and the notebooks' parameters cells."""
from __future__ import annotations

import ast
from pathlib import Path

import papermill
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from nps_helpers.config.params import (
    BatchParams,
    ClientParams,
    Defaults,
    client_ids,
    load_batch,
    load_client,
    load_defaults,
    load_yaml_model,
)
from nps_helpers.errors import NpsParamsError
from nps_helpers.render.job import ReportParams, check_notebook_parameters, notebook_parameters

ROOT = Path(__file__).resolve().parents[1]
BATCHES = sorted((ROOT / "params" / "batches").glob("*.yaml"))
REPORT_NOTEBOOKS = sorted(
    {ROOT / "notebooks" / "client_report.ipynb"}
    | {ROOT / "notebooks" / load_batch(p.stem, ROOT / "params").notebook for p in BATCHES}
)


def test_repo_defaults_are_valid_and_spell_out_every_default():
    raw = yaml.safe_load((ROOT / "params" / "defaults.yaml").read_text())
    assert set(raw) == set(Defaults.model_fields)
    assert load_defaults(ROOT / "params") == Defaults.model_validate(raw)


@pytest.mark.parametrize("path", BATCHES, ids=lambda p: p.stem)
def test_repo_batches_are_valid_and_name_an_existing_notebook(path):
    batch = load_batch(path.stem, ROOT / "params")
    assert (ROOT / "notebooks" / batch.notebook).exists()


def test_demo_batch_renders_every_client_for_the_latest_quarter():
    assert load_batch("demo", ROOT / "params") == BatchParams(
        notebook="client_report.ipynb", clients="all", periods=["latest-quarter"]
    )


def test_repo_client_files_are_valid_and_named_for_their_client():
    for cid in client_ids(ROOT / "params"):
        assert load_client(cid, ROOT / "params").client_id == cid


@pytest.mark.parametrize("notebook", REPORT_NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_matches_what_render_injects(notebook):
    found = papermill.inspect_notebook(str(notebook))
    assert list(found) == list(ReportParams.model_fields)
    defaults = {name: ast.literal_eval(info["default"]) for name, info in found.items()}
    assert notebook_parameters(notebook) == defaults
    ReportParams.model_validate(defaults)  # the notebook runs as-is in JupyterLab
    assert check_notebook_parameters(notebook) == defaults


def test_unknown_key_names_the_file_and_the_key(tmp_path):
    path = tmp_path / "defaults.yaml"
    path.write_text("min_n: 30\nlanguagee: pl\n")
    with pytest.raises(NpsParamsError, match=r"^defaults\.yaml, key 'languagee': unknown key"):
        load_yaml_model(path, Defaults)


def test_wrong_type_and_bad_value_name_the_key(tmp_path):
    (tmp_path / "clients").mkdir()
    path = tmp_path / "clients" / "acme.yaml"
    path.write_text("client_id: acme\ndisplay_name: Acme\nindustry: banking\nmin_n: many\n")
    with pytest.raises(NpsParamsError, match=r"^clients/acme\.yaml, key 'min_n': "):
        load_client("acme", tmp_path)
    path.write_text("client_id: acme\ndisplay_name: Acme\nindustry: mining\n")
    with pytest.raises(NpsParamsError, match=r"^clients/acme\.yaml, key 'industry': "):
        load_client("acme", tmp_path)


def test_client_file_must_be_named_for_its_client(tmp_path):
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "acme.yaml").write_text("client_id: bravo\ndisplay_name: B\nindustry: retail\n")
    with pytest.raises(NpsParamsError, match="named for 'acme'"):
        load_client("acme", tmp_path)


def test_broken_yaml_and_missing_files(tmp_path):
    (tmp_path / "batches").mkdir()
    (tmp_path / "batches" / "q.yaml").write_text("clients: [a, b\n")
    with pytest.raises(NpsParamsError, match=r"^batches/q\.yaml, line \d+: not valid YAML"):
        load_batch("q", tmp_path)
    (tmp_path / "batches" / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(NpsParamsError, match="expected a mapping"):
        load_batch("list", tmp_path)
    with pytest.raises(NpsParamsError, match="file not found"):
        load_batch("nope", tmp_path)
    assert load_defaults(tmp_path) == Defaults()
    assert client_ids(tmp_path) == []


@given(st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True).filter(lambda k: k not in ClientParams.model_fields))
def test_any_unknown_client_key_is_refused(key):
    raw = {"client_id": "acme", "display_name": "Acme", "industry": "banking", key: 1}
    with pytest.raises(Exception, match=key):
        ClientParams.model_validate(raw)


# --- customer health keys (health_weights, plan_scores) ------------------------------------
def _client_file(tmp_path, extra: str) -> None:
    (tmp_path / "clients").mkdir(exist_ok=True)
    (tmp_path / "clients" / "acme.yaml").write_text(
        "client_id: acme\ndisplay_name: Acme\nindustry: banking\n" + extra
    )


def test_health_keys_default_to_empty_so_the_documented_defaults_apply():
    from nps_helpers.analysis.health import HealthWeights

    client = ClientParams(client_id="acme", display_name="Acme", industry="banking")
    assert (client.health_weights, client.plan_scores) == ({}, {})
    assert HealthWeights.from_params(client.health_weights) == HealthWeights()
    for name in ("health_weights", "plan_scores"):
        assert ClientParams.model_fields[name].description


def test_health_weights_and_plan_scores_are_read(tmp_path):
    from nps_helpers.analysis.health import HealthWeights

    _client_file(tmp_path, "health_weights: {nps: 0.5, tenure: 1, healthy_from: 70}\nplan_scores: {gold: 1, basic: 0.25}\n")
    client = load_client("acme", tmp_path)
    assert client.plan_scores == {"gold": 1.0, "basic": 0.25}
    weights = HealthWeights.from_params(client.health_weights)
    assert (weights.nps, weights.tenure, weights.healthy_from, weights.recency) == (0.5, 1.0, 70.0, HealthWeights().recency)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("health_weights: {nps: 0.5, tenur: 1}\n", r"^clients/acme\.yaml, key 'health_weights\.tenur': unknown key \(use critical_below, "),
        ("health_weights: {nps: -1}\n", r"^clients/acme\.yaml, key 'health_weights': weights must be numbers >= 0"),
        ("health_weights: {healthy_from: 30, critical_below: 50}\n", r"^clients/acme\.yaml, key 'health_weights': need 0 <= critical_below"),
        ("health_weights: {nps: high}\n", r"^clients/acme\.yaml, key 'health_weights\.nps': "),
        ("plan_scores: {gold: 1.5}\n", r"^clients/acme\.yaml, key 'plan_scores\.gold': .*less than or equal to 1"),
        ("plan_scores: [gold]\n", r"^clients/acme\.yaml, key 'plan_scores': "),
    ],
)
def test_bad_health_keys_name_the_file_and_the_key(tmp_path, extra, message):
    _client_file(tmp_path, extra)
    with pytest.raises(NpsParamsError, match=message):
        load_client("acme", tmp_path)


# --- time zone keys ------------------------------------------------------------------------
def test_timezone_keys_default_to_utc_and_unset(tmp_path):
    assert Defaults().timezone == "UTC"
    _client_file(tmp_path, "")
    assert load_client("acme", tmp_path).timezone is None
    _client_file(tmp_path, "timezone: Europe/Warsaw\n")
    assert load_client("acme", tmp_path).timezone == "Europe/Warsaw"
    (tmp_path / "defaults.yaml").write_text("timezone: America/New_York\n")
    assert load_defaults(tmp_path).timezone == "America/New_York"


@pytest.mark.parametrize("text", ["timezone: CEST\n", "timezone: Europe/Warszawa\n", "timezone: 2\n"])
def test_a_bad_timezone_names_the_file_and_the_key(tmp_path, text):
    _client_file(tmp_path, text)
    with pytest.raises(NpsParamsError, match=r"^clients/acme\.yaml, key 'timezone': "):
        load_client("acme", tmp_path)
    (tmp_path / "defaults.yaml").write_text(text)
    with pytest.raises(NpsParamsError, match=r"^defaults\.yaml, key 'timezone': "):
        load_defaults(tmp_path)
