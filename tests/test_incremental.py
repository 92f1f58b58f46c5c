"""The input-hash manifest: keys, the atomic result cache and the ledger."""
from __future__ import annotations

import os
import pickle

from extractors.incremental import (
    Ledger, ResultCache, Versions, cached, dir_fingerprint, nlp_key, parse_key, record_fetch,
    stage_key,
)
from extractors.model import DocumentRow


def _versions(**kw) -> Versions:
    base = dict(parse="p1", nlp="n1", claims="c1", match="m1", model="m==1", gazetteer="g1")
    base.update(kw)
    return Versions(**base)


def test_stage_key_is_stable_and_sensitive():
    a = stage_key("nlp", "abc", {"x": 1, "y": [1, 2]})
    assert a == stage_key("nlp", "abc", {"y": [1, 2], "x": 1})  # dict order does not matter
    assert a != stage_key("nlp", "abd", {"x": 1, "y": [1, 2]})
    assert a != stage_key("parse", "abc", {"x": 1, "y": [1, 2]})
    assert len(a) == 64


def test_gazetteer_change_moves_nlp_but_not_parse_keys():
    v1, v2 = _versions(), _versions(gazetteer="g2")
    assert parse_key("sha", "pdf", v1) == parse_key("sha", "pdf", v2)
    assert nlp_key("sha", v1) != nlp_key("sha", v2)
    assert nlp_key("sha", v1) != nlp_key("sha", _versions(model="m==2"))
    assert parse_key("sha", "pdf", v1) != parse_key("sha", "pdf", _versions(parse="p2"))


def test_dir_fingerprint_follows_file_content(tmp_path):
    (tmp_path / "a.toml").write_text("x = 1\n")
    before = dir_fingerprint(tmp_path)
    assert before == dir_fingerprint(tmp_path)
    (tmp_path / "a.toml").write_text("x = 2\n")
    assert dir_fingerprint(tmp_path) != before


def test_cached_computes_once_then_reuses(tmp_path):
    cache = ResultCache(tmp_path)
    calls = []

    def compute():
        calls.append(1)
        return {"rows": [1, 2, 3]}

    v1, reused1 = cached(cache, "nlp", "k" * 64, compute)
    v2, reused2 = cached(cache, "nlp", "k" * 64, compute)
    assert (reused1, reused2) == (False, True)
    assert v1 == v2 and len(calls) == 1
    # a result the caller refuses to keep is computed again next time
    cached(cache, "match", "m" * 64, compute, store=lambda _v: False)
    _, reused3 = cached(cache, "match", "m" * 64, compute, store=lambda _v: False)
    assert reused3 is False and len(calls) == 3


def test_damaged_entry_is_a_miss_and_no_temp_files_remain(tmp_path):
    cache = ResultCache(tmp_path)
    cache.put("parse", "a" * 64, [1])
    path = cache.path("parse", "a" * 64)
    path.write_bytes(pickle.dumps([1])[:5])  # as if cut short (cannot happen via put)
    assert cache.get("parse", "a" * 64) == (False, None)
    value, reused = cached(cache, "parse", "a" * 64, lambda: [2])
    assert (value, reused) == ([2], False)
    assert cache.get("parse", "a" * 64) == (True, [2])
    assert not [p for p in os.listdir(path.parent) if p.endswith(".tmp")]


def test_ledger_and_fetch_record():
    ledger = Ledger()
    docs = [
        DocumentRow(source_id="a", status="ok", http_status=304, sha256="1"),
        DocumentRow(source_id="b", status="ok", http_status=200, sha256="2"),
        DocumentRow(source_id="c", status="failed", error="boom"),
    ]
    record_fetch(ledger, docs, {"a": "1", "b": "old"})
    ledger.record("nlp", "b", reused=False)
    ledger.record("nlp", "a", reused=True)
    out = ledger.to_dict()
    assert out["fetch"] == {"computed": ["b"], "reused": ["a"], "changed": ["b"], "failed": ["c"]}
    assert out["nlp"] == {"computed": ["b"], "reused": ["a"]}


def test_stage_versions_change_when_the_stage_code_changes(tmp_path, monkeypatch):
    """A cached result is never served for edited code, bumped version or not."""
    import sys

    from extractors.incremental import code_version

    pkg = tmp_path / "fakestage"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('STAGE_VERSION = "v1"\n')
    (pkg / "rules.py").write_text("RULE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    first = code_version("fakestage", "STAGE_VERSION")
    (pkg / "rules.py").write_text("RULE = 2\n")
    sys.modules.pop("fakestage", None)
    second = code_version("fakestage", "STAGE_VERSION")
    assert first.startswith("v1+") and second.startswith("v1+") and first != second


def test_stage_versions_are_read_from_source_in_many_threads_at_once(tmp_path, monkeypatch):
    """Keying caches reads version strings from the stages' source files in
    worker threads; every thread gets the same answer, and a computed value
    falls back to importing the module."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from extractors.incremental import code_version

    pkg = tmp_path / "manystage"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('STAGE_VERSION = "v7"  # the stage id\nDERIVED = "d" + STAGE_VERSION\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("manystage", None)
    with ThreadPoolExecutor(8) as pool:
        got = set(pool.map(lambda _: code_version("manystage", "STAGE_VERSION"), range(64)))
    assert len(got) == 1 and next(iter(got)).startswith("v7+")
    assert "manystage" not in sys.modules  # read without importing
    assert code_version("manystage", "DERIVED").startswith("dv7+")


def test_a_reused_parse_gives_the_same_document_row_as_the_parse(tmp_path):
    """The row a re-run builds from the stored parse columns, without loading
    the parsed document, carries the parser's warnings like the first run's."""
    from extractors.model import ParsedDoc
    from extractors.settings import Settings
    from extractors.stagework import _parse_doc_key, lookup_parse_ref, parse_ref

    settings = Settings(state_dir=tmp_path)
    v = _versions()
    doc = DocumentRow(source_id="uk", status="ok", content_type="csv", sha256="a" * 64,
                      error="warning: fetch: served as text/plain")
    parsed = ParsedDoc(source_id="uk", sha256="a" * 64, parser="uk-sanctions.v2", text="x", passages=[],
                       warnings=["list banner: Report Date: 01-Mar-2026"])
    ResultCache.for_settings(settings).put("parse", _parse_doc_key(doc, v), parsed)

    first, ref, reused = parse_ref(doc, settings, v)
    assert reused is True and "list banner: Report Date" in (first.error or "")
    again, ref2, reused2 = lookup_parse_ref(doc, settings, v)
    assert (again, ref2, reused2) == (first, ref, True)
