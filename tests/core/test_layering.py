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
