"""Candidate passages (extractors.match.retrieve): BM25 with WordNet-widened
queries, and passages that state one of the claim's distinctive values.

The document is written here: a harbour report whose figures sit in a table
row worded nothing like the claim, among many passages that share the claim's
words."""
from __future__ import annotations

from extractors.match.compare import view_claim
from extractors.match.retrieve import build_index, retrieve
from extractors.model import ParsedDoc, Passage


def _doc(texts: list[str]) -> ParsedDoc:
    passages, at = [], 0
    for i, t in enumerate(texts, 1):
        passages.append(Passage(passage_id=f"p{i}", source_id="harbour", document_sha256="0" * 64, page=1 + i // 10,
                                paragraph=i, char_start=at, char_end=at + len(t), kind="body", text=t))
        at += len(t) + 2
    return ParsedDoc(source_id="harbour", sha256="0" * 64, parser="test", text="\n\n".join(texts), passages=passages,
                     title="Annual report of the Larne harbour board")


# ten passages share the claim's words, thirty speak of other things (BM25
# needs most passages off the query to rank the ten first)
FILLER = [f"Container traffic at the Larne terminal was the subject of board meeting {i}." for i in range(10)] + \
    [f"Dredging of the outer channel, item {i}, was deferred for lack of funds." for i in range(30)]
ROW = "Boxes moved across all quays ........ 48,731 (previous year 41,250)"


def test_a_passage_stating_the_claims_value_is_a_candidate_whatever_its_words(nlp):
    index = build_index(_doc(FILLER[:15] + [ROW] + FILLER[15:]))
    view = view_claim(nlp, "The Larne terminal handled 48,731 containers, the harbour board said.")
    got = [c.passage.text for c in retrieve(view, index)]
    assert ROW in got


def test_common_values_and_years_do_not_pull_passages_in(nlp):
    rows = [f"Quay {n}: 12 cranes, opened in 2019" for n in range(40)]
    index = build_index(_doc(FILLER + rows))
    view = view_claim(nlp, "Container traffic at the Larne terminal grew; 12 cranes were bought in 2019.")
    got = retrieve(view, index)
    assert len(got) <= 6


def test_a_footnote_marker_is_no_pronoun_resolution(nlp):
    view = view_claim(nlp, "The harbour board must act without delay [1], he [Tom Reilly] said.")
    assert view.resolutions == ["pronoun 'he' resolved to Tom Reilly"]
