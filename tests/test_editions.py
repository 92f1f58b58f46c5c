"""Finding new editions: index page + link pattern, URL template, the ledger."""
from __future__ import annotations

from pathlib import Path

from extractors.editions import (
    edition_spec, edition_year, find_new_editions, index_links, load_ledger, record_editions,
    with_editions,
)
from extractors.model import Case, SourceSpec

PATTERN = r"Kosovo(%20|\s|_)Report(%20|\s|_)(?P<year>\d{4})\.pdf"


def _case(tmp_path: Path, **editions) -> Case:
    spec = SourceSpec(id="ec-kosovo-report-2024", title="Kosovo 2024 Report", publisher="EC",
                      kind="report", url=editions.pop("url"), series="ec-kosovo-report",
                      published="2024-10-30", cited_as=("Kosovo Report 2024",), editions=editions)
    other = SourceSpec(id="note", title="A note", publisher="x", kind="news", path="note.txt")
    return Case(id="t", title="t", article="a.txt", published=None, root=tmp_path, sources=(spec, other))


def test_index_page_links_are_found_and_only_newer_years_kept(tmp_path, serve_dir, settings):
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "index.html").write_text(
        "<html><body><ul>"
        "<li><a href='docs/Kosovo%20Report%202023.pdf'>2023</a></li>"
        "<li><a href=\"docs/Kosovo%20Report%202024.pdf\">2024</a></li>"
        "<li><a href=/docs/Kosovo_Report_2025.pdf>2025</a></li>"
        "<li><a href='docs/Serbia%20Report%202025.pdf'>Serbia</a></li>"
        "</ul></body></html>", encoding="utf-8")
    server = serve_dir(site)
    case = _case(tmp_path, url=server.url("docs/Kosovo%20Report%202024.pdf"),
                 index=server.url("index.html"), link_pattern=PATTERN)
    assert edition_year(case.sources[0]) == 2024
    found, problems = find_new_editions(case, settings)
    assert problems == []
    assert [(e.year, e.url, e.source_id, e.based_on) for e in found] == [
        (2025, server.url("docs/Kosovo_Report_2025.pdf"), "ec-kosovo-report-2025", "ec-kosovo-report-2024")]

    # recorded once, case.toml untouched; the case grows a source for the edition
    record_editions(settings, "t", found)
    record_editions(settings, "t", found)
    assert [e.year for e in load_ledger(settings, "t")] == [2025]
    grown = with_editions(case, load_ledger(settings, "t"))
    new = grown.source("ec-kosovo-report-2025")
    assert new.title == "Kosovo 2025 Report" and new.cited_as == () and new.series == "ec-kosovo-report"
    assert edition_year(new) == 2025
    # what the ledger knows counts as known: nothing newer now
    again, _ = find_new_editions(grown, settings, load_ledger(settings, "t"))
    assert again == []


def test_template_probes_years_after_the_newest_known(tmp_path, serve_dir, settings):
    site = tmp_path / "site"
    site.mkdir()
    for year in (2024, 2026):
        (site / f"crt-{year}.html").write_text(f"<p>{year}</p>", encoding="utf-8")
    server = serve_dir(site)
    case = _case(tmp_path, url=server.url("crt-2024.html"),
                 template=server.url("crt-{year}.html"), first_year=2022)
    from datetime import datetime, timezone

    found, _ = find_new_editions(case, settings, now=datetime(2026, 11, 1, tzinfo=timezone.utc))
    assert [(e.year, e.url) for e in found] == [(2026, server.url("crt-2026.html"))]


def test_unreadable_index_is_a_problem_not_a_crash(tmp_path, serve_dir, settings):
    server = serve_dir(tmp_path)
    case = _case(tmp_path, url=server.url("Kosovo%20Report%202024.pdf"),
                 index=server.url("missing.html"), link_pattern=PATTERN)
    found, problems = find_new_editions(case, settings)
    assert found == [] and len(problems) == 1 and "404" in problems[0]


def test_private_addresses_are_refused_unless_allowed(tmp_path, serve_dir, settings):
    server = serve_dir(tmp_path)
    case = _case(tmp_path, url=server.url("Kosovo%20Report%202024.pdf"),
                 index=server.url("index.html"), link_pattern=PATTERN)
    found, problems = find_new_editions(case, settings.with_(allow_private_addresses=False))
    assert found == [] and "private address" in problems[0]


def test_index_links_and_edition_spec_helpers():
    html = '<a href="a/Kosovo Report 2019.pdf">x</a><a href="b.pdf">y</a>'
    assert index_links(html, "http://h/x/", PATTERN) == {2019: "http://h/x/a/Kosovo Report 2019.pdf"}
    base = SourceSpec(id="us-crt", title="Country Reports", publisher="x", kind="report",
                      url="http://h/2023/", series="s")
    assert edition_spec(base, 2025, "http://h/2025/").id == "us-crt-2025"
