"""A short text inside a long one: the containment estimate, its guard
against snaps of a few words, and the one rule by which a scan, a check and
compare all find a news brief written from two sentences of a long wire
story."""

import numpy as np
import pytest

from provenance import Article, Settings, analyse, compare
from provenance.candidates.containment import (
    CONTAINMENT,
    contained_pairs,
    containment,
    containment_counts,
    distinct_shared,
    shingle_ids,
)
from provenance.candidates.search import granularity_candidates
from provenance.engine import forced
from provenance.fingerprint.hashing import fmix32_array
from provenance.fingerprint.minhash import minhash_matrix, signature, signatures
from provenance.gate.check import check_articles
from provenance.index import open_index
from provenance.index.base import CandidateIndex
from provenance.index.build import add_articles
from provenance.index.memory import MemoryIndex
from provenance.pipeline.scan import scan_articles
from tests.reference import matrices_of

# A 606-word wire story, and a 59-word brief a newspaper wrote from its first
# two sentences (reworded: no word 5-gram of the brief is in the story).
WIRE = """Harbour trust chairman jailed for fraud

By a Staff Reporter

LEEDS (Wireline) - The former chairman of a harbour restoration trust was jailed for six years on Tuesday after a jury found he had diverted almost two million pounds of lottery grants into a private property company.

Geoffrey Marlow, 61, of Ilkley, West Yorkshire, denied eleven counts of fraud during a seven-week trial at Leeds Crown Court. The jury took nine hours to convict him on all counts.

Judge Helen Ashcroft told Marlow he had betrayed volunteers who spent years raising money to repair the Victorian breakwater at Whitby. "You treated a charity as your personal bank," she said. "The people of this town trusted you, and you lied to them at every meeting."

Prosecutors said Marlow opened a second account in the trust's name in 2017 and moved grant instalments into it within days of their arrival. From there the money went to Calder Estates, a company registered to his brother-in-law, which bought three holiday cottages overlooking the harbour.

The trust's treasurer, Margaret Dunn, told the court she first grew suspicious when contractors complained that invoices for stonework had gone unpaid for months. When she asked for bank statements, Marlow produced documents that were later shown to have been forged on a home computer.

Detectives from the regional economic crime unit arrested Marlow in March 2021 at a marina in Portugal, where he kept a yacht bought for 340,000 pounds. He was extradited two months later.

In evidence, Marlow claimed the transfers were loans that he intended to repay once the cottages were sold. He told the jury that the trust's accounts had been badly kept long before he became chairman and that other trustees had approved the payments.

None of the other trustees was charged. Detective Inspector Rachel Goodwin said after the verdict that the investigation had examined more than four thousand documents and found no evidence that anyone else knew what was happening.

The breakwater project, which began in 2014, was meant to protect the old town from winter storms that have flooded the quayside three times in the past decade. Work stopped in 2020 when the money ran out, leaving a temporary barrier of concrete blocks along the harbour wall.

The National Lottery Heritage Fund said it would seek to recover the grants through the courts. A spokeswoman said the fund had tightened its checks on how large awards are paid and monitored.

Whitby's mayor, Councillor Peter Hollis, said the town felt a deep sense of anger. "Pensioners gave their savings to this cause," he said. "Children held cake sales. We hope the sentence sends a message that this kind of greed will be punished."

A confiscation hearing will be held in the autumn. The cottages have been frozen, and the Crown will ask the court to order their sale to repay the fund and the local donors.

Marlow's barrister, Simon Pryce, said his client would consider an appeal against both conviction and sentence. He told the court that Marlow had suffered a heart attack while awaiting trial and that his health had declined since.

During the trial the jury heard from a quantity surveyor who estimated that the unfinished work would now cost a further 900,000 pounds, because storm damage to the exposed foundations had worsened each year. Engineers have warned that another severe winter could undermine the lifeboat station.

Volunteers from the trust gathered on the harbour steps after the hearing. Its new chairwoman, Anne Lowther, said work on the breakwater would resume next spring with help from the county council and a new appeal for public donations.
"""

BRIEF = """Fraud trust boss jailed

A harbour charity chairman who siphoned almost two million pounds of lottery cash into a property firm run by his brother-in-law was jailed for six years yesterday. Geoffrey Marlow, 61, from Ilkley, had denied eleven fraud charges, but a jury at Leeds Crown Court convicted him on all of them after nine hours.
"""

# Other stories, so that the pair is found among unrelated articles.
OTHERS = [
    "Heavy rain flooded the valley on Tuesday and farmers counted their losses. The regional council opened "
    "two shelters for families whose homes were damaged. Forecasters expect more storms later in the week "
    "across the northern hills, and the river authority has warned residents near the old mill to move their "
    "cars to higher ground before the weekend.",
    "The city orchestra announced a new principal conductor on Friday, ending a two-year search. The Finnish "
    "musician will lead twelve concerts next season, including a cycle of Sibelius symphonies, and has "
    "promised a programme of free lunchtime recitals for schools across the region.",
    "A rare orchid flowered at the botanic garden for the first time in decades. Gardeners said the plant, "
    "collected in Borneo in 1961, had been moved to a cooler glasshouse last year after a survey of its "
    "native habitat showed it grew in mountain cloud forest rather than in the lowland swamps.",
]

