"""Project files agree with each other."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

import nps_helpers

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert set(pip_section) - {"-e ."} == wanted


def test_public_api_is_listed_and_documented_with_an_example():
    assert nps_helpers.__all__, "nps_helpers.__all__ is empty"
    for name in nps_helpers.__all__:
        obj = getattr(nps_helpers, name)
        if callable(obj) and not isinstance(obj, type):
            doc = obj.__doc__ or ""
            assert ">>>" in doc, f"{name} has no runnable example in its docstring"


def test_version_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert nps_helpers.__version__ == project["version"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^make test", readme, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_package_data_ships_every_theme_and_lexicon_file():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    package = ROOT / "src" / "nps_helpers"
    shipped = {path for pattern in patterns["nps_helpers"] for path in package.glob(pattern)}
    themes = {p for p in (package / "themes").rglob("*.yaml")}
    assert {package / "themes" / "lexicon" / f"{lang}.yaml" for lang in ("en", "pl", "sl", "ru", "de")} <= themes
    assert themes <= shipped
