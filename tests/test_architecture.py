"""The code's shape: no private name crosses a module boundary, in src or in tests.

A private name (``_name``) is a module's own business; another module (or a test) that
imports it, or reaches it as ``module._name``, ties itself to an implementation detail.
Read from the source with ``ast``, so nothing is imported.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "nps_helpers"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _module_aliases(tree: ast.AST) -> set[str]:
    """Names bound to nps_helpers modules: `from nps_helpers import plots`, `import x as y`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("nps_helpers")):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("nps_helpers")}
    return names


def private_crossings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("nps_helpers")):
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names if _private(a.name)]
    modules = _module_aliases(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            found.append(f"line {node.lineno}: uses {node.value.id}.{node.attr}")
    return found


def test_no_private_name_is_imported_across_modules():
    files = [*PACKAGE.rglob("*.py"), *(ROOT / "tests").glob("*.py"), *(ROOT / "bench").glob("*.py")]
    offences = {str(p.relative_to(ROOT)): found for p in files if (found := private_crossings(p))}
    assert not offences, offences


def test_the_check_sees_both_forms(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from nps_helpers.store import _connect\nfrom nps_helpers import plots\n"
                      "plots._render(1)\nfrom .text import tag_themes\n")
    assert private_crossings(sample) == ["line 1: imports _connect", "line 3: uses plots._render"]