WIRE_ID, BRIEF_ID = "wire/harbour-fraud", "paper/harbour-brief"
#: The rule switched off: a containment bar no estimate can pass.
WITHOUT = Settings(content_containment=1.0, containment_min_shared=1024)


def _articles():
    return ([Article(id=WIRE_ID, text=WIRE, outlet="Wireline", published="2024-03-05"),
             Article(id=BRIEF_ID, text=BRIEF, outlet="Daily Ledger", published="2024-03-06")]
            + [Article(id=f"other/{i}", text=t, published="2024-03-06") for i, t in enumerate(OTHERS)])


def test_the_brief_is_out_of_reach_of_jaccard_and_inside_the_story():
    wire, brief = (signature(analyse(a)) for a in _articles()[:2])
    settings = Settings()
    assert analyse(_articles()[0]).word_count > 590 and 40 <= analyse(_articles()[1]).word_count <= 60
    # Neither Jaccard reaches its threshold (nor the check's floors) ...
    assert wire.jaccard(brief, "words") < settings.candidates.word_lsh_threshold
    assert wire.jaccard(brief, "content") < settings.candidates.content_lsh_threshold
    # ... while most of the brief's content words are the story's, and not the reverse.
    index = MemoryIndex(settings)
    assert index.containment(brief, wire) >= 0.8
    assert index.containment(wire, brief) < 0.1


def test_the_estimate_is_the_share_of_the_smaller_set_in_the_larger():
    # 40 shingles, ``inside`` of them among 400 others, min-hashed as the
    # fingerprint stage does: unbiased, exact for a set wholly inside, and
    # closer than the Jaccard estimate scaled by the (here known) sizes.
    rng = np.random.default_rng(7)
    for inside in (10, 20, 30, 40):
        errors, scaled = [], []
        for _ in range(60):
            pool = rng.choice(2**31, size=440, replace=False).astype(np.uint32)
            small = np.concatenate([pool[:inside], pool[400 : 400 + 40 - inside]])
            values = minhash_matrix(np.concatenate([small, pool[:400]]), np.array([0, 40, 440]), 128, 1, "affine32")
            equal, small_least, large_least = containment_counts(values[0], values[1])
            assert small_least < large_least  # the smaller set holds fewer least values
            errors.append(float(containment(equal, small_least)) - inside / 40)
            jaccard = equal / 128
            scaled.append(jaccard * 440 / ((1 + jaccard) * 40) - inside / 40)
        assert abs(np.mean(errors)) < 0.04
        if inside >= 30:  # where a brief's containment lies
            assert np.sqrt(np.mean(np.square(errors))) < np.sqrt(np.mean(np.square(scaled)))
    assert max(np.abs(errors)) == 0.0


def test_a_value_names_its_shingle_in_every_permutation():
    shingles = np.array([11, 22, 33, 44, 55], dtype=np.uint32)
    values = minhash_matrix(shingles, np.array([0, 5]), 128, 1, "affine32")[0]
    ids = shingle_ids(values, Settings().fingerprint)
    mixed = fmix32_array(shingles).astype(np.uint64)
    assert set(ids.tolist()) <= set(mixed.tolist()) and len(set(ids.tolist())) > 1


def test_a_snap_of_a_few_words_is_not_contained_in_every_report_that_uses_it():
    snap = signature(analyse(Article(id="snap", text="The case was adjourned until tomorrow.")))
    report = signature(analyse(Article(id="report", text=OTHERS[0] + " The case was adjourned until tomorrow.")))
    equal, snap_least, _ = containment_counts(snap.values["content"], report.values["content"])
    assert equal >= Settings().candidates.containment_min_shared and equal == snap_least  # raw estimate 1.0
    assert distinct_shared(snap.values["content"], report.values["content"][None, :], Settings().fingerprint)[0] <= 3
    assert MemoryIndex().containment(snap, report) == 0.0


def test_both_engines_find_the_same_contained_pairs(small_corpus):
    articles, _ = small_corpus
    matrix = matrices_of(signatures([analyse(a) for a in articles + _articles()]))["content"]
    n = len(matrix)
    low, high = np.triu_indices(n, 1)
    usable = np.random.default_rng(3).random(matrix.shape) < 0.7
    for mask in (None, usable):
        compiled = contained_pairs(matrix, mask, low, high, 0.5, 32, 5, Settings().fingerprint)
        with forced("numpy"):
            plain = contained_pairs(matrix, mask, low, high, 0.5, 32, 5, Settings().fingerprint)
        assert np.array_equal(compiled, plain)
    assert compiled.any()


def test_the_scan_search_proposes_the_brief_only_by_containment():
    ids = [a.id for a in _articles()]
    matrix = matrices_of(signatures([analyse(a) for a in _articles()]))["content"]
    pair = min(ids.index(WIRE_ID), ids.index(BRIEF_ID)) * len(ids) + max(ids.index(WIRE_ID), ids.index(BRIEF_ID))
    assert pair in granularity_candidates(matrix, "content")[0]
    assert pair not in granularity_candidates(matrix, "content", WITHOUT)[0]


