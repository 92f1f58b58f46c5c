"""Check-worthiness from the clause's structure, attribution that carries
over sentences, references and source lists, the cue file of the configured
gazetteer directory, and the article's own text next to the stand-alone
claim (extractors.claims).

Every sentence here is written for this file, on topics far from the bundled
article (water utilities, bakeries, aviation rules, ports, schools).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors.claims import analyse_claim, extract_claims, read_article
from extractors.claims.cues import cue_dir, load_cues
from extractors.ids import sha256_bytes
from extractors.model import Case, SourceSpec
from extractors.parse import parse_document

GAZ = Path(__file__).resolve().parents[1] / "corpus" / "gazetteer"


def reason(nlp, text, **kw):
    return analyse_claim(nlp, text, **kw)["not_checkworthy_reason"]


# ----------------------------------------------------------------- check-worthiness

CHECKABLE = [
    # reported statements, modal verbs inside them included
    "The transport ministry said the rule would require pilots to log every rest period.",
    "The administrators told creditors that the bakery chain could not pay its debts.",
    "According to the harbour master, the new crane can lift 60 tonnes.",
    "The inspectors found that the school's fire exits were blocked.",
    "The auditors said the hospital's accounts were unreliable.",
    # a measure described by what it does, a past inability
    "Under the draft, the levy would cost shipping firms 40 euros per tonne.",
    "It would also cap harbour fees at 3 percent above inflation.",
    "The bakery chain could not pay its suppliers in 2021.",
    # a speech tag after the clause
    "Bills will rise by 8 percent next year, the chief executive said, and the board agreed.",
    # plain facts
    "The city council approved a budget of 12 million euros in March 2024.",
    "In May 2023, a storm closed the port of Larne for three days.",
    "Carbon monoxide is the most common cause of fatal poisoning in homes.",
    "The shortfall came from unpaid water bills.",
    # a past tendency, or a named or determined subject, states something checkable
    "Water bills rarely rose above 40 euros a quarter in the 2010s.",
    "The harbour board rarely grants fishing permits in winter.",
    # a past tendency in the passive, or a determined subject, is checkable too
    "Pensions were often taxed twice in the 1990s.",
    "The pension fund is often audited by the state.",
    # a first-person possessive alone does not make an opinion
    "Our local council approved the harbour budget in March 2024.",
]

NOT_CHECKABLE = [
    ("Is a tax that nobody collects worth having?", "question"),
    ("Will the regulator ever enforce its own rule", "question"),
    ("In my view, the harbour authority acted far too slowly.", "first-person"),
    ("We believe the bridge over the Afon is unsafe.", "first-person"),
    ("None of these inspections tells us whether the schools are safe.", "first-person"),
    ("My guess is that the ferry line will close within a decade.", "first-person"),
    ("Our reading of the accounts is that the port overspent.", "first-person"),
    ("If you want to understand the port, look at its debts.", "imperative"),
    ("You will notice the port's debts before anything else.", "reader"),
    ("Follow the money through the port's accounts.", "imperative"),
    ("The new tariff will push bread prices higher across Wales.", "prediction"),
    ("The council should scrap the scheme.", "normative"),
    ("The ministry's response to the flooding was disappointing.", "evaluative"),
    ("The mayor's plan is a costly blunder.", "evaluative"),
    ("The coastal road is busier than it has ever been.", "comparison"),
    ("The faster the trains run, the emptier the roads.", "comparison"),
    ("That danger to the harbour is not theoretical.", "nothing specific"),
    ("Two decades on, the old certainties have faded.", "nothing specific"),
    ("Dunmore was not a failure but a warning.", "reframing"),
    ("The harbour's problem is not just money.", "reframing"),
    ("That feeds into higher European shipping costs and a more tangled market.", "nothing specific"),
    ("Ferries rarely run on time once the season ends.", "generalisation"),
    ("Regulation only works when inspectors turn up.", "generalisation"),
    ("Bakeries often close before the rents are due.", "generalisation"),
    ("Pensions and wages are usually discussed in separate debates.", "generalisation"),
]


@pytest.mark.parametrize("text", CHECKABLE)
def test_reported_and_factual_clauses_are_checkworthy(nlp, text):
    assert reason(nlp, text) is None


@pytest.mark.parametrize("text,why", NOT_CHECKABLE)
def test_opinion_questions_and_predictions_are_not(nlp, text, why):
    got = reason(nlp, text)
    assert got is not None and why in got, (text, got)


def test_a_modal_fact_is_checkable_when_the_article_reports_it(nlp):
    """The same clause is a prediction in the author's voice and a checkable
    report when the article attributes it to a source."""
    text = "The new tariff will push bread prices higher across Wales."
    assert "prediction" in reason(nlp, text)
    assert reason(nlp, text, reported=True) is None
    # the author's stance adverb keeps it a prediction unless its own sentence names the source
    hedged = "Other bakeries will almost certainly follow within a year."
    assert "prediction" in reason(nlp, hedged, reported=True)
    assert reason(nlp, hedged, reported=True, explicit=True) is None


def test_a_quote_before_its_speech_tag_is_a_report(nlp, gazetteer, tmp_path):
    text = 'Port fees\n"Fees will double for cruise ships from April 2025," the harbour director said.\n'
    case = Case(id="fees", title="Port fees", article="a.txt", published=None, root=tmp_path, sources=())
    parsed = parse_document("article", sha256_bytes(text.encode()), text.encode(), "text")
    cl = extract_claims(case, read_article(case, parsed), nlp, gazetteer)
    quote = next(c for c in cl if c.resolved_text.startswith('"Fees will double') or c.resolved_text.startswith("Fees"))
    assert quote.checkworthy


def test_cue_lists_are_general_not_the_bundled_articles_phrases():
    ck = load_cues(GAZ / "claim_cues.toml")["checkworthy"]
    assert "opinion" not in ck  # phrase list replaced by structural rules
    for phrase in ("blueprint", "generational leap", "permissive space", "sharper", "stickier"):
        assert phrase not in ck["evaluative"]


# ----------------------------------------------------------------- attribution

ARTICLE = """Water Troubles in Dunmore
The town's water utility has struggled for years, and residents have noticed.
Audit findings
The regional audit office reported in May 2024 that the utility lost 31 percent of its treated water to leaks. It also found that two of the five reservoirs had no working meters. The review would require the board to publish monthly leak figures.
Money
The utility borrowed 4 million euros from a state bank in 2022 [2]. The loan carries an interest rate of 3 percent. In my view, the board has been far too slow to act.
Repairs on the network cost the utility 2 million euros in 2023, more than it spent on new pipes.1
Residents
The utility's chief executive told the Dunmore Herald that bills would rise by 8 percent. Officials at the town hall were less forthcoming.
The review states that 40 households went without water for a week.
Dunmore's reservoirs hold about 9 million cubic metres (State Development Bank, 2022).
Pipes
The State Development Bank opened a credit line for small utilities in 2023. It would cover pipe replacement only.
Sources
[1] Regional Audit Office, "Review of the Dunmore Water Utility", May 2024.
[2] State Development Bank, "Annual lending report 2022".
"""


@pytest.fixture(scope="module")
def water(nlp, gazetteer, tmp_path_factory):
    root = tmp_path_factory.mktemp("water")
    (root / "article.txt").write_text(ARTICLE, encoding="utf-8")
    case = Case(id="dunmore-water", title="Water Troubles in Dunmore", article="article.txt", published="2024-06-01",
                root=root, sources=(
                    SourceSpec(id="audit-review-2024", title="Review of the Dunmore Water Utility",
                               publisher="Regional Audit Office", kind="report", published="2024-05-20"),
                    SourceSpec(id="bank-lending-2022", title="Annual lending report 2022",
                               publisher="State Development Bank", kind="report", published="2022-12-31"),
                    SourceSpec(id="herald-bills-2024", title="Water bills to rise, utility chief says",
                               publisher="Dunmore Herald", kind="news", published="2024-04-02"),
                ))
    raw = ARTICLE.encode()
    parsed = parse_document("article", sha256_bytes(raw), raw, "text")
    claims = extract_claims(case, read_article(case, parsed), nlp, gazetteer)
    return parsed, claims


def find(claims, start):
    hits = [c for c in claims if c.resolved_text.startswith(start)]
    assert len(hits) == 1, (start, [c.resolved_text for c in claims])
    return hits[0]


def test_speaker_names_the_source_and_the_paragraph_carries_it(water):
    _, cl = water
    assert find(cl, "The regional audit office reported").cited_source_ids == ["audit-review-2024"]
    carried = find(cl, "It also found that two of the five reservoirs")
    assert carried.cited_source_ids == ["audit-review-2024"] and carried.checkworthy
    # a modal inside a carried report stays checkable
    review = find(cl, "The review would require the board")
    assert review.cited_source_ids == ["audit-review-2024"] and review.checkworthy


def test_numbered_reference_points_into_the_source_list(water):
    _, cl = water
    assert find(cl, "The utility borrowed 4 million euros").cited_source_ids == ["bank-lending-2022"]
    assert find(cl, "The loan carries an interest rate").cited_source_ids == ["bank-lending-2022"]
    opinion = find(cl, "In my view, the board")
    assert not opinion.checkworthy


def test_footnote_marker_points_into_a_numbered_source_list(water):
    _, cl = water
    repairs = find(cl, "Repairs on the network cost the utility")
    assert repairs.cited_source_ids == ["audit-review-2024"]
    assert not repairs.text.endswith("1")  # the marker is not part of the claim


def test_outlet_spoken_to_and_a_generic_document_speaker(water):
    _, cl = water
    told = find(cl, "The utility's chief executive told the Dunmore Herald")
    assert told.cited_source_ids == ["herald-bills-2024"] and told.checkworthy
    # "the review" is the one source whose title has that word
    assert find(cl, "The review states that 40 households").cited_source_ids == ["audit-review-2024"]


def test_author_year_citation_names_the_source(water):
    _, cl = water
    assert find(cl, "Dunmore's reservoirs hold about 9 million").cited_source_ids == ["bank-lending-2022"]


def test_a_publisher_as_subject_names_the_source(water):
    _, cl = water
    opened = find(cl, "The State Development Bank opened a credit line")
    assert opened.cited_source_ids == ["bank-lending-2022"]
    cover = find(cl, "It would cover pipe replacement only")
    assert cover.cited_source_ids == ["bank-lending-2022"] and cover.checkworthy


def test_claim_text_is_the_articles_own_text(water):
    parsed, cl = water
    for c in cl:
        assert c.text == parsed.text[c.char_start:c.char_end]
    it = find(cl, "It also found")
    assert it.resolved_text == it.text  # no person to resolve, no prefix


# ----------------------------------------------------------------- cue file location

def test_cue_file_comes_from_the_configured_gazetteer_dir(nlp, tmp_path, monkeypatch):
    text = "The quay at Larne is sturdy."
    custom = tmp_path / "gaz"
    shutil.copytree(GAZ, custom)
    cues = (custom / "claim_cues.toml").read_text(encoding="utf-8")
    (custom / "claim_cues.toml").write_text(cues.replace('evaluative = [', 'evaluative = ["sturdy", ', 1),
                                            encoding="utf-8")
    assert reason(nlp, text) is None  # bundled lists: a checkable description
    with cue_dir(custom):
        assert "evaluative" in reason(nlp, text)
    monkeypatch.setenv("CLAIMCHECK_GAZETTEER_DIR", str(custom))
    assert "evaluative" in reason(nlp, text)
    monkeypatch.delenv("CLAIMCHECK_GAZETTEER_DIR")
    assert reason(nlp, text) is None


def test_extract_claims_reads_cues_from_the_gazetteers_directory(nlp, tmp_path):
    from extractors.registry.gazetteer import load_gazetteer

    custom = tmp_path / "gaz"
    shutil.copytree(GAZ, custom)
    cues = (custom / "claim_cues.toml").read_text(encoding="utf-8")
    (custom / "claim_cues.toml").write_text(cues.replace('evaluative = [', 'evaluative = ["sturdy", ', 1),
                                            encoding="utf-8")
    text = "Harbour works\nThe new quay at Larne is sturdy.\n"
    root = tmp_path / "case"
    root.mkdir()
    case = Case(id="quay", title="Harbour works", article="a.txt", published=None, root=root, sources=())
    parsed = parse_document("article", sha256_bytes(text.encode()), text.encode(), "text")
    default = extract_claims(case, read_article(case, parsed), nlp, load_gazetteer(GAZ))
    mine = extract_claims(case, read_article(case, parsed), nlp, load_gazetteer(custom))
    assert [c.checkworthy for c in default] == [True]
    assert [c.checkworthy for c in mine] == [False]


# ----------------------------------------------------------------- tables

def test_resolved_text_is_a_column_of_every_claims_table(tmp_path):
    import duckdb

    from extractors.export.tables import columns, load_duckdb, read_table, write_table
    from extractors.model import Claim

    assert columns("claims")[-1] == "resolved_text"
    c = Claim("clm-1", "case-x", 2, 1, 10, 38, "The board dismissed him.", "event", True,
              resolved_text="The board dismissed him [Rhys Owen].")
    out = tmp_path / "out"
    out.mkdir()
    write_table(out, "claims", [c])
    assert "resolved_text" in (out / "claims.csv").read_text(encoding="utf-8").splitlines()[0]
    assert read_table(out, "claims")[0]["resolved_text"] == "The board dismissed him [Rhys Owen]."
    # a database written before the column existed gets it added
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE claims (claim_id VARCHAR, case_id VARCHAR, text VARCHAR)")
    con.execute("INSERT INTO claims VALUES ('clm-0', 'older-case', 'An old claim.')")
    con.close()
    load_duckdb(db, "case-x", out, tables=["claims"])
    con = duckdb.connect(str(db))
    rows = con.execute("SELECT claim_id, resolved_text FROM claims ORDER BY claim_id").fetchall()
    con.close()
    assert rows == [("clm-0", None), ("clm-1", "The board dismissed him [Rhys Owen].")]


LEDGER = SourceSpec(id="ledger-refunds-2024", title="Ferry refunds ordered", publisher="Larne Ledger",
                    kind="news", published="2024-05-03", cited_as=("[Ledger]",))


def ferry_claims(nlp, gazetteer, tmp_path, text, *extra_sources):
    """Claims of an article on the Larne ferries that cites the Ledger (and *extra_sources*)."""
    (tmp_path / "article.txt").write_text(text, encoding="utf-8")
    case = Case(id="larne-ferries", title="Ferries on the Larne route", article="article.txt", published="2024-06-01",
                root=tmp_path, sources=(LEDGER, *extra_sources))
    raw = text.encode()
    return extract_claims(case, read_article(case, parse_document("article", sha256_bytes(raw), raw, "text")), nlp, gazetteer)


def test_a_bracketed_label_closing_the_first_sentence_carries_through_its_paragraph(nlp, gazetteer, tmp_path):
    """The sentence splitter cuts "[Ledger]." off the sentence it closes;
    it still names that sentence's source, and the paragraph carries it."""
    text = ("Ferries on the Larne route\n\n"
            "A county judge ruled that the ferry operator must refund cancelled crossings [Ledger]. "
            "The operator had cancelled 40 crossings in March. "
            "Its chief executive resigned in April.\n\n"
            "Sources\n[Ledger] \"Ferry refunds ordered\", Larne Ledger, 3 May 2024.\n")
    claims = ferry_claims(nlp, gazetteer, tmp_path, text,
                          SourceSpec(id="board-minutes-2024", title="Minutes of the harbour board",
                                     publisher="Larne Harbour Board", kind="report", published="2024-04-30"))
    assert find(claims, "A county judge ruled").cited_source_ids == ["ledger-refunds-2024"]
    assert find(claims, "The operator had cancelled 40 crossings").cited_source_ids == ["ledger-refunds-2024"]
    assert find(claims, "Its chief executive resigned").cited_source_ids == ["ledger-refunds-2024"]


