"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Build the site once per test session with ``mkdocs build --strict``.

    Set ``SITE_DIR`` to reuse a site that is already built (e.g. by ``make site``).
    """
    if os.environ.get("SITE_DIR"):
        return Path(os.environ["SITE_DIR"]).resolve()
    site = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("MPLBACKEND", None)  # an Agg backend here would blank notebook figures
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return site


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the project (setuptools writes build/ beside the sources)."""
    source = tmp_path_factory.mktemp("project")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(source)],
        check=True, timeout=300,
    )
    (path,) = out.glob("*.whl")
    return path


# The built site served on 127.0.0.1 and Debian's Chromium, for the browser
# tests (test_browser, test_accessibility, test_explorables...): one of each
# per test module.


@pytest.fixture(scope="module")
def site_url(built_site):
    from tests import browser_support as bs

    with bs.serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from tests import browser_support as bs

    with bs.chromium() as chromium:
        yield chromium
