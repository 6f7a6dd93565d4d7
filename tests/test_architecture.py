"""The code's shape: no private name crosses a module boundary, in src or in tests.

A private name (``_name``) is a module's own business; another module (or a test) that
imports it, or reaches it as ``module._name`` or ``report._name``, ties itself to an
implementation detail. Read from the source with ``ast``, so nothing is imported.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "nps_helpers"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _module_aliases(tree: ast.AST) -> set[str]:
    """Names bound to nps_helpers modules: `from nps_helpers.present import plots`, `import x as y`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("nps_helpers")):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("nps_helpers")}
    return names


# Other libraries' private names the code uses on purpose: os._exit and atexit's runner end a
# forked child without the parent's clean-up; _asdict and _repr_*_ are namedtuple's and
# IPython's public protocols despite the underscore.
FOREIGN = {"_exit", "_run_exitfuncs", "_asdict", "_repr_html_", "_repr_mimebundle_"}


def _own_names(tree: ast.AST) -> set[str]:
    """Names this file defines: functions, classes, variables and attributes it assigns."""
    own = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            own.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            own.add(node.id)
    return own


def private_crossings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("nps_helpers")):
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names if _private(a.name)]
    modules, own = _module_aliases(tree), _own_names(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)):
            continue
        if node.value.id in modules:
            found.append(f"line {node.lineno}: uses {node.value.id}.{node.attr}")
        elif node.value.id not in ("self", "cls") and node.attr not in own | FOREIGN:
            found.append(f"line {node.lineno}: reaches {node.value.id}.{node.attr}")
    return found


def test_no_private_name_is_imported_across_modules():
    files = [*PACKAGE.rglob("*.py"), *(ROOT / "tests").glob("*.py"), *(ROOT / "bench").glob("*.py")]
    offences = {str(p.relative_to(ROOT)): found for p in files if (found := private_crossings(p))}
    assert not offences, offences


def test_the_check_sees_every_form(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from nps_helpers.io.store import _connect\nfrom nps_helpers.present import plots\n"
                      "plots._render(1)\nfrom .text import tag_themes\nreport._health[0]\n"
                      "class A:\n    def __init__(self):\n        self._own = 1\n"
                      "    def same(self, other):\n        return other._own, os._exit\n")
    assert private_crossings(sample) == ["line 1: imports _connect", "line 3: uses plots._render",
                                         "line 5: reaches report._health"]


# The layers, lowest first (docs/design.md draws the map). A module imports only its own
# layer and the layers below it; errors.py and the package's own __init__ (its version and
# lazy public names) are below and above everything respectively.
LAYERS = ["errors", "core", "config", "adapters", "io", "analysis", "present", "views", "render",
          "demo", "cli"]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "nps_helpers" or len(parts) == 1:
        return None  # the package itself
    return parts[1]


def import_graph() -> dict[str, set[str]]:
    """Module -> the nps_helpers modules it imports (relative imports resolved), from ``ast``."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        package = module if is_package else module.rpartition(".")[0]
        targets = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Imports only type checkers follow (if TYPE_CHECKING:) are not run: not edges.
        typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and getattr(block.test, "id", None) == "TYPE_CHECKING" for n in ast.walk(block)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                if target.startswith("nps_helpers"):
                    for alias in node.names:
                        sub = f"{target}.{alias.name}"
                        is_module = (PACKAGE.parent / (sub.replace(".", "/") + ".py")).exists() or (
                            PACKAGE.parent / sub.replace(".", "/")).is_dir()
                        targets.add(sub if is_module else target)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("nps_helpers")}
        graph[module] = targets - {module}
    return graph


def test_every_module_sits_in_a_layer_folder():
    loose = {m for m in import_graph() if _layer(m) not in LAYERS and m != "nps_helpers"}
    assert not loose, f"modules outside the layers {LAYERS}: {sorted(loose)}"


def test_no_layer_imports_a_layer_above_it():
    graph = import_graph()
    assert len(graph) > 60  # the graph is read, relative imports resolved:
    assert {"nps_helpers.analysis.metrics", "nps_helpers.present.plots", "nps_helpers.views.report"} <= graph[
        "nps_helpers.views.report_sections"]
    upward = []
    for module, targets in graph.items():
        here = _layer(module)
        for target in targets:
            there = _layer(target)
            if here is None or there is None:
                continue  # the package's __init__, or its version imported by name
            if LAYERS.index(there) > LAYERS.index(here):
                upward.append(f"{module} imports {target}")
    assert not upward, upward


def test_no_import_cycle_between_modules():
    import graphlib

    graph = import_graph()
    sorter = graphlib.TopologicalSorter({m: {t for t in ts if t in graph} for m, ts in graph.items()})
    sorter.prepare()  # raises CycleError naming the cycle


def test_no_module_over_600_lines_and_no_function_over_80():
    big = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    long = [f"{p.relative_to(ROOT)}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for p in PACKAGE.rglob("*.py") for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 80]
    assert not big and not long, (big, long)


def test_every_public_name_is_visible_to_type_checkers():
    import nps_helpers

    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    guarded = [node for node in tree.body if isinstance(node, ast.If)
               and getattr(node.test, "id", None) == "TYPE_CHECKING"]
    named = {alias.asname or alias.name for block in guarded for node in ast.walk(block)
             if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert set(nps_helpers.__all__) == named