def test_a_generalisation_stays_the_authors_in_a_paragraph_that_carries_a_source(nlp):
    text = "Regulation only works when inspectors turn up."
    assert "generalisation" in reason(nlp, text, reported=True)
    # its own sentence naming a source makes it the source's statement
    assert reason(nlp, text, reported=True, explicit=True) is None


def test_after_the_authors_own_question_the_paragraph_is_the_authors_voice(nlp, gazetteer, tmp_path):
    """A section that carries one source ends with the author's question and
    answer: the answer is neither attributed nor check-worthy, while a fact
    of the same paragraph that names a date stays check-worthy."""
    text = ("Ferries on the Larne route\n\n"
            "Refunds\n\n"
            "A county judge ruled that the ferry operator must refund cancelled crossings [Ledger]. "
            "The operator had cancelled 40 crossings in March.\n\n"
            "The harbour board met twice in the spring.\n\n"
            "Who speaks for the passengers, then? Regulators deserved more patience than they got. "
            "The next winter will bring the same cancellations back. "
            "The route reopened on 2 June 2024.\n\n"
            "Sources\n[Ledger] \"Ferry refunds ordered\", Larne Ledger, 3 May 2024.\n")
    claims = ferry_claims(nlp, gazetteer, tmp_path, text)
    # the paragraph without a question still inherits the section's source
    assert find(claims, "The harbour board met twice").cited_source_ids == ["ledger-refunds-2024"]
    for start in ("Regulators deserved more patience", "The next winter will bring"):
        c = find(claims, start)
        assert c.cited_source_ids == [], start
        assert not c.checkworthy, start
    dated = find(claims, "The route reopened on 2 June 2024")
    assert dated.checkworthy and dated.cited_source_ids == []


