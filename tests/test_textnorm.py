"""Offset-keeping normalisation and folding."""
from __future__ import annotations

import unicodedata

import pytest

from extractors.textnorm import fold, fold_str, normalise, normalise_str, span_to_original


def _check_map(src, out, index):
    assert len(out) == len(index)
    assert index == sorted(index)
    assert all(0 <= i < len(src) for i in index)


@pytest.mark.parametrize("src,expected", [
    ("Radoic\u030ci\u0107", "Radoičić"),  # decomposed -> NFC
    ("\ufb01nal o\ufb03ce", "final office"),  # ligatures
    ("recon\u00adstruction", "reconstruction"),  # soft hyphen
    ("a\u00a0b\u202fc\u2009d", "a b c d"),  # odd spaces
    ("zero\u200bwidth\ufeff", "zerowidth"),
    ("\u201cquoted\u201d and \u2018single\u2019 \u201eGerman\u201c \u00abguillemets\u00bb", '"quoted" and \'single\' "German" "guillemets"'),
    ("DARPA\u2010BAA\u201115", "DARPA-BAA-15"),
    ("Бањска Banjskë Radojičić Đorđe", "Бањска Banjskë Radojičić Đorđe"),  # kept as is
    ("\u212b", "\u00c5"),  # Angstrom sign singleton -> Å
    ("plain ascii text", "plain ascii text"),
])
def test_normalise(src, expected):
    out, index = normalise(src)
    assert out == expected
    assert normalise_str(src) == expected
    assert unicodedata.is_normalized("NFC", out)
    _check_map(src, out, index)


def test_normalise_offsets_point_back():
    src = "The \u201cBanjska\u201d attack, recon\u00adstruction of \ufb01ve houses, Radoic\u030ci\u0107."
    out, index = normalise(src)
    for word in ("Banjska", "reconstruction", "five", "Radoičić"):
        start = out.index(word)
        a, b = span_to_original(index, start, start + len(word))
        original = src[a:b]
        assert normalise_str(original) == word


def test_fold_maps_back_to_diacritics():
    text = "Milan Radoičić, Banjskë and Бањска"
    folded, index = fold(text)
    assert folded == "milan radoicic, banjske and бањска"
    start = folded.index("radoicic")
    a, b = span_to_original(index, start, start + len("radoicic"))
    assert text[a:b] == "Radoičić"
    assert fold_str("Đorđe RADOJIČIĆ") == "dorde radojicic"


def test_fold_after_normalise_composes_maps():
    raw = "\u201cRadoic\u030ci\u0107\u201d"
    norm, nmap = normalise(raw)
    folded, fmap = fold(norm)
    i = folded.index("radoicic")
    a, b = span_to_original(fmap, i, i + 8)
    ra, rb = span_to_original(nmap, a, b)
    assert raw[ra:rb] == "Radoic\u030ci\u0107"
