"""check(): incoming articles against an index of sources (and each other),
under a policy and an allow list."""

from __future__ import annotations

import dataclasses

import pytest

from provenance import Article, read_articles
from provenance.errors import ConfigError, NoArticlesError, UnreadableInputsError
from provenance.gate.check import check, check_articles
from provenance.gate.policy import Policy, parse_allow
from provenance.gate.result import ALLOWED, FAIL, FROM_INDEX, FROM_INPUT, PASS
from provenance.index import open_index
from provenance.index.build import add_articles
from tests.helpers import SEEDS, seed_id, synthetic_article


def _others(*prefixes: str) -> list:
    return [next(SEEDS.glob(f"{p}_*.txt")) for p in prefixes]


def _by_prefix(result) -> dict:
    return {outcome.document.id[:3]: outcome for outcome in result.articles}


def test_the_seed_rewrites_of_the_wire_fail_and_the_credited_one_passes(wire_index):
    result = check(_others("000", "001", "003", "004"), index=str(wire_index))
    outcomes = _by_prefix(result)
    assert result.failed
    assert (outcomes["000"].status, outcomes["000"].relation.verdict, outcomes["000"].relation.credited) == (FAIL, "copy", False)
    assert (outcomes["001"].status, outcomes["001"].relation.verdict, outcomes["001"].relation.credited) == (FAIL, "rewrite", False)
    assert outcomes["003"].status == PASS and outcomes["003"].relation.credited
    assert "Reuters" in " ".join(outcomes["003"].relation.credit_evidence)
    assert outcomes["004"].status == PASS  # partial reuse is not in the default policy
    for outcome in result.articles:
        assert outcome.source.id == seed_id("002") and outcome.source_found_in == FROM_INDEX
    assert outcomes["000"].reason.startswith(f"copy of {seed_id('002')} (Reuters, 2024-11-11)")
    assert result.index.articles == 1 and result.index.backend == "sqlite"


def test_reasons_give_the_scans_copied_figure_and_say_plainly_whether_it_is_credited(wire_index):
    outcomes = _by_prefix(check(_others("000", "001", "003", "004"), index=str(wire_index)))
    source = f"{seed_id('002')} (Reuters, 2024-11-11)"
    assert outcomes["000"].reason == (
        f"copy of {source}: 85% copied word for word, 82% of its words from the source, 6 shared quotations; "
        "not credited")
    # The figure is the scan's "copied" (passages of 3+ words), not the share
    # of words in copied runs of any length (38% for this rewrite).
    scores = outcomes["001"].relation.scores
    assert (round(scores.run_coverage_3, 2), round(scores.copied_words, 2)) == (0.30, 0.38)
    assert outcomes["001"].reason.startswith(f"rewrite of {source}: 30% copied word for word, 90% of its words")
    assert outcomes["001"].reason.endswith("; not credited")
    # 003 credits Reuters in its Source: line; the line is the evidence.
    assert "; credited: Source: vnexpress.net" in outcomes["003"].reason
    assert "not credited" not in outcomes["003"].reason
    assert outcomes["004"].reason.endswith("; not credited; not a violation under --fail-on copy,rewrite,uncredited")


def test_a_credited_copy_passes_on_its_credit_alone(wire_index):
    result = check(_others("003"), index=str(wire_index), policy=Policy(fail_on=("partial", "uncredited")))
    outcome = result.articles[0]
    assert outcome.status == PASS and outcome.reason.startswith(f"partial reuse of {seed_id('002')}")
    assert outcome.reason.endswith("(Huyen Le – According to TASS , AFP , Reuters )")
    assert "--fail-on" not in outcome.reason  # the credit is why it passes


def test_the_partial_and_credited_seeds_alone_pass(wire_index):
    result = check(_others("003", "004"), index=str(wire_index))
    assert not result.failed and [o.status for o in result.articles] == [PASS, PASS]


def test_within_finds_the_source_among_the_inputs():
    result = check([SEEDS], within=True)
    outcomes = _by_prefix(result)
    assert outcomes["000"].status == FAIL and outcomes["000"].source_found_in == FROM_INPUT
    assert outcomes["000"].source.id == seed_id("002")
    assert outcomes["002"].status == PASS and outcomes["002"].relation is None


def test_within_names_the_source_the_scan_names():
    # 003 (undated, crediting Reuters) shares more words with 004 than with
    # the wire, and both relations are partial reuse: the wire is the source
    # a scan names, by the same order of an article's sources.
    from provenance import scan

    scanned = {r.derived: r.source for r in scan([SEEDS]).relations}
    outcomes = _by_prefix(check([SEEDS], within=True))
    assert outcomes["003"].source.id == seed_id("002")
    for prefix, outcome in outcomes.items():
        if outcome.relation is not None and outcome.relation.verdict != "independent":
            assert outcome.source.id == scanned[outcome.document.id], prefix


def test_an_article_already_in_the_index_is_not_its_own_source(wire_index):
    result = check(_others("002"), index=str(wire_index))
    assert result.articles[0].status == PASS and result.articles[0].reason == "no source found"


def test_the_same_id_with_other_text_is_still_matched(wire_index):
    copy = read_articles(_others("000"))[0]
    renamed = dataclasses.replace(copy, id=seed_id("002"))
    with open_index(str(wire_index)) as index:
        result = check_articles([renamed], index=index)
    outcome = result.articles[0]
    assert outcome.status == FAIL and outcome.relation.source == f"{seed_id('002')} (index)"


