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