def test_an_answer_to_the_authors_question_is_checkable_when_it_names_something(nlp):
    text = "Regulators deserved more patience than they got."
    assert "answer to their own question" in reason(nlp, text, answers_question=True)
    assert reason(nlp, "The Larne Ledger reported that regulators lost patience.", answers_question=True) is None
    assert reason(nlp, "Fares rose by 12 percent in 2023.", answers_question=True) is None


@pytest.mark.parametrize("text", [
    "A regional airline, a bakery chain and a small Welsh port each learned where the law draws its line.",
    "Three small harbours show how fragile coastal trade can be.",
    "Councils ruled by emergency order, and schools closed their gates.",
])
def test_indefinite_subjects_that_name_no_one_are_not_checkworthy(nlp, text):
    assert "indefinite subject" in reason(nlp, text)


@pytest.mark.parametrize("text", [
    "A regional airline cancelled 40 flights in March.",
    "A ferry operator in Larne refunded every cancelled crossing.",
    "Councils in Gwynedd closed the coastal road.",
    "A bakery chain owned by Greggs closed its Cardiff shop.",
    "Welsh authorities issued warnings for the coast.",
    "Two Irish trawlers were detained at the harbour.",
])
def test_indefinite_subjects_with_a_name_place_or_measure_are_checkworthy(nlp, text):
    assert reason(nlp, text) is None
    # reported by a source, a vague subject is the source's statement
    assert reason(nlp, "Three small harbours show how fragile coastal trade can be.", reported=True) is None


