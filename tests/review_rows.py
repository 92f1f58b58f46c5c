"""Small, realistic rows for the report, review and export tests, built from
the row dataclasses (so these tests do not wait for the other stages).

The texts are written for these tests; facts (45 defendants, September 2024,
the Special Prosecution, Radoičić) follow /work/shared/research/sources.md.
The ``hostile-blog`` source carries markup that must only ever be shown as
text: a script element, an image with an onerror handler and a javascript:
link, plus a javascript: deep link.
"""
from __future__ import annotations

from extractors.ids import stable_id
from extractors.model import Claim, DocumentRow, Mention, Passage, Relation, SourceClaim

CASE_ID = "banjska-review"
EC_SHA = "a" * 64
PSRK_SHA = "b" * 64
BLOG_SHA = "c" * 64
ARTICLE_SHA = "d" * 64

HOSTILE = ('Local bloggers wrote <script>alert("xss-script")</script> and '
           '<img src=x onerror=alert("xss-img")> then <a href="javascript:alert(\'xss-link\')">click here</a> '
           'about the 45 people charged over Banjskë.')

P1 = ("Serbia after Banjska\n\n"
      "A year after the attack on the village of Banjska, the Special Prosecution in Pristina indicted "
      "45 people in September 2024, the Commission's Kosovo Report 2024 says. ")
S2 = "Milan Radoičić was named as the leader of the armed group. "
S3 = "Belgrade has since extradited Radoičić to Kosovo."
P2 = "\n\nCommentators online called the affair a staged provocation. "
ARTICLE = P1 + S2 + S3 + P2

CASE_META = {
    "id": CASE_ID,
    "title": "Serbia after Banjska",
    "published": "2025-09-24",
    "article": "article.txt",
    "sources": [
        {"id": "ec-kosovo-report-2024", "title": "Kosovo 2024 Report", "publisher": "European Commission",
         "kind": "report", "url": "http://127.0.0.1:9/ec/kosovo-report-2024.pdf", "published": "2024-10-30"},
        {"id": "kosovo-spo-indictment-2024", "title": "Special Prosecution indicts 45 people",
         "publisher": "Special Prosecution of the Republic of Kosovo", "kind": "statement",
         "url": "http://127.0.0.1:9/psrk/indictment.html", "published": "2024-09-11"},
        {"id": "hostile-blog", "title": "A blog <b>with</b> markup", "publisher": "Unknown",
         "kind": "news", "url": "http://127.0.0.1:9/blog.html", "published": "2024-09-12"},
    ],
}


def _claim(text: str, paragraph: int, sentence: int, ctype: str, cited: list[str], check: bool = True) -> Claim:
    start = ARTICLE.index(text)
    return Claim(claim_id=stable_id("claim", CASE_ID, text), case_id=CASE_ID, paragraph=paragraph,
                 sentence=sentence, char_start=start, char_end=start + len(text), text=text,
                 claim_type=ctype, checkworthy=check, cited_source_ids=cited,
                 entities=[], numbers=[], dates=[])


