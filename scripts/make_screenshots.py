"""Make the README's screenshots: run the browser journeys with their images kept in docs/.

    .venv/bin/python scripts/make_screenshots.py

The browser tests save screenshots to a temporary folder on every run (so the checkout
stays clean); this script points them at ``docs/screenshots/`` instead, runs only the
browser tests, and lists the images written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "docs" / "screenshots"


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LIFEWEB_SCREENSHOT_DIR": str(TARGET)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "browser"]
    result = subprocess.run([*command, "tests/e2e"], cwd=REPO, env=env, check=False)
    for image in sorted(TARGET.glob("*.png")):
        print(image.relative_to(REPO))
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
