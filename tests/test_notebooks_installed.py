"""Every notebook runs where readers run it: outside the repository, the package installed, no network.

A reader opens a chapter's notebook in Colab or in a fresh environment; its
set-up cell installs ``backprop`` from the repository with pip (non-editable)
when ``import backprop`` fails. This test recreates that place:

- the wheel is built from a copy of the project (the ``wheel`` fixture) and
  installed by pip, ``--no-deps --no-index``, into a new virtual environment
  in a temporary folder;
- the notebooks' other dependencies (NumPy, matplotlib, ipykernel, ...) come
  from this environment's site-packages through one ``.pth`` line. A ``.pth``
  line adds a folder to ``sys.path`` without processing that folder's own
  ``.pth`` files, so neither the editable ``backprop`` nor ``booktools.pth``
  of this environment comes along (the probe below checks it);
- a ``sitecustomize.py`` in the new environment turns the network off: any
  connection or name lookup other than loopback (the kernel's own channels)
  raises;
- every chapter's notebook, as the site generates it, and the companion
  notebook are copied into a folder of their own and executed there, one
  kernel at a time, by that environment's Python (a kernel spec in a
  temporary ``JUPYTER_PATH``), with no ``PYTHONPATH``.

A last cell appended to each notebook reports where ``backprop`` and
``booktools`` were imported from and whether the network is off; the test
checks that ``backprop`` is the installed copy, that no module was loaded from
the repository, and that ``booktools`` exists only where chapter 12's set-up
cell writes it, next to its notebook.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from booktools.notebook import chapter_to_notebook, notebook_json
from tests.conftest import DOCS, ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

pytestmark = pytest.mark.slow

CHAPTERS = sorted(DOCS.glob("[0-9][0-9]-*.md"))
WALKTHROUGH = DOCS / "notebooks" / "seed-walkthrough.ipynb"
NOTEBOOKS = [*(chapter.stem for chapter in CHAPTERS), WALKTHROUGH.stem]
#: The only notebook that may import ``booktools``: its set-up cell writes it.
WRITES_BOOKTOOLS = {"07-autodiff", "12-why-backprop"}
CELL_TIMEOUT = 120
KERNEL = "backprop-reader"
REPOSITORY = "owner/backprop-from-scratch"
SITE_URL = "https://owner.github.io/backprop-from-scratch/"

#: Installed as the new environment's sitecustomize: only loopback connections.
NETWORK_OFF = '''"""The network is off: only loopback connections (the kernel's own channels) are allowed."""
import ipaddress
import socket


def _check(host):
    if host is None or host == "localhost":
        return
    try:
        if ipaddress.ip_address(str(host).split("%")[0]).is_loopback:
            return
    except ValueError:
        pass
    raise OSError(f"the network is off in this test: no connection to {host!r}")


def _connect(original):
    def connect(self, address):
        if isinstance(address, tuple):  # (host, port, ...); a str is a Unix socket
            _check(address[0])
        return original(self, address)
    return connect


def _lookup(original):
    def lookup(host, *args, **kwargs):
        _check(host.decode() if isinstance(host, bytes) else host)
        return original(host, *args, **kwargs)
    return lookup


socket.socket.connect = _connect(socket.socket.connect)
socket.socket.connect_ex = _connect(socket.socket.connect_ex)
socket.getaddrinfo = _lookup(socket.getaddrinfo)
socket.gethostbyname = _lookup(socket.gethostbyname)
'''

#: Appended to each notebook: what the kernel imported, and from where, as one JSON line.
PROBE = '''import importlib.util as _util, json as _json, os as _os, pathlib as _pathlib, socket as _socket, sys as _sys
import backprop as _backprop
try:
    _socket.create_connection(("192.0.2.1", 80), timeout=2).close()
    _network = "connected"
except OSError as _error:
    _network = str(_error)
_spec = _util.find_spec("booktools")
print("@@probe@@" + _json.dumps({
    "executable": _sys.executable,
    "backprop": _backprop.__file__,
    "booktools": _spec.origin if _spec else None,
    "pythonpath": _os.environ.get("PYTHONPATH"),
    "cwd": _os.getcwd(),
    "network": _network,
    "sys_path": _sys.path,
    "modules": sorted({getattr(_m, "__file__", None) or "" for _m in list(_sys.modules.values())} - {""}),
}))'''


def _inside(path: str | Path, *folders: Path) -> bool:
    return any(Path(path).resolve().is_relative_to(folder.resolve()) for folder in folders)


def _site_packages(python: Path) -> list[Path]:
    code = "import json, sysconfig; p = sysconfig.get_paths(); print(json.dumps([p['purelib'], p['platlib']]))"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout
    return [Path(path) for path in dict.fromkeys(json.loads(out))]


@pytest.fixture(scope="module")
def reader(wheel, tmp_path_factory) -> dict:
    """A fresh virtual environment with the wheel installed, its dependencies shared, no network."""
    home = tmp_path_factory.mktemp("reader")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # The venv's own pip, as the set-up cell's %pip would use (here from the wheel, offline).
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--disable-pip-version-check", str(wheel)],
        check=True, timeout=300,
    )
    site = _site_packages(python)[0]
    ours = [Path(p) for p in dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])]
    (site / "book-dependencies.pth").write_text("".join(f"{path}\n" for path in ours), encoding="utf-8")
    (site / "sitecustomize.py").write_text(NETWORK_OFF, encoding="utf-8")
    kernel = home / "jupyter" / "kernels" / KERNEL
    kernel.mkdir(parents=True)
    spec = {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (reader)", "language": "python"}
    (kernel / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return {"venv": venv, "python": python, "jupyter": home / "jupyter", "dependencies": ours,
            "notebooks": tmp_path_factory.mktemp("notebooks")}


def _clean_env(reader: dict) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA")) and key != "MPLBACKEND"}
    env["PATH"] = os.pathsep.join([str(reader["python"].parent), env.get("PATH", "")])
    env["JUPYTER_PATH"] = str(reader["jupyter"])
    return env


def test_the_reader_environment_is_the_package_alone(reader):
    """Outside a notebook too: backprop from the wheel, booktools nowhere, and the network off."""
    code = ("import importlib.util, json, socket, backprop\n"
            "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=2); net = 'connected'\n"
            "except OSError as e:\n    net = str(e)\n"
            "print(json.dumps([backprop.__file__, importlib.util.find_spec('booktools') is None, net]))")
    result = subprocess.run([str(reader["python"]), "-c", code], capture_output=True, text=True,
                            env=_clean_env(reader), cwd=reader["notebooks"], timeout=60, check=True)
    backprop_file, no_booktools, network = json.loads(result.stdout)
    assert _inside(backprop_file, reader["venv"]), backprop_file
    assert no_booktools, "booktools leaks into the reader's environment"
    assert "the network is off" in network


def _notebook(name: str):
    if name == WALKTHROUGH.stem:
        return nbformat.read(WALKTHROUGH, as_version=4)
    chapter = DOCS / f"{name}.md"
    return chapter_to_notebook(chapter.read_text(encoding="utf-8"), repository=REPOSITORY,
                               site_url=SITE_URL, source_path=chapter.name)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_where_readers_run_it(name, reader, monkeypatch):
    from nbclient.exceptions import CellExecutionError

    folder = reader["notebooks"] / name
    folder.mkdir()
    path = folder / f"{name}.ipynb"
    path.write_text(notebook_json(_notebook(name)), encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    env = _clean_env(reader)
    monkeypatch.setenv("JUPYTER_PATH", env["JUPYTER_PATH"])  # where nbclient finds the kernel spec
    client = nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT, allow_errors=False,
                                     resources={"metadata": {"path": str(folder)}})
    try:
        client.execute(env=env)
    except CellExecutionError as error:
        pytest.fail(f"{name}.ipynb stops with an error where readers run it:\n{error}")

    if name != WALKTHROUGH.stem:
        setup = "".join(output.get("text", "") for output in nb.cells[1].outputs)
        assert setup == "", f"the set-up cell printed (did it try to install?): {setup!r}"
    printed = "".join(output.get("text", "") for output in nb.cells[-1].outputs)
    probe = json.loads(printed.split("@@probe@@", 1)[1])
    assert Path(probe["executable"]) == reader["python"], probe["executable"]
    assert _inside(probe["backprop"], reader["venv"]), f"backprop imported from {probe['backprop']}"
    assert probe["pythonpath"] is None and _inside(probe["cwd"], folder)
    assert "the network is off" in probe["network"], probe["network"]
    if name in WRITES_BOOKTOOLS:
        assert probe["booktools"] and _inside(probe["booktools"], folder), probe["booktools"]
    else:
        assert probe["booktools"] is None, f"booktools importable from {probe['booktools']}"
    # Nothing from the repository but the dependencies shared from its .venv.
    from_repository = [entry for entry in probe["sys_path"] + probe["modules"]
                       if entry and _inside(entry, ROOT) and not _inside(entry, *reader["dependencies"])]
    assert from_repository == [], from_repository
