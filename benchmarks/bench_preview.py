"""How long `mkdocs serve` takes to show an edit: prose, a docstring, a figure's code.

The script copies the project (the files git knows, and the caches in
``.cache/`` that an author's earlier builds leave: figures, explorables, math,
executed notebook) into a temporary
folder, starts ``mkdocs serve`` there with the project's own ``.venv``, waits
for the first build, then makes three edits one after the other and, for each,
measures the seconds from saving the file to the server answering with the
change:

- prose: a sentence added to chapter 5, looked for in its page;
- docstring: a sentence added to the docstring of ``backprop.descent.error``,
  looked for in the API reference page;
- figure code: a line width changed in ``booktools/figures/ch05_gradient_descent.py``,
  looked for as changed bytes of the figure file the server returns.

Each edit is made ``--repeats`` times (undone between) and the median is
reported. Target: every median at most 3 s. The repository itself is never
edited.

Run: ``make bench-preview`` or ``.venv/bin/python benchmarks/bench_preview.py``.
"""

from __future__ import annotations

import _common

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

NAME = "preview"
ROOT = _common.ROOT
TARGET_S = 3.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except OSError:
        return None


def _copy_project(target: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for cache in ("figures", "explorables", "katex", "mkdocs-jupyter"):
        if (ROOT / ".cache" / cache).is_dir():
            shutil.copytree(ROOT / ".cache" / cache, target / ".cache" / cache)


def _wait(check, timeout: float = 300.0, step: float = 0.05) -> float:
    """Seconds until ``check()`` is true (polling every ``step`` s)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if check():
            return time.perf_counter() - start
        time.sleep(step)
    raise TimeoutError(f"no change served after {timeout:.0f} s")


def _edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"bench_preview: {old!r} not found in {path.name}; update this script")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    repeats = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        _copy_project(project)
        port = _free_port()
        base = f"http://127.0.0.1:{port}/"
        env = dict(os.environ, PYTHONPATH=str(project / "src"), NO_MKDOCS_2_WARNING="1")
        env.pop("MPLBACKEND", None)
        log = open(project / "serve.log", "w", encoding="utf-8")  # noqa: SIM115
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("mkdocs")), "serve", "--strict",
             "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

        def up() -> bool:
            if server.poll() is not None:
                tail = (project / "serve.log").read_text(encoding="utf-8")[-3000:]
                raise SystemExit(f"bench_preview: mkdocs serve stopped:\n{tail}")
            return _get(base) is not None

        try:
            first = _wait(up, timeout=900)
            page = base + "05-gradient-descent/"
            reference = base + "reference/descent/"
            figure_url = base + "figures/ch05-fitted-line.svg"
            for url in (page, reference, figure_url):
                if _get(url) is None:
                    raise SystemExit(f"bench_preview: {url} not served; update this script")
            chapter = project / "docs" / "05-gradient-descent.md"
            library = project / "src" / "backprop" / "descent.py"
            drawing = project / "src" / "booktools" / "figures" / "ch05_gradient_descent.py"
            times: dict[str, list[float]] = {"prose": [], "docstring": [], "figure code": []}
            for i in range(repeats):
                marker = f"Preview probe {i} {time.time_ns()}."
                original = _edit(chapter, "\n## ", f"\n{marker}\n\n## ")
                times["prose"].append(_wait(lambda: marker.encode() in (_get(page) or b"")))
                chapter.write_text(original, encoding="utf-8")

                marker = f"Docstring probe {i} {time.time_ns()}."
                original = _edit(library, '    """Return the sum of squared residuals',
                                 f'    """{marker} Return the sum of squared residuals')
                times["docstring"].append(_wait(lambda: marker.encode() in (_get(reference) or b"")))
                library.write_text(original, encoding="utf-8")

                before = _get(figure_url)
                source = drawing.read_text(encoding="utf-8")
                widths = re.findall(r"\blw=(\d+(?:\.\d+)?)", source)
                if not widths:
                    raise SystemExit("bench_preview: no lw= in the chapter 5 figure module; update this script")
                new = re.sub(r"\blw=(\d+(?:\.\d+)?)", lambda m: f"lw={float(m.group(1)) + 1.5 + i}", source)
                drawing.write_text(new, encoding="utf-8")
                times["figure code"].append(_wait(lambda: (_get(figure_url) or before) != before))
                drawing.write_text(source, encoding="utf-8")
                _wait(lambda: (_get(figure_url) or b"") == before)  # back to the original
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            log.close()

    results = [{"edit": edit, "seconds": [round(t, 2) for t in values],
                "median_s": round(statistics.median(values), 2)} for edit, values in times.items()]
    lines = [f"first build and serve: {first:.1f} s"]
    lines += [f"{r['edit']:<12} served after {r['median_s']:.2f} s (median of {len(r['seconds'])}: "
              f"{', '.join(f'{t:.2f}' for t in r['seconds'])})" for r in results]
    worst = max(r["median_s"] for r in results)
    lines.append(f"every edit served within {TARGET_S:.0f} s: {'met' if worst <= TARGET_S else 'NOT met'}")
    payload = {
        "name": NAME,
        "command": "make bench-preview  (or: .venv/bin/python benchmarks/bench_preview.py)",
        "machine": _common.machine(1),
        "settings": {"repeats": repeats, "target_s": TARGET_S},
        "first_build_s": round(first, 1),
        "results": results,
    }
    _common.finish(NAME, payload, args, *lines)


if __name__ == "__main__":
    main()