@pytest.mark.parametrize("text", [
    "The port is not shrinking; it is moving inland.",
    "The council isn't cutting costs, it's shifting them.",
])
def test_a_negated_progressive_taken_back_by_an_affirmed_one_is_reframing(nlp, text):
    assert "reframing" in reason(nlp, text)


def test_two_progressives_with_a_measure_or_without_a_denial_are_checkable(nlp):
    assert reason(nlp, "The port is not shrinking; it is moving 40 berths inland.") is None
    assert reason(nlp, "The council is cutting costs and it is selling the depot.") is None


def test_a_reading_list_item_naming_its_source_carries_it_to_its_paragraph(nlp, gazetteer, tmp_path):
    """A link roundup: each numbered item opens with the piece's title, its
    outlet and its address, then a paragraph that names no source."""
    board = SourceSpec(id="board-minutes-2024", title="Minutes of the harbour board", publisher="Larne Harbour Board",
                       kind="report", published="2024-04-30",
                       cited_as=("Harbour board approves new ferry timetable", "Larne Harbour Board",
                                 "https://larneharbour.example/minutes/2024-04-30"))
    text = ("This week in Larne\n\n"
            "Two links worth reading this week.\n\n"
            "1. Harbour board approves new ferry timetable (Larne Harbour Board, https://larneharbour.example/minutes/2024-04-30)\n\n"
            "The board cut the winter crossings from six a day to four. Its chair resigned a week later.\n\n"
            "2. Ferry refunds ordered (Larne Ledger) [Ledger]\n\n"
            "A county judge ruled that the operator must refund cancelled crossings.\n")
    claims = ferry_claims(nlp, gazetteer, tmp_path, text, board)
    assert find(claims, "The board cut the winter crossings").cited_source_ids == ["board-minutes-2024"]
    assert find(claims, "Its chair resigned").cited_source_ids == ["board-minutes-2024"]
