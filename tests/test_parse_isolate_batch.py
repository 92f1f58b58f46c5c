"""Several documents through the parse workers: a worker serves documents in
turn, and a document that crashes its worker costs only its own result."""
from __future__ import annotations

from dataclasses import replace

import pytest

from extractors.errors import ParseError
from extractors.ids import sha256_bytes
from extractors.parse import isolate, parse_document, parse_isolated
from extractors.settings import Settings
from tests import parse_pdfgen as gen

# a limit the ordinary test PDFs parse well under, and the bomb inflates past
MEMORY_MB = 400
BOMB_MB = 600


@pytest.fixture(scope="module")
def bomb():
    return gen.flate_bomb_pdf(BOMB_MB)


def _idle_pids() -> set[int]:
    return {w.proc.pid for ws in isolate._POOL.idle.values() for w in ws}


def test_a_worker_parses_documents_in_turn_and_a_crash_replaces_it(bomb):
    # limits no other test uses, so the workers seen here are this test's
    settings = Settings(parse_timeout=61.5, parse_memory_mb=MEMORY_MB)
    report, columns = gen.report_pdf(3), gen.two_column_pdf()
    isolate.shutdown()

    first = parse_isolated("a", sha256_bytes(report), report, "pdf", settings)
    pids = _idle_pids()
    assert len(pids) == 1
    second = parse_isolated("b", sha256_bytes(columns), columns, "pdf", settings)
    assert _idle_pids() == pids  # the same process, its imports already done
    assert first == parse_document("a", sha256_bytes(report), report, "pdf")
    assert second == parse_document("b", sha256_bytes(columns), columns, "pdf")

    with pytest.raises(ParseError, match=r"parser crashed: child process exited with code") as exc:
        parse_isolated("bomb", sha256_bytes(bomb), bomb, "pdf", settings)
    assert exc.value.hint
    assert not _idle_pids() & pids  # the crashed worker is gone, not back in the pool

    third = parse_isolated("c", sha256_bytes(report), report, "pdf", settings)
    assert third == parse_document("c", sha256_bytes(report), report, "pdf")
    fresh = _idle_pids()
    assert len(fresh) == 1 and not fresh & pids
    isolate.shutdown()
    assert not _idle_pids()


def test_a_crashing_document_in_the_parse_stage_fails_alone(tmp_path, settings, bomb):
    """Four fetched documents through the stage's per-document work: the
    bomb gets status ``failed`` and the crash as its error, the three others
    are parsed exactly as in this process, before and after it."""
    from extractors.fetch import RawStore, fetch_source
    from extractors.incremental import Versions
    from extractors.model import SourceSpec
    from extractors.stagework import parse_document as stage_parse

    settings = replace(settings, parse_timeout=60.0, parse_memory_mb=MEMORY_MB)
    docs = tmp_path / "docs"
    docs.mkdir()
    files = {"before": gen.report_pdf(4), "bomb": bomb, "after": gen.two_column_pdf(), "last": gen.table_pdf()}
    versions = Versions.current(settings.model, settings.gazetteer_dir)
    out = {}
    for sid, raw in files.items():
        (docs / f"{sid}.pdf").write_bytes(raw)
        spec = SourceSpec(id=sid, title=sid, publisher="p", kind="report", path=f"docs/{sid}.pdf")
        row = fetch_source(spec, tmp_path, RawStore(settings.store_dir), settings)
        assert row.status == "ok"
        out[sid] = stage_parse(row, settings, versions)

    row, parsed, reused = out["bomb"]
    assert parsed is None and reused is False
    assert row.status == "failed"
    assert row.error.startswith("parse failed: parser crashed: child process exited with code")
    for sid in ("before", "after", "last"):
        row, parsed, _ = out[sid]
        assert row.status == "ok" and row.pages == 1 + 3 * (sid == "before")
        raw = files[sid]
        assert parsed == parse_document(sid, sha256_bytes(raw), raw, "pdf")
