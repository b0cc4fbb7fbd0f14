"""The engine must stay UI-free: importing every pga_core module never imports Streamlit."""

import pkgutil
import subprocess
import sys

import pga_core


def test_core_never_imports_streamlit() -> None:
    modules = [m.name for m in pkgutil.walk_packages(pga_core.__path__, "pga_core.")]
    modules = [m for m in modules if m != "pga_core.__main__"]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print('streamlit' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
    assert "pga_core.daily" in modules


def test_public_names_resolve_and_readers_load_without_the_statistics() -> None:
    code = (
        "import sys\n"
        "import pga_core.sources.apple_health\n"
        "print('sklearn' in sys.modules, 'pga_core.goals' in sys.modules)\n"
        "import pga_core\n"
        "missing = [n for n in pga_core.__all__ if getattr(pga_core, n, None) is None]\n"
        "print(missing)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:2] == ["False False", "[]"]