def build_tables() -> dict[str, list]:
    c1 = _claim(P1.split("\n\n")[1].strip(), 1, 1, "quantity", ["ec-kosovo-report-2024"])
    c2 = _claim(S2.strip(), 1, 2, "attribution", [])
    c3 = _claim(S3, 1, 3, "event", [])
    c4 = _claim(P2.strip(), 2, 1, "assessment", [], check=False)
    ev1 = ("In September 2024 the Special Prosecution filed an indictment against 45 individuals "
           "over the armed attack in Banjska.")
    ev2 = "The prosecution named Milan Radoičić as the leader of the group behind the Banjska attack."
    documents = [
        DocumentRow(source_id="article", status="ok", sha256=ARTICLE_SHA, content_type="text"),
        DocumentRow(source_id="ec-kosovo-report-2024", url=CASE_META["sources"][0]["url"],
                    final_url=CASE_META["sources"][0]["url"], status="ok", http_status=200,
                    content_type="pdf", bytes=120_000, sha256=EC_SHA, parser="pdfplumber.v1", pages=112),
        DocumentRow(source_id="kosovo-spo-indictment-2024", url=CASE_META["sources"][1]["url"],
                    final_url=CASE_META["sources"][1]["url"], status="ok", http_status=200,
                    content_type="html", bytes=9_000, sha256=PSRK_SHA, parser="trafilatura.v1"),
        DocumentRow(source_id="hostile-blog", url=CASE_META["sources"][2]["url"], status="ok",
                    http_status=200, content_type="html", bytes=800, sha256=BLOG_SHA),
    ]
    passages = []
    pos = 0
    for n, para in enumerate(ARTICLE.split("\n\n"), start=1):
        start = ARTICLE.index(para, pos)
        passages.append(Passage(passage_id=stable_id("passage", "article", n), source_id="article",
                                document_sha256=ARTICLE_SHA, page=None, paragraph=n, char_start=start,
                                char_end=start + len(para), kind="heading" if n == 1 else "body", text=para))
        pos = start + len(para)
    source_claims = [
        SourceClaim(claim_id=c1.claim_id, source_id="ec-kosovo-report-2024", cited=True, verdict="supported",
                    score=0.91, evidence_text=ev1, evidence_page=7, evidence_paragraph=3,
                    evidence_char_start=18_220, evidence_char_end=18_220 + len(ev1),
                    evidence_url=CASE_META["sources"][0]["url"] + "#page=7",
                    reasons=["number 45 matches", "date 2024-09 matches", "actor Special Prosecution matches"],
                    document_sha256=EC_SHA),
        SourceClaim(claim_id=c1.claim_id, source_id="kosovo-spo-indictment-2024", cited=False,
                    verdict="supported", score=0.84,
                    evidence_text="The Special Prosecution indicted 45 people on 11 September 2024.",
                    evidence_page=None, evidence_paragraph=1, evidence_char_start=0, evidence_char_end=64,
                    evidence_url=CASE_META["sources"][1]["url"] + "#:~:text=indicted%2045%20people",
                    reasons=["number 45 matches", "date 2024-09 matches"], document_sha256=PSRK_SHA),
        SourceClaim(claim_id=c1.claim_id, source_id="hostile-blog", cited=False, verdict="partly_supported",
                    score=0.35, evidence_text=HOSTILE, evidence_page=None, evidence_paragraph=2,
                    evidence_char_start=10, evidence_char_end=10 + len(HOSTILE),
                    evidence_url="javascript:alert('xss-deeplink')",
                    reasons=["number 45 matches", 'actor <script>alert("xss-reason")</script> missing'],
                    document_sha256=BLOG_SHA),
        SourceClaim(claim_id=c2.claim_id, source_id="kosovo-spo-indictment-2024", cited=False,
                    verdict="supported", score=0.77, evidence_text=ev2, evidence_page=None, evidence_paragraph=2,
                    evidence_char_start=65, evidence_char_end=65 + len(ev2),
                    evidence_url=CASE_META["sources"][1]["url"] + "#:~:text=leader",
                    reasons=["actor Milan Radoičić matches"], document_sha256=PSRK_SHA),
        SourceClaim(claim_id=c3.claim_id, source_id="ec-kosovo-report-2024", cited=False, verdict="contradicted",
                    score=0.66,
                    evidence_text="Serbia has not handed over Milan Radoičić, who remains in Serbia.",
                    evidence_page=9, evidence_paragraph=1, evidence_char_start=20_010, evidence_char_end=20_075,
                    evidence_url=CASE_META["sources"][0]["url"] + "#page=9",
                    reasons=["negation: source says not handed over"], document_sha256=EC_SHA),
        SourceClaim(claim_id=c4.claim_id, source_id="hostile-blog", cited=False, verdict="not_checkable",
                    score=0.0, reasons=["opinion"], document_sha256=BLOG_SHA),
    ]
    mentions = [
        Mention(mention_id=stable_id("mention", EC_SHA, 18_300), source_id="ec-kosovo-report-2024",
                document_sha256=EC_SHA, page=7, paragraph=3, char_start=18_300, char_end=18_307,
                surface="Banjska", canonical="event:banjska-attack-2023", kind="name", sentence=ev1),
        Mention(mention_id=stable_id("mention", PSRK_SHA, 120), source_id="kosovo-spo-indictment-2024",
                document_sha256=PSRK_SHA, page=None, paragraph=2, char_start=120, char_end=134,
                surface="Milan Radoičić", canonical="person:milan-radoicic", kind="name", sentence=ev2),
        Mention(mention_id=stable_id("mention", BLOG_SHA, 5), source_id="hostile-blog", document_sha256=BLOG_SHA,
                page=None, paragraph=2, char_start=5, char_end=12, surface="Banjskë",
                canonical="place:banjska", kind="variant", sentence=HOSTILE),
    ]
    relations = [
        Relation(relation_id=stable_id("relation", PSRK_SHA, 0), source_id="kosovo-spo-indictment-2024",
                 subject="org:kosovo-special-prosecution", subject_type="org", predicate="indict",
                 object="person:milan-radoicic", object_type="person", negated=False, modality="asserted",
                 sentence=ev2, page=None, char_start=0, char_end=len(ev2)),
        Relation(relation_id=stable_id("relation", BLOG_SHA, 0), source_id="hostile-blog",
                 subject="US Treasury", subject_type="ORG", predicate="sanction",
                 object="person:milan-radoicic", object_type="person", negated=False, modality="reported",
                 sentence=HOSTILE, page=None, char_start=0, char_end=10),
    ]
    return {"documents": documents, "passages": passages, "claims": [c1, c2, c3, c4],
            "source_claims": source_claims, "mentions": mentions, "relations": relations}


def write_case(dest) -> "Path":
    """A case folder (case.toml + article.txt) matching CASE_META."""
    from pathlib import Path

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "article.txt").write_text(ARTICLE, encoding="utf-8")
    lines = ["[case]", f'id = "{CASE_ID}"', f'title = "{CASE_META["title"]}"', 'article = "article.txt"',
             f'published = "{CASE_META["published"]}"', ""]
    for s in CASE_META["sources"]:
        lines += ["[[sources]]", f'id = "{s["id"]}"', f'title = "{s["title"]}"', f'publisher = "{s["publisher"]}"',
                  f'kind = "{s["kind"]}"', f'url = "{s["url"]}"', f'published = "{s["published"]}"', ""]
    (dest / "case.toml").write_text("\n".join(lines), encoding="utf-8")
    return dest


def write_outputs(out_dir, tables=None) -> None:
    """The tables as a run writes them: out_dir/<case-id>/<table>.csv|parquet."""
    from pathlib import Path

    from extractors.export.tables import write_table

    tables = tables or build_tables()
    for name, rows in tables.items():
        write_table(Path(out_dir) / CASE_ID, name, rows)
