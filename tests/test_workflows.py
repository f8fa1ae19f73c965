"""The GitHub workflows: linted (zizmor, actionlint) and held to the project's rules.

- every action is pinned to a full commit SHA, with a ``# vX.Y.Z`` comment;
- least privilege: the workflow grants nothing at the top level (or only
  ``contents: read``) and every job states its own ``permissions``;
- checkout never leaves the token in .git/config;
- the site is deployed to GitHub Pages only from main, by a job that alone
  holds ``pages: write`` and ``id-token: write``;
- the test workflow runs the README's test command under ``CI=true`` on every
  push and pull request and keeps the screenshots.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
SHA = re.compile(r"^[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
LEAST_PRIVILEGE = ({}, {"contents": "read"})


def tool(name):
    """A linter from this virtual environment (the lock installs both), else from PATH."""
    local = Path(sys.executable).with_name(name)
    found = str(local) if local.is_file() else shutil.which(name)
    if found is None:
        message = f"{name} is not installed (it is in requirements/lock.txt: run `make test`)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow):
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def steps(workflow):
    for job_id, job in workflow.get("jobs", {}).items():
        for step in job.get("steps", []) or []:
            yield job_id, step


def ids(paths):
    return [p.name for p in paths]


def test_there_are_workflows():
    names = {p.name for p in WORKFLOWS}
    assert WORKFLOWS, "no workflow in .github/workflows"
    assert all(p.suffix == ".yml" for p in WORKFLOWS), f"use .yml: {sorted(names)}"


def test_zizmor_reports_nothing():
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--strict-collection", "--no-progress", "--color=never",
         *map(str, WORKFLOWS)],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, f"zizmor:\n{result.stdout}\n{result.stderr}"
    assert "No findings to report" in result.stdout, result.stdout


def test_actionlint_reports_nothing():
    result = subprocess.run([tool("actionlint"), "-no-color", *map(str, WORKFLOWS)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0 and not result.stdout.strip(), \
        f"actionlint:\n{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_every_action_is_pinned_to_a_commit_sha(path):
    problems = []
    for job_id, step in steps(load(path)):
        uses = step.get("uses")
        if uses is None or uses.startswith("./"):
            continue
        if uses.startswith("docker://"):
            if "@sha256:" not in uses:
                problems.append(f"job {job_id}: {uses} is not pinned to a digest")
            continue
        _, _, ref = uses.partition("@")
        if not SHA.match(ref):
            problems.append(f"job {job_id}: {uses} is not pinned to a full 40-hex commit SHA")
    for job_id, job in load(path).get("jobs", {}).items():  # reusable workflows
        uses = job.get("uses")
        if uses and not uses.startswith("./") and not SHA.match(uses.partition("@")[2]):
            problems.append(f"job {job_id}: {uses} is not pinned to a full commit SHA")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES_LINE.match(line)
        if match and not match["ref"].startswith(("./", "docker://")):
            if not re.search(r"#\s*v\d+\.\d+\.\d+\b", match["rest"]):
                problems.append(f"line {number}: {match['ref']} needs a `# vX.Y.Z` comment")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def publishes_notebooks(job) -> bool:
    """The one job allowed `contents: write`: it pushes only to the notebooks branch, only from main."""
    scripts = " ".join(s.get("run") or "" for s in job.get("steps", []) or [])
    return (
        job.get("permissions") == {"contents": "write"}
        and "github.ref == 'refs/heads/main'" in str(job.get("if", ""))
        and "HEAD:notebooks" in scripts
        and scripts.count("git push") == 1
    )


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_least_privilege_permissions(path):
    workflow = load(path)
    top = workflow.get("permissions")
    assert top != "write-all" and top != "read-all", f"{path.name}: top-level permissions {top!r}"
    top_is_least = top in LEAST_PRIVILEGE
    problems = []
    for job_id, job in workflow.get("jobs", {}).items():
        permissions = job.get("permissions")
        if permissions is None and not top_is_least:
            problems.append(f"job {job_id} has no `permissions:` and the workflow grants {top!r}")
        if permissions in ("write-all", "read-all"):
            problems.append(f"job {job_id}: permissions {permissions!r}")
        writes = {k for k, v in (permissions or {}).items() if v == "write"} if isinstance(permissions, dict) else set()
        deploys = any("actions/deploy-pages@" in (s.get("uses") or "") for s in job.get("steps", []) or [])
        if writes and not (deploys and writes <= {"pages", "id-token"}) and not publishes_notebooks(job):
            problems.append(f"job {job_id} may write {sorted(writes)}: only the Pages deploy job may "
                            "write, and only pages and id-token (and the notebooks publisher, contents)")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_checkout_does_not_persist_credentials(path):
    for job_id, step in steps(load(path)):
        if (step.get("uses") or "").startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, \
                f"{path.name} job {job_id}: actions/checkout needs `persist-credentials: false`"


def pages_workflows():
    return [p for p in WORKFLOWS
            if any("actions/deploy-pages@" in (s.get("uses") or "") for _, s in steps(load(p)))]


def test_pages_deploy_only_from_main():
    found = pages_workflows()
    assert found, "no workflow deploys to GitHub Pages (actions/deploy-pages)"
    for path in found:
        workflow = load(path)
        on = triggers(workflow)
        assert set(on) <= {"push", "workflow_dispatch"}, \
            f"{path.name}: a deploying workflow runs only on push to main and by hand, not on {set(on)}"
        push = on.get("push") or {}
        assert push.get("branches") == ["main"] and not push.get("tags"), \
            f"{path.name}: `on.push.branches` must be exactly [main], got {push}"
        assert str(workflow.get("concurrency", {}).get("group", "")).startswith("pages"), \
            f"{path.name}: needs a `concurrency: {{group: pages}}`"
        jobs = workflow["jobs"]
        for job_id, job in jobs.items():
            if any("actions/deploy-pages@" in (s.get("uses") or "") for s in job.get("steps", [])):
                assert "github.ref == 'refs/heads/main'" in str(job.get("if", "")), \
                    f"{path.name} job {job_id}: deploy needs `if: github.ref == 'refs/heads/main'`"
                assert job.get("permissions") == {"pages": "write", "id-token": "write"}, \
                    f"{path.name} job {job_id}: the deploy job gets pages: write + id-token: write only"
                assert (job.get("environment") or {}).get("name") == "github-pages"
            elif not publishes_notebooks(job):
                assert job.get("permissions") in LEAST_PRIVILEGE, \
                    f"{path.name} job {job_id}: a build job reads only (contents: read)"


def test_pages_build_uses_the_pages_base_url():
    for path in pages_workflows():
        build = [s for _, s in steps(load(path)) if "make site" in (s.get("run") or "")]
        assert build, f"{path.name}: builds the site with `make site`"
        assert "outputs.base_url" in str((build[0].get("env") or {}).get("SITE_URL", "")), \
            f"{path.name}: `make site` needs SITE_URL from the configure-pages step's base_url"


def test_the_readme_test_command_runs_on_every_push_and_pull_request():
    runs = []
    for path in WORKFLOWS:
        workflow = load(path)
        on = triggers(workflow)
        if "push" not in on or "pull_request" not in on:
            continue
        if (on.get("push") or {}).get("branches") or (on.get("pull_request") or {}).get("branches"):
            continue  # restricted to some branches: not "every" push
        for job_id, job in workflow.get("jobs", {}).items():
            env = {**(workflow.get("env") or {}), **(job.get("env") or {})}
            job_steps = job.get("steps", []) or []
            if any(re.search(r"(^|\s)make test(\s|$)", s.get("run") or "") for s in job_steps):
                uploads = [s for s in job_steps if (s.get("uses") or "").startswith("actions/upload-artifact@")
                           and "screenshots" in str((s.get("with") or {}).get("path", ""))]
                runs.append((path.name, job_id, str(env.get("CI")).lower(), bool(uploads)))
    assert runs, "no workflow runs `make test` on every push and pull request"
    assert any(ci == "true" and uploads for *_, ci, uploads in runs), \
        f"`make test` must run with CI=true and upload screenshots/: {runs}"


def test_local_ci_runs_the_readme_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test\b", script, re.M), ".ci/run must call `make test`"
    assert not re.search(r"MPLBACKEND=|export\s+MPLBACKEND", script), \
        "an Agg MPLBACKEND blanks the notebook figures of the docs build: never set it"
    for path in WORKFLOWS:
        assert "MPLBACKEND" not in path.read_text(encoding="utf-8"), f"{path.name} sets MPLBACKEND"