def test_licensed_syndication_is_allowed_not_failed(wire_index):
    copy = read_articles(_others("000"))[0]
    syndicated = dataclasses.replace(copy, outlet="Daily Ledger")
    policy = Policy(allow=parse_allow("Daily Ledger -> Reuters"))
    with open_index(str(wire_index)) as index:
        result = check_articles([syndicated, read_articles(_others("001"))[0]], index=index, policy=policy)
    first, second = result.articles
    assert first.status == ALLOWED and first.allowed_by.outlet == "Daily Ledger"
    assert "licensed: 'Daily Ledger -> Reuters' (<allow>:1)" in first.reason
    assert second.status == FAIL  # no outlet: the rule does not apply


def test_unreadable_inputs_are_fatal_and_all_reported(tmp_path, wire_index):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00binary")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café ".encode() + "caf\xe9".encode("latin-1"))  # UTF-8, then a stray Latin-1 byte
    with pytest.raises(UnreadableInputsError) as caught:
        check([binary, latin, *_others("000")], index=str(wire_index))
    assert [p.origin for p in caught.value.problems] == [str(binary), str(latin)]
    with pytest.raises(UnreadableInputsError, match="binary file"):
        check([binary], index=str(wire_index))
    with pytest.raises(UnreadableInputsError, match="no such file or folder"):
        check([tmp_path / "missing.txt"], index=str(wire_index))
    with pytest.raises(NoArticlesError):
        check([], index=str(wire_index))


def test_nothing_to_check_against_is_a_configuration_error():
    with pytest.raises(ConfigError, match="nothing to check against"):
        check_articles(read_articles(_others("000")))


def test_synthetic_feed_fails_exactly_the_uncredited_copies_and_rewrites(tmp_path, synthetic_news):
    wires, feed = synthetic_news
    with open_index(str(tmp_path / "wires.db"), create=True) as index:
        add_articles(index, [synthetic_article(w) for w in wires])
        result = check_articles([synthetic_article(a) for a in feed.articles], index=index)
    truth = {t.article: t for t in feed.truth}
    expected = {t.article for t in feed.truth if t.kind in ("copy", "rewrite") and not t.credited}
    assert expected  # the feed plants some
    assert {o.document.id for o in result.articles if o.failed} == expected
    for outcome in result.articles:
        if truth[outcome.document.id].source is not None:
            assert outcome.source.id == truth[outcome.document.id].source
        else:
            assert outcome.status == PASS
        if outcome.relation is None or not outcome.relation.reuses_text:
            assert "credited" not in outcome.reason  # credit is told only where there is reuse
        else:
            assert ("; not credited" in outcome.reason) == (not outcome.relation.credited)
            assert ("; credited" in outcome.reason) == outcome.relation.credited


def test_max_candidates_must_be_positive():
    with pytest.raises(ConfigError):
        check_articles([Article(id="a", text="Some text here.")], within=True, max_candidates=0)


def test_index_and_within_together_pick_the_strongest_source(wire_index):
    # 002 is both indexed and an input: its copy 000 is judged against the
    # indexed 002 and against the input 002, and the index is preferred on a tie.
    result = check([SEEDS], index=str(wire_index), within=True)
    outcomes = _by_prefix(result)
    assert outcomes["000"].status == FAIL and outcomes["000"].source.id == seed_id("002")
    assert outcomes["000"].source_found_in == FROM_INDEX
    assert {c.found_in for c in outcomes["000"].candidates} == {FROM_INDEX, FROM_INPUT}
    assert outcomes["002"].status == PASS  # not its own source, and the source of the others
    assert result.within and result.index.articles == 1


def test_an_update_by_the_same_outlet_never_fails():
    wire = read_articles(_others("002"))[0]
    first = dataclasses.replace(wire, id="take-1", outlet="Reuters", published="2024-11-11")
    later = dataclasses.replace(wire, id="take-2", outlet="Reuters", published="2024-11-12",
                                text=wire.text + "\n\nThe Kremlin gave no further details on Tuesday.")
    # Every copy fails, credited or not, except the outlet's own.
    every = Policy(fail_on=("copy", "rewrite", "partial"))
    result = check_articles([first, later], within=True, policy=every)
    outcome = {o.document.id: o for o in result.articles}["take-2"]
    assert outcome.status == PASS and outcome.relation.update and outcome.relation.verdict == "copy"
    assert "an update by the same outlet" in outcome.reason
    # The same text from another outlet fails.
    paper = dataclasses.replace(later, id="paper", outlet="Daily Ledger")
    failed = {o.document.id: o for o in check_articles([first, paper], within=True, policy=every).articles}["paper"]
    assert failed.status == FAIL and not failed.relation.update


def test_an_uncredited_copy_is_not_hidden_behind_a_partial_reuse_of_the_wire():
    wire_text = read_articles(_others("002"))[0].text
    sentences = [s for s in wire_text.split("\n") if len(s.split()) > 12]
    wire = Article(id="wire", text=wire_text, outlet="Reuters", published="2024-11-11")
    own = ("The city council met late into the night to debate the harbour budget. "
           "Residents queued for hours to speak about the new sea wall and the ferry timetable. "
           "The mayor promised a decision on the ferry before the summer holidays begin. "
           "Shop owners on the quay said the works had already cost them a season of trade.")
    paper = Article(id="paper", text=" ".join(sentences[:2]) + "\n\n" + own, outlet="Daily Ledger",
                    published="2024-11-12")
    copy = Article(id="copy", text=paper.text + "\n\nThe council meets again on Friday.", outlet="Evening Post",
                   published="2024-11-13")
    outcome = {o.document.id: o for o in check_articles([wire, paper, copy], within=True).articles}["copy"]
    assert outcome.relation.verdict == "copy" and outcome.source.id == "paper" and outcome.status == FAIL
