"""The case format: the bundled case loads; broken cases are refused before
any work starts, naming the file, the source id and the field."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractors.errors import RegistryError
from extractors.registry.case import load_case
from extractors.settings import DEFAULT_CASE

BAD = Path(__file__).parent / "fixtures" / "cases" / "bad"

# (folder, source id named in the message, field named in the message)
BAD_CASES = [
    ("unknown-field", "publised"),
    ("duplicate-id", "'id'"),
    ("no-url-or-path", "'url'"),
    ("bad-date", "'published'"),
]


def test_bundled_case_loads_with_unique_ids_and_real_urls():
    case = load_case(DEFAULT_CASE)
    assert case.id == "serbia-after-banjska"
    ids = [s.id for s in case.sources]
    assert len(ids) == len(set(ids)) >= 20
    for needed in ("ec-kosovo-report-2024", "ep-resolution-2023-10-19", "us-state-crt-2023",
                   "uk-osce-statement-2024-10", "ofac-sdn-list", "uk-sanctions-list",
                   "kosovo-spo-indictment-2024"):
        assert needed in ids
    osce = case.source("uk-osce-statement-2024-10")
    assert osce.url == ("https://www.gov.uk/government/speeches/report-of-the-acting-head-of-"
                        "the-osce-mission-in-kosovo-uk-statement-october-2024")
    assert case.source("ofac-sdn-list").kind == "sanctions-list"
    assert (case.root / case.article).read_text(encoding="utf-8").startswith("Serbia After Banjska")


@pytest.mark.parametrize("folder,field", BAD_CASES)
def test_broken_case_is_refused_naming_file_source_and_field(folder, field):
    case_dir = BAD / folder
    with pytest.raises(RegistryError) as info:
        load_case(case_dir)
    msg = str(info.value)
    assert str(case_dir / "case.toml") in msg
    assert "source '" in msg  # names the source id
    assert f"field {field}" in msg or f"field '{field}'" in msg


def test_missing_case_file_says_what_to_do(tmp_path):
    with pytest.raises(RegistryError) as info:
        load_case(tmp_path)
    assert "no case file" in str(info.value) and "--case" in str(info.value)


def test_cli_refuses_broken_case_before_any_work(tmp_path):
    out = tmp_path / "out"
    store = tmp_path / "store"
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--case", str(BAD / "duplicate-id"),
         "--out", str(out), "--store", str(store)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "duplicate source id" in proc.stderr
    assert not out.exists() and not store.exists()  # nothing was fetched or written


def test_dates_urls_and_kinds_are_checked(tmp_path):
    (tmp_path / "article.txt").write_text("A claim.\n", encoding="utf-8")
    (tmp_path / "case.toml").write_text(
        '[case]\nid = "t"\ntitle = "T"\narticle = "article.txt"\n'
        '[[sources]]\nid = "a"\ntitle = "A"\nkind = "blog"\nurl = "ftp://x/y"\npublished = "2024-02-30"\n',
        encoding="utf-8",
    )
    with pytest.raises(RegistryError) as info:
        load_case(tmp_path)
    msg = str(info.value)
    assert "field 'kind'" in msg and "field 'url'" in msg and "field 'published'" in msg
    assert "3 problems" in msg
