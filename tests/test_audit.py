"""`make audit` (booktools.audit): the pages it audits, the server it runs, how it reads a report.

Lighthouse itself is not run here (it takes about a minute a page): `make audit` runs it.
"""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import pytest

from booktools import audit


@pytest.fixture
def site(tmp_path):
    for page in ["", "01-functions/", "12-why-backprop/", "cheatsheet/", "reference/nn/", "notebooks/seed/"]:
        (tmp_path / page).mkdir(parents=True, exist_ok=True)
        (tmp_path / page / "index.html").write_text(f"<html><body>{page or 'home'}</body></html>" * 50)
    (tmp_path / "404.html").write_text("<p>not here</p>")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.svg").write_text("<svg width='10' height='10'></svg>")
    return tmp_path


def test_the_audited_pages_are_home_chapters_and_cheat_sheet(site):
    assert audit.pages(site) == ["", "01-functions/", "12-why-backprop/", "cheatsheet/"]


def test_the_server_compresses_text_like_github_pages_and_serves_404_html(site):
    with audit.serve(site) as url:
        request = urllib.request.Request(url + "01-functions/", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert gzip.decompress(response.read()).startswith(b"<html><body>01-functions/")
        with urllib.request.urlopen(url + "figures/a.svg") as response:  # no Accept-Encoding: plain
            assert response.headers["Content-Type"] == "image/svg+xml" and response.read().startswith(b"<svg")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "no-such-page/")
        assert missing.value.code == 404 and b"not here" in missing.value.read()
        with pytest.raises(urllib.error.HTTPError) as outside:
            urllib.request.urlopen(url + "..%2F..%2Fetc%2Fpasswd")
        assert outside.value.code == 404


def _lhr(performance, accessibility):
    def audit_(score, title, value=None):
        return {"score": score, "title": title, **({"displayValue": value} if value else {})}
    return {
        "categories": {
            "performance": {"score": performance, "auditRefs": [
                {"id": "total-blocking-time", "weight": 30}, {"id": "dom-size", "weight": 0}]},
            "accessibility": {"score": accessibility, "auditRefs": [
                {"id": "color-contrast", "weight": 7}, {"id": "image-alt", "weight": 10}]},
            "best-practices": {"score": 1, "auditRefs": []},
            "seo": {"score": 1, "auditRefs": []},
        },
        "audits": {
            "total-blocking-time": audit_(0.2, "Total Blocking Time", "2,000 ms"),
            "dom-size": {**audit_(0, "Avoids an excessive DOM size", "15,599 elements"), "numericValue": 15599},
            "color-contrast": audit_(0, "Contrast"), "image-alt": audit_(1, "Alt text"),
            "largest-contentful-paint": audit_(0.5, "LCP", "3.1 s"),
        },
        "environment": {"benchmarkIndex": 1234.4},
    }


def test_a_report_is_read_into_scores_and_the_audits_that_cost_points():
    result = audit._summarise("05-x/", _lhr(0.891, 0.95), "r.html")
    assert result.scores == {"performance": 89, "accessibility": 95, "best-practices": 100, "seo": 100}
    assert result.misses() == ["performance", "accessibility"]
    assert result.failing["accessibility"] == ["color-contrast: Contrast"]
    assert result.failing["performance"][0] == "total-blocking-time (2,000 ms): Total Blocking Time"
    assert any(line.startswith("dom-size: 15599 elements") for line in result.failing["performance"])
    assert result.metrics["largest-contentful-paint"] == "3.1 s" and result.benchmark_index == 1234
    good = audit._summarise("", _lhr(0.9, 1), "r.html")
    assert good.misses() == [] and good.failing["performance"] == ["total-blocking-time (2,000 ms): Total Blocking Time"]


def test_a_page_under_the_target_is_measured_again_and_its_median_counts(monkeypatch, tmp_path):
    runs = iter([(0.62, []), (0.0, ["NO_FCP"]), (0.91, []), (0.95, [])])

    def fake(url, page, out):
        score, errors = next(runs)
        result = audit._summarise(page, _lhr(score, 1), "r.html")
        result.errors = errors
        return result
    monkeypatch.setattr(audit, "run_lighthouse", fake)
    result = audit.audit_page("u", "02-x/", tmp_path, reruns=2)
    assert result.runs == [62, 91]  # the run Lighthouse could not measure does not count
    assert result.scores["performance"] == 62  # the lower median
    assert audit.audit_page("u", "03-x/", tmp_path, reruns=2).runs == [95]  # on target: one run


def test_only_an_error_in_a_scored_metric_voids_a_run():
    lhr = _lhr(0.8, 1)
    lhr["audits"]["dom-size"].update(scoreDisplayMode="error", errorMessage="RootCauses failed")
    assert audit._summarise("06-x/", lhr, "r.html").errors == []  # dom-size weighs nothing
    lhr["audits"]["total-blocking-time"].update(scoreDisplayMode="error", errorMessage="NO_FCP")
    assert audit._summarise("06-x/", lhr, "r.html").errors == ["NO_FCP"]
