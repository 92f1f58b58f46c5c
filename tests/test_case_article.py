"""The article field: one path or URL; a local article must exist and hold
something; validation messages keep their [case] / [[sources]] labels."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractors.errors import RegistryError
from extractors.registry.case import load_case

SOURCE = '[[sources]]\nid = "s"\ntitle = "S"\nkind = "report"\nurl = "https://example.org/s.pdf"\n'


def _case(tmp_path: Path, article: str, sources: str = SOURCE) -> Path:
    (tmp_path / "case.toml").write_text(
        f'[case]\nid = "t"\ntitle = "T"\narticle = {article}\n\n{sources}', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("article,setup,expected", [
    ('["article.txt"]', "full", "must be one path or URL as a string, not list"),
    ('"article.txt"', None, "not found next to the case file"),
    ('"article.txt"', "empty", "is empty"),
    ('"folder"', "dir", "is not a file"),
    ('"ftp://example.org/a.txt"', None, "is not an http(s) URL"),
])
def test_bad_article_fields_are_refused(tmp_path, article, setup, expected):
    if setup == "full":
        (tmp_path / "article.txt").write_text("A claim.\n", encoding="utf-8")
    elif setup == "empty":
        (tmp_path / "article.txt").write_bytes(b"")
    elif setup == "dir":
        (tmp_path / "folder").mkdir()
    with pytest.raises(RegistryError) as info:
        load_case(_case(tmp_path, article))
    assert "[case] field 'article'" in str(info.value) and expected in str(info.value)


def test_validate_prints_bracketed_labels_verbatim(tmp_path):
    case_dir = _case(tmp_path, '["a.txt", "b.txt"]', sources="")
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "validate", "--case", str(case_dir)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    err = " ".join(proc.stderr.split())  # rich wraps long lines
    assert "[case] field 'article'" in err
    assert "at least one [[sources]] entry is required" in err
    assert "Traceback" not in proc.stderr


def test_review_prints_bracketed_labels_verbatim(tmp_path):
    """`claimcheck review` reports an invalid case like `validate` does."""
    case_dir = _case(tmp_path, '["a.txt", "b.txt"]', sources="")
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "review", "--case", str(case_dir),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    err = " ".join(proc.stderr.split())
    assert "[case] field 'article'" in err and "[[sources]] entry is required" in err
    assert "Traceback" not in proc.stderr


def test_text_with_brackets_from_sources_and_the_store_is_printed_as_written(tmp_path, monkeypatch):
    """Errors, URLs and folder names come from servers and users: a
    ``[/x]`` or ``[b]`` in them is text, never markup (no crash, nothing lost)."""
    from typer.testing import CliRunner

    from extractors.export.tables import write_table
    from extractors.fetch.store import RawStore
    from extractors.model import DocumentRow
    from flows import cli
    from flows.cli import app
    from flows.cli_store import render_fetch_rows

    monkeypatch.setattr(cli.console, "width", 400)  # one table row a line

    (tmp_path / "article.txt").write_text("A claim.\n", encoding="utf-8")
    case_dir = _case(tmp_path, '"article.txt"', sources=SOURCE.replace("s.pdf", "list[b].pdf"))
    out = tmp_path / "out[x]"
    error = "HTTP 404 from https://example.org/list[b].pdf [/x]"
    write_table(out / "t", "documents", [DocumentRow(source_id="s", status="failed", error=error)])
    runner = CliRunner()
    res = runner.invoke(app, ["sources", "--case", str(case_dir), "--out", str(out)], terminal_width=400)
    assert res.exit_code == 0, res.output
    assert error[:60] in res.output and "https://example.org/list[b].pdf" in res.output

    store = RawStore(tmp_path / "store[b]")
    store.put("s", b"%PDF-1.4 x", {"url": "https://example.org/list[b].pdf", "final_url":
                                    "https://example.org/list[b].pdf", "content_type": "pdf"})
    for cmd, shown in ((["store", "list"], "store[b]"), (["store", "show", "s"], "list[b].pdf")):
        res = runner.invoke(app, [*cmd, "--store", str(tmp_path / "store[b]")], terminal_width=400)
        assert res.exit_code == 0, res.output
        assert "list[b].pdf" in res.output and shown in res.output, res.output

    import io

    from rich.console import Console

    buf = io.StringIO()
    render_fetch_rows([DocumentRow(source_id="s", status="failed", error=error)], Console(file=buf, width=400))
    assert error in buf.getvalue()


def test_run_header_shows_offline(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    (tmp_path / "article.txt").write_text("A claim.\n", encoding="utf-8")
    case_dir = _case(tmp_path, '"article.txt"')
    (tmp_path / "not-a-folder").write_text("x", encoding="utf-8")  # stops the run before any work
    res = CliRunner().invoke(app, ["run", "--offline", "--case", str(case_dir), "--out",
                                   str(tmp_path / "not-a-folder")])
    assert "claimcheck: case t (1 sources) [offline]" in res.output, res.output
