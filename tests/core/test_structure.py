"""The shape of the house: layers import downwards only, one public home per name, tests mirror.

The flow is files → readers → daily table → workspace → features → statistics / goal trees
(→ models → ascent) → views → pages and the command line. Every check here reads the code as text
(``ast``), so it follows every import, the ones inside functions included.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "pga_core"

#: Units of the engine from the bottom up. A module may import its own unit freely (the import
#: graph must still have no circles) and any unit on a lower line; never one on its own line or
#: above. Sibling packages on one line (statistics, goal trees, the sample person) stay apart.
LAYERS: list[tuple[str, ...]] = [
    ("pga_core.words",),
    ("pga_core.engine",),
    ("pga_core.data._daily",),
    ("pga_core.data.readers",),
    ("pga_core.data",),
    ("pga_core.stats", "pga_core.goals", "pga_core.sample", "pga_core.experiments"),
    ("pga_core.views",),
    ("pga_core.cli",),
    ("pga_core.__main__",),
]
#: The protocol every reader module fulfils: each defines these, so they are not "two homes".
READER_PROTOCOL = {"FORMAT", "claims", "read"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text()) for p in sorted(CORE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """Every pga_core module ``name`` imports, as the most specific module name known."""
    modules = _modules()
    found: set[str] = set()
    for node in ast.walk(modules[name]):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return {m for m in found if m.split(".")[0] == "pga_core"}


def _unit(module: str) -> tuple[int, str]:
    best: tuple[int, str] | None = None
    for level, units in enumerate(LAYERS):
        for unit in units:
            matches = module == unit or module.startswith(unit + ".")
            if matches and (best is None or len(unit) > len(best[1])):
                best = (level, unit)
    assert best is not None, f"{module} belongs to no layer: add it to LAYERS"
    return best


def test_every_module_belongs_to_a_layer() -> None:
    for module in _modules():
        if module != "pga_core":
            _unit(module)


def test_layers_import_downwards_only() -> None:
    wrong = []
    for module in _modules():
        if module == "pga_core":
            continue
        level, unit = _unit(module)
        for target in _imports(module):
            target_level, target_unit = _unit(target)
            if target_unit != unit and target_level >= level:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_the_engine_imports_no_view_and_nothing_imports_a_page() -> None:
    for module in _modules():
        for target in _imports(module):
            if target.startswith("pga_core.views"):
                assert module.startswith(("pga_core.views", "pga_core.cli")), module
    for path in [*CORE.rglob("*.py"), *(REPO / "dashboard").rglob("*.py")]:
        text = path.read_text()
        assert "import app_pages" not in text, path
        assert "from app_pages" not in text, path
    for path in CORE.rglob("*.py"):
        assert "from dashboard" not in path.read_text(), path


def test_no_import_circles() -> None:
    graph = {m: _imports(m) & set(_modules()) for m in _modules()}
    # A package imports its private modules; those may import siblings, never their package.
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_no_names_loaded_from_strings() -> None:
    for path in CORE.rglob("*.py"):
        text = path.read_text()
        assert "import_module" not in text, path
        assert "__import__" not in text, path


def _all(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    return []


def _defined(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names - {"__all__"}


def test_each_public_name_is_defined_once_and_published_once() -> None:
    modules = _modules()
    homes: dict[str, list[str]] = {}
    for name, tree in modules.items():
        is_package = (CORE / Path(*name.split(".")[1:]) / "__init__.py").exists()
        defined = _defined(tree)
        if is_package:
            assert not defined - {"__doc__"}, f"{name}/__init__.py defines {defined}"
            for public in _all(tree):
                homes.setdefault(public, []).append(name)
            continue
        not_here = [n for n in _all(tree) if n not in defined]
        assert not_here == [], f"{name} lists names it does not define: {not_here}"
        if not name.rsplit(".", 1)[-1].startswith("_"):
            for public in set(_all(tree)) - READER_PROTOCOL:
                homes.setdefault(public, []).append(name)
    twice = {n: h for n, h in homes.items() if len(h) > 1}
    assert twice == {}


def test_a_private_modules_public_names_are_published_by_its_package() -> None:
    modules = _modules()
    for name, tree in modules.items():
        package, _, leaf = name.rpartition(".")
        if not leaf.startswith("_") or leaf == "__main__":
            continue
        published = set(_all(modules[package]))
        missing = set(_all(tree)) - published
        assert missing == set(), f"{package} does not publish {sorted(missing)} from {leaf}"


def _source_modules() -> list[Path]:
    skip = {"__init__.py", "__main__.py"}
    return [p for p in sorted(CORE.rglob("*.py")) if p.name not in skip]


@pytest.mark.parametrize("path", _source_modules(), ids=lambda p: str(p.relative_to(CORE)))
def test_every_module_has_its_test_file(path: Path) -> None:
    relative = path.relative_to(CORE)
    folder = REPO / "tests" / "core" / relative.parent
    stem = relative.stem.lstrip("_")
    assert list(folder.glob(f"test_{stem}.py")) or list(folder.glob(f"test_{stem}_*.py")), (
        f"no tests/core/{relative.parent}/test_{stem}.py"
    )


def test_core_never_imports_streamlit() -> None:
    names = [m for m in _modules() if m != "pga_core.__main__"]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print('streamlit' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "False"


def test_a_reader_loads_without_the_statistics_or_the_models() -> None:
    code = (
        "import sys\n"
        "import pga_core.data.readers.apple_health\n"
        "print('sklearn' in sys.modules, 'scipy' in sys.modules, 'pga_core.goals' in sys.modules,"
        " 'pga_core.stats' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "False False False False"
