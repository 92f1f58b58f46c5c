"""The bundled static embedding model: loads offline, ranks paraphrases above other statements."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from extractors.match.embed import EMBEDDER_VERSION, MODEL_DIR, Embedder, EmbedderUnavailable, load_embedder, weights_digest

ROOT = Path(__file__).resolve().parent.parent

# Each tuple: a statement, a paraphrase of it, a different statement on the same topic.
TRIPLES = [
    ("The council approved the new housing plan.",
     "The new housing plan got the council's consent.",
     "The council discussed the weather forecast."),
    ("Two suspects were detained by police on Friday.",
     "Police arrested two suspects on Friday.",
     "Police cars were repainted on Friday."),
    ("The company purchased a small bakery chain.",
     "A small chain of bakeries was bought by the company.",
     "The company sells its bread in supermarkets."),
    ("Parliament condemned the attack on the embassy.",
     "Lawmakers denounced the assault on the embassy.",
     "The embassy is near the central station."),
    ("Unemployment fell to five percent in May.",
     "In May the jobless rate dropped to five percent.",
     "Five new parks opened in May."),
]


@pytest.fixture(scope="module")
def emb() -> Embedder:
    return load_embedder()


def test_model_is_small_committed_and_versioned():
    files = {p.name for p in MODEL_DIR.iterdir()}
    assert {"model.safetensors", "tokenizer.json", "config.json", "README.md"} <= files
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
    assert size < 20_000_000
    # the version names the weights, so a rebuilt model changes every cache key
    assert EMBEDDER_VERSION.endswith(weights_digest()[:12])


def test_only_the_static_kind_is_bundled():
    assert load_embedder("static") is load_embedder()
    with pytest.raises(ValueError):
        load_embedder("bert")


def test_rows_are_l2_normalised(emb):
    texts = [t for triple in TRIPLES for t in triple]
    vecs = emb.encode(texts)
    assert vecs.shape == (len(texts), emb.dim)
    assert vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert emb.encode([]).shape == (0, emb.dim)
    assert load_embedder() is emb
    # one text alone gives the row it gets in a batch
    assert np.allclose(emb.encode([texts[3]])[0], vecs[3], atol=1e-3)


@pytest.mark.parametrize("claim,paraphrase,other", TRIPLES)
def test_paraphrase_scores_above_a_different_statement(emb, claim, paraphrase, other):
    assert emb.similarity(claim, paraphrase) > emb.similarity(claim, other)


def test_similarity_is_symmetric_and_bounded(emb):
    a, b, _ = TRIPLES[0]
    s = emb.similarity(a, b)
    assert s == pytest.approx(emb.similarity(b, a), abs=1e-6)
    assert -1.0 <= s <= 1.0
    assert emb.similarity(a, a) == pytest.approx(1.0, abs=1e-5)
    sims = emb.similarities(a, [b, TRIPLES[0][2]])
    assert sims[0] == pytest.approx(s, abs=1e-5)


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedderUnavailable):
        Embedder(tmp_path)


def test_loads_with_no_network(tmp_path):
    """A fresh interpreter with the hub switched off and every proxy pointing at a closed port."""
    env = dict(os.environ)
    env.update({
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
        "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
        "NO_PROXY": "", "no_proxy": "",
    })
    code = (
        "from extractors.match.embed import load_embedder\n"
        "e = load_embedder()\n"
        "print(round(e.similarity('The firm bought a rival.', 'The company acquired a competitor.'), 3))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.strip()) > 0.5
    assert not (tmp_path / "hf").exists()
