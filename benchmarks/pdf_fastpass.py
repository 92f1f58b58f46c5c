"""The PDF parser with and without its pdfium first pass, file by file.

    uv run python benchmarks/pdf_fastpass.py FILE.pdf [FILE.pdf ...]

For each file: whether the two routes give the same text, passage spans and
title, the seconds of each, and which pages pdfium read (``parser_detail``).
Where they differ, the first differing lines are shown.  Prints; asserts
nothing.
"""
from __future__ import annotations

import difflib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractors.parse import pdf as P  # noqa: E402


def _spans(doc) -> list[tuple]:
    return [(p.page, p.kind, p.char_start, p.char_end) for p in doc.passages]


def _parse(raw: bytes, fast: bool):
    P.FAST_PASS = fast
    t0 = time.perf_counter()
    try:
        return P.parse_pdf("s", "x", raw), time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - a failure is compared like a result
        return exc, time.perf_counter() - t0


def main(paths: list[str]) -> None:
    same_files = pages_fast = pages_all = 0
    for path in paths:
        raw = Path(path).read_bytes()
        slow, ts = _parse(raw, False)
        fast, tf = _parse(raw, True)
        name = Path(path).name[:40]
        if isinstance(slow, Exception) or isinstance(fast, Exception):
            same = str(slow) == str(fast)
            same_files += same
            print(f"{name:40s} same={same} (both raise: {str(slow)[:60]!r})")
            continue
        same = slow.text == fast.text and _spans(slow) == _spans(fast) and slow.title == fast.title
        same_files += same
        n_fast = int(fast.parser_detail.split()[1].split("/")[0]) if fast.parser_detail.startswith("pdfium") else 0
        pages_fast += n_fast
        pages_all += fast.pages or 0
        print(f"{name:40s} same={same} pdfplumber {ts:.2f}s, with pdfium first {tf:.2f}s  {fast.parser_detail[:100]}")
        if not same:
            diff = [ln for ln in difflib.unified_diff(slow.text.split("\n"), fast.text.split("\n"), lineterm="", n=0)
                    if ln[:1] in "+-" and ln[:3] not in ("+++", "---")][:4]
            for ln in diff:
                print("      ", ln[:150])
    print(f"{same_files}/{len(paths)} files identical; pdfium read {pages_fast} of {pages_all} pages")


if __name__ == "__main__":
    main(sys.argv[1:])