def _verdict_of(relations, derived):
    found = [r for r in relations if r.derived == derived]
    assert len(found) == 1
    return found[0]


def test_scan_check_and_compare_find_the_brief_and_agree_on_its_verdict(tmp_path):
    articles = _articles()
    compared = compare(articles[0], articles[1])[0]
    assert compared.verdict in ("copy", "rewrite")

    scanned = _verdict_of(scan_articles(articles, jobs=1).relations, BRIEF_ID)
    assert (scanned.source, scanned.verdict) == (WIRE_ID, compared.verdict)

    for location in ("memory://", str(tmp_path / "wire.db")):
        with open_index(location, create=True) as index:
            add_articles(index, articles[:1])
            result = check_articles(articles[1:2], index=index)
        (outcome,) = result.articles
        assert outcome.relation is not None and outcome.source.id == WIRE_ID
        assert outcome.relation.verdict == compared.verdict
        assert outcome.status == "fail"  # an uncredited rewrite of the wire

    within = check_articles(articles, within=True)
    brief = next(a for a in within.articles if a.article.id == BRIEF_ID)
    assert brief.relation is not None and brief.relation.source == WIRE_ID
    assert brief.relation.verdict == compared.verdict


def test_without_the_rule_neither_scan_nor_check_finds_it():
    articles = _articles()
    scanned = scan_articles(articles, settings=WITHOUT, jobs=1)
    assert all(r.derived != BRIEF_ID or r.verdict == "independent" for r in scanned.relations)
    index = MemoryIndex(WITHOUT)
    add_articles(index, articles[:1])
    (outcome,) = check_articles(articles[1:2], index=index, settings=WITHOUT).articles
    assert outcome.relation is None and outcome.reason == "no source found"


def test_the_index_query_keeps_the_brief_by_its_containment_floor(tmp_path):
    articles = _articles()
    settings = Settings()
    brief = signature(analyse(articles[1]))
    floors = {"words": settings.candidates.word_lsh_threshold, "content": settings.stories.story_similarity}
    with open_index(str(tmp_path / "all.db"), create=True) as sqlite:
        memory = MemoryIndex(settings)
        for index in (memory, sqlite):
            add_articles(index, [articles[0], *articles[2:]])
            assert [k for k, _ in index.best(brief, 3, floors)] == []
            found = index.best(brief, 3, {**floors, CONTAINMENT: settings.candidates.content_containment})
            assert [k for k, _ in found] == [WIRE_ID]
            # The vectorised answers are the definition's (CandidateIndex, one stored signature at a time).
            assert found == CandidateIndex.best(index, brief, 3, {**floors, CONTAINMENT: 0.5})
        assert memory.query(brief) == sqlite.query(brief) == CandidateIndex.query(memory, brief)


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_the_containment_of_a_query_is_the_same_in_every_index(tmp_path, engine):
    articles = _articles()
    query = signature(analyse(articles[1]))
    with forced(engine), open_index(str(tmp_path / f"{engine}.db"), create=True) as sqlite:
        memory = MemoryIndex()
        add_articles(memory, articles)
        add_articles(sqlite, articles)
        assert memory.query(query) == sqlite.query(query)
        inside = memory.containment(query, memory.signature_of(WIRE_ID))
        assert dict(memory.query(query))[WIRE_ID] == pytest.approx(inside / Settings().candidates.content_containment)


def test_among_near_duplicates_the_vectorised_queries_give_the_definitions_answer(tmp_path):
    # Rows already ranked above their containment and past the floors are not
    # checked for distinct shared words (no shingle sorts for each of thousands
    # of near-identical briefs): the answers are still CandidateIndex's own.
    texts = [f"Tiny article {i} about the council and its budget for the harbour." for i in range(30)]
    texts += [f"Council budget {i}: the harbour article, tiny." for i in range(5)]
    signatures_ = [signature(analyse(Article(id=f"b{i:02d}", text=t))) for i, t in enumerate(texts)]
    memory = MemoryIndex()
    memory.add_all(signatures_)
    with open_index(str(tmp_path / "briefs.db"), create=True) as sqlite:
        add_articles(sqlite, [Article(id=f"b{i:02d}", text=t) for i, t in enumerate(texts)])
        for probe in (signatures_[3], signatures_[32]):
            for floors in (None, {"words": 0.9, "content": 0.9}, {"words": 0.9, "content": 0.9, CONTAINMENT: 0.5},
                           {"words": 0.9, "content": 0.9, CONTAINMENT: 0.3}):
                for limit in (None, 2, 10):
                    expected = [(k, r) for k, r in CandidateIndex.query(memory, probe)
                                if memory.keeps(probe, memory.signature_of(k), floors)][:limit]
                    assert memory.best(probe, limit, floors) == expected
                    assert sqlite.best(probe, limit, floors) == expected
