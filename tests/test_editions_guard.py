"""Edition look-ups go through the project's one guarded HTTP client: every
redirect hop is address-checked, links to private hosts are not recorded,
bodies are capped and proxy variables are ignored.

The "public" side is a real server on 127.0.0.2, exempted with
``allowed_networks``; 127.0.0.1 stands for the internal network the guard
must keep out of reach."""
from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from extractors.editions import find_new_editions
from extractors.errors import RegistryError
from extractors.model import Case, SourceSpec
from extractors.registry.case import load_case

PATTERN = r"Kosovo_Report_(?P<year>\d{4})\.pdf"


class Site:
    """A real HTTP server on *host* answering fixed routes; records every hit."""

    def __init__(self, host: str):
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: list[str] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self, body: bool) -> None:
                site.hits.append(self.path)
                status, headers, data = site.routes.get(self.path, (404, {}, b"missing"))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                self._answer(True)

            def do_HEAD(self):  # noqa: N802
                self._answer(False)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://{host}:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, body: str) -> str:
        self.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, body.encode())
        return self.url(path)

    def redirect(self, path: str, target: str) -> str:
        self.routes[path] = (302, {"Location": target}, b"")
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def public():
    s = Site("127.0.0.2")
    yield s
    s.close()


@pytest.fixture
def internal():
    s = Site("127.0.0.1")
    yield s
    s.close()


@pytest.fixture
def guarded(settings):
    """The guard on, with only the stand-in public host exempted."""
    return settings.with_(allow_private_addresses=False, allowed_networks="127.0.0.2/32")


def _case(tmp_path: Path, url: str, **editions) -> Case:
    spec = SourceSpec(id="ec-kosovo-report-2024", title="Kosovo 2024 Report", publisher="EC",
                      kind="report", url=url, series="ec-kosovo-report", published="2024-10-30",
                      editions=editions)
    return Case(id="t", title="t", article="a.txt", published=None, root=tmp_path, sources=(spec,))


def _links(*urls: str) -> str:
    return "<ul>" + "".join(f"<li><a href='{u}'>x</a></li>" for u in urls) + "</ul>"


def test_index_on_an_allowed_host_is_read(tmp_path, public, guarded):
    index = public.page("/reports", _links("/docs/Kosovo_Report_2025.pdf"))
    case = _case(tmp_path, public.url("/docs/Kosovo_Report_2024.pdf"), index=index, link_pattern=PATTERN)
    found, problems = find_new_editions(case, guarded)
    assert problems == []
    assert [(e.year, e.url) for e in found] == [(2025, public.url("/docs/Kosovo_Report_2025.pdf"))]


def test_index_redirecting_to_loopback_is_refused_not_recorded(tmp_path, public, internal, guarded):
    internal.page("/private/index.html", _links("/docs/Kosovo_Report_2025.pdf", "/docs/Kosovo_Report_2026.pdf"))
    index = public.redirect("/reports", internal.url("/private/index.html"))
    case = _case(tmp_path, public.url("/docs/Kosovo_Report_2024.pdf"), index=index, link_pattern=PATTERN)
    found, problems = find_new_editions(case, guarded)
    assert found == []
    assert len(problems) == 1
    assert "refused" in problems[0] and "127.0.0.1" in problems[0] and "private address" in problems[0]
    assert internal.hits == []  # the internal page was never requested


def test_index_link_to_a_private_host_is_not_recorded(tmp_path, public, internal, guarded):
    index = public.page("/reports", _links(public.url("/docs/Kosovo_Report_2025.pdf"),
                                           internal.url("/private/Kosovo_Report_2026.pdf"),
                                           "file:///etc/Kosovo_Report_2027.pdf"))
    case = _case(tmp_path, public.url("/docs/Kosovo_Report_2024.pdf"), index=index, link_pattern=PATTERN)
    found, problems = find_new_editions(case, guarded)
    assert [e.year for e in found] == [2025]
    assert any("2026" in p and "refused" in p for p in problems)
    assert any("2027" in p and "scheme" in p for p in problems)


def test_template_probe_redirecting_to_loopback_is_refused(tmp_path, public, internal, guarded):
    from datetime import datetime, timezone

    internal.page("/private/crt-2025.html", "<p>internal</p>")
    public.redirect("/crt-2025.html", internal.url("/private/crt-2025.html"))
    public.page("/crt-2026.html", "<p>2026</p>")
    case = _case(tmp_path, public.url("/crt-2024.html"), template=public.url("/crt-{year}.html"),
                 first_year=2022)
    found, problems = find_new_editions(case, guarded, now=datetime(2026, 6, 1, tzinfo=timezone.utc))
    assert [e.year for e in found] == [2026]
    assert any("2025" in p and "127.0.0.1" in p and "refused" in p for p in problems)
    assert internal.hits == []


def test_index_body_is_capped(tmp_path, public, guarded):
    filler = "<p>" + "x" * 5000 + "</p>"
    index = public.page("/reports", filler + _links("/docs/Kosovo_Report_2025.pdf"))
    case = _case(tmp_path, public.url("/docs/Kosovo_Report_2024.pdf"), index=index, link_pattern=PATTERN)
    found, problems = find_new_editions(case, guarded.with_(max_bytes=2000))
    assert found == [] and "max_bytes=2000" in problems[0]


def test_proxy_variables_are_not_honoured(tmp_path, public, internal, guarded, monkeypatch):
    index = public.page("/reports", _links("/docs/Kosovo_Report_2025.pdf"))
    monkeypatch.setenv("HTTP_PROXY", internal.base)
    monkeypatch.setenv("http_proxy", internal.base)
    monkeypatch.setenv("ALL_PROXY", internal.base)
    case = _case(tmp_path, public.url("/docs/Kosovo_Report_2024.pdf"), index=index, link_pattern=PATTERN)
    found, _ = find_new_editions(case, guarded)
    assert [e.year for e in found] == [2025]
    assert internal.hits == [] and public.hits == ["/reports"]


@pytest.mark.parametrize("field,value,expected", [
    ("index", "file:///etc/passwd", "editions.index"),
    ("template", "ftp://example.org/report-{year}.pdf", "editions.template"),
    ("template", "https://example.org/report.pdf", "{year}"),
])
def test_edition_urls_are_validated_like_source_urls(tmp_path, field, value, expected):
    (tmp_path / "article.txt").write_text("An article.\n", encoding="utf-8")
    extra = "link_pattern = 'r(?P<year>\\d{4})'\n" if field == "index" else ""
    (tmp_path / "case.toml").write_text(
        '[case]\nid = "t"\ntitle = "t"\narticle = "article.txt"\n\n'
        '[[sources]]\nid = "s"\ntitle = "S"\nkind = "report"\nurl = "https://example.org/r2024.pdf"\n'
        'series = "s"\n\n[sources.editions]\n'
        f'{field} = "{value}"\n{extra}', encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_case(tmp_path)
    assert "source 's'" in str(info.value) and expected in str(info.value)
