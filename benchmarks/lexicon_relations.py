"""Lexicon figures (printed, not asserted): WordNet relations on word pairs.

    uv run python benchmarks/lexicon_relations.py

Reads benchmarks/data/lexicon_pairs.tsv (pairs the project wrote; the file says
which were seen while the rules were set) and prints, per split: the share of
paraphrase pairs found related, of antonym pairs found antonyms, and of
unrelated pairs wrongly found related; then load time (parse and cache) and
queries per second.
"""
from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractors.match import lexicon  # noqa: E402

RELATED = {"same", "synonym", "derivation", "hypernym", "hyponym"}
PAIRS = Path(__file__).resolve().parent / "data" / "lexicon_pairs.tsv"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CLAIMCHECK_CACHE_DIR"] = tmp
        root = lexicon.data_dir()
        t = time.perf_counter()
        lexicon._load(root)
        parse_s = time.perf_counter() - t
        t = time.perf_counter()
        lexicon._load(root)
        cached_s = time.perf_counter() - t
        print(f"lexicon {lexicon.LEXICON_VERSION}")
        print(f"load: parse {parse_s:.2f}s, from cache {cached_s:.2f}s")

        rows = [r for r in csv.DictReader((ln for ln in PAIRS.open(encoding="utf-8") if not ln.startswith("#")),
                                          delimiter="\t")]
        t = time.perf_counter()
        got = [(r, lexicon.relation(r["a"], r["b"])) for r in rows]
        query_s = time.perf_counter() - t
        tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        misses: dict[str, list[str]] = defaultdict(list)
        for r, rel in got:
            exp = r["expect"]
            ok = (rel in RELATED) if exp == "related" else (rel == "antonym") if exp == "antonym" \
                else (rel not in RELATED)
            tally[(r["split"], exp)][0] += ok
            tally[(r["split"], exp)][1] += 1
            if not ok:
                misses[r["split"]].append(f"{r['a']}/{r['b']}={rel}")
        for split in dict.fromkeys(r["split"] for r in rows):
            rel_ok, rel_n = tally[(split, "related")]
            ant_ok, ant_n = tally[(split, "antonym")]
            none_ok, none_n = tally[(split, "none")]
            print(f"{split}: paraphrase pairs related {rel_ok}/{rel_n} = {rel_ok / max(rel_n, 1):.3f}; "
                  f"antonyms found {ant_ok}/{ant_n} = {ant_ok / max(ant_n, 1):.3f}; "
                  f"unrelated pairs wrongly related {none_n - none_ok}/{none_n} = {(none_n - none_ok) / max(none_n, 1):.3f}")
            print(f"  misses: {', '.join(misses[split]) or '-'}")
        print(f"first queries (cold caches): {len(rows) / query_s:,.0f} pairs/s")
        words = [r["a"] for r in rows] + [r["b"] for r in rows]
        t = time.perf_counter()
        n = 0
        for w in words:
            n += len(lexicon.related_lemmas(w))
        print(f"related_lemmas: {len(words) / (time.perf_counter() - t):,.0f} words/s, {n / len(words):.1f} lemmas per word")


if __name__ == "__main__":
    main()
