"""scan(): the seeds end to end, as the README's first command shows them;
parallel runs give the bytes of one process; ScanStats is filled in."""

import pytest

from provenance import Article, Settings, analyse, scan_articles
from provenance import engine as engine_module
from provenance.model import ADDED
from provenance.pipeline import ScanStats
from tests.helpers import rendered, seed_id


def relation_of(result, key):
    return result.relation(seed_id(key))


def sentence_row(result, key, fragment):
    relation = relation_of(result, key)
    document = result.document(seed_id(key))
    index = next(s.index for s in document.sentences if fragment in s.text)
    return relation.ledger.sentences[index]


def test_verdicts(seed_scan):
    assert relation_of(seed_scan, "000").verdict in ("copy", "rewrite")
    assert relation_of(seed_scan, "001").verdict == "rewrite"
    for key in ("000", "001", "003", "004"):
        assert relation_of(seed_scan, key).source == seed_id("002")


def test_paraphrase_has_at_least_80_percent_of_sentences_matched(seed_scan):
    ledger = relation_of(seed_scan, "001").ledger
    assert ledger.matched_sentences / len(ledger.sentences) >= 0.8


def test_added_material_is_found(seed_scan):
    assert sentence_row(seed_scan, "003", "briefly mentioned the territorial issue").label == ADDED
    for fragment in ("quiet diplomacy", "Institute for the Study of War", "Marco Rubio"):
        assert sentence_row(seed_scan, "004", fragment).label == ADDED


def test_peskov_quotes_are_matched_to_the_wire(seed_scan):
    wire = seed_scan.document(seed_id("002"))
    for key, fragment in (("003", "completely untrue"), ("003", "clearest example"), ("004", "vivid example")):
        row = sentence_row(seed_scan, key, fragment)
        assert row.label != ADDED
        assert any("Peskov" in wire.sentences[j].text or "“" in wire.sentences[j].text for j in row.source_indexes)


def test_credit(seed_scan):
    assert relation_of(seed_scan, "000").credited is False
    assert relation_of(seed_scan, "001").credited is False
    relation = relation_of(seed_scan, "003")
    assert relation.credited is True
    assert any(e.startswith("Source:") and "Reuters" in e for e in relation.credit_evidence)


def test_parallel_scan_is_byte_identical_to_one_process(small_corpus, monkeypatch):
    articles, truth = small_corpus
    one = scan_articles(articles, jobs=1)
    # Small work units, so chunking, batching and ordering are all exercised.
    small_units = Settings(parallel_from=10, chunk=7, pair_batch=3)
    many = scan_articles(iter(articles), settings=small_units, jobs=2)
    assert rendered(one) == rendered(many)
    derived = [t for t in truth if t.kind in ("copy", "rewrite")]
    assert derived and all(one.relation(t.article) is not None for t in derived)


@pytest.mark.parametrize("whole", [0, 1])
def test_groups_judged_in_two_rounds_give_what_whole_groups_give(small_corpus, monkeypatch, whole):
    """A group of linked pairs too large for one work unit is linked, then
    related, over every worker; the report must not show which way it went
    (0: every group that way; 1: only groups of one pair judged whole)."""
    articles, _ = small_corpus
    default = scan_articles(articles, jobs=1)
    assert any(len(s.members) > 1 for s in default.stories)  # groups of more than one pair exist
    split = Settings(whole_component=whole, pair_batch=3)
    assert rendered(scan_articles(articles, settings=split, jobs=1)) == rendered(default)
    split = Settings(whole_component=whole, pair_batch=3, parallel_from=10)
    assert rendered(scan_articles(articles, settings=split, jobs=2)) == rendered(default)


def test_repeated_ids_given_to_the_api_are_made_unique(small_corpus):
    articles, _ = small_corpus
    twice = [Article(id="x", text=articles[0].text, origin="a.txt"), Article(id="x", text=articles[1].text, origin="b.txt")]
    result = scan_articles(twice, jobs=1)
    assert [d.id for d in result.documents] == ["x", "x@b.txt"]
    assert sorted(s.source for s in result.stories) == ["x", "x@b.txt"]


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_a_lone_surrogate_given_through_the_api_is_scanned(engine, monkeypatch):
    """The readers refuse such text; the API takes it, with either engine."""
    if engine == "numpy":
        # Not PROVENANCE_ENGINE: the process chose its engine long before this test.
        monkeypatch.setattr(engine_module, "_FORCED", ["numpy"])
    else:
        pytest.importorskip("numba")
    text = "Officials said the bridge would close on Monday, caf\u00e9 owners said. \ud800 Traffic will divert."
    result = scan_articles([Article(id=f"a{i}", text=text) for i in range(3)], jobs=1)
    assert [d.text for d in result.documents] == [analyse(Article(id="a0", text=text)).text] * 3
    assert len(result.relations) == 2 and all(r.verdict == "copy" for r in result.relations)


def test_a_scan_imports_neither_datasketch_nor_scikit_learn(tmp_path, seeds_dir):
    """Each would cost every scan half a second (scipy underneath) before
    its first article; a scan needs only their permutations and stop words."""
    import subprocess
    import sys

    script = (
        "import runpy, sys\n"
        f"sys.argv = ['provenance', 'scan', {str(seeds_dir)!r}, '-o', {str(tmp_path / 'report.txt')!r}]\n"
        "try:\n    runpy.run_module('provenance', run_name='__main__')\n"
        "except SystemExit as exit:\n    code = exit.code\n"
        "print(code, sorted(m for m in ('datasketch', 'sklearn') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-1] == "[]", done.stdout + done.stderr
    assert "Reuters" in (tmp_path / "report.txt").read_text(encoding="utf-8")


PHASES = ["read_analyse_fingerprint", "candidates", "judge", "judge_large_groups"]


def test_the_stats_hold_phase_figures_and_counts(seed_articles):
    stats = ScanStats()
    result = scan_articles(seed_articles, stats=stats)
    assert list(stats.seconds) == list(stats.main_cpu_seconds) == list(stats.main_peak_rss_mb) == PHASES
    assert all(seconds >= 0 for seconds in stats.seconds.values())
    assert stats.articles == len(result.documents) == len(seed_articles)
    assert 0 < stats.aligned_pairs <= stats.candidate_pairs
    assert set(stats.candidates) == {"words", "content"}
    assert stats.pairs is None  # not asked for
    figures = stats.as_dict()
    assert figures["candidate_pairs"] == stats.candidate_pairs and figures["words"] == stats.candidates["words"]


def test_the_stats_keep_the_candidate_pairs_when_asked(seed_articles):
    stats = ScanStats(keep_pairs=True)
    result = scan_articles(seed_articles, stats=stats)
    assert len(stats.pairs) == stats.candidate_pairs
    assert stats.pairs == sorted(stats.pairs) and all(a < b for a, b in stats.pairs)
    assert {r.derived for r in result.relations} <= {x for pair in stats.pairs for x in pair}


def test_direction_settings_reach_the_scan_as_they_reach_a_pair():
    """A scan orients its pairs with the caller's DirectionSettings, as
    judge_pair does: with every clue worth nothing, the longer text is the source."""
    from provenance import Article, Settings, analyse, scan_articles
    from provenance.judge import judge_pair

    lead = ("The council approved the new budget for the city's parks on Monday night after a long debate. "
            "Members said the money would repair playgrounds and plant trees along the river.")
    short = Article(id="a", text=lead, published="2024-03-01")
    longer = Article(id="b", text=lead + " The mayor called it a fair compromise. Work starts in May.",
                     published="2024-03-02")
    for settings, source in ((Settings(), "a"),
                             (Settings(date_points=0, wire_points=0, credit_points=0, containment_points=0), "b")):
        pair = judge_pair(analyse(short, settings), analyse(longer, settings), settings)
        scanned = scan_articles([short, longer], settings=settings)
        assert pair.source == source
        assert [(r.source, r.derived) for r in scanned.relations] == [(source, "ab".replace(source, ""))]


def _briefs(count, reverse=False):
    numbers = range(count - 1, -1, -1) if reverse else range(count)
    return [Article(id=f"b{i}", text=f"Tiny article {i} about the council.") for i in numbers]


def test_near_identical_briefs_are_one_story_judged_in_pairs_linear_in_their_number():
    """A wire's hundreds of near-identical briefs: one story whose source is
    the likeliest of equals (here the lowest id), every other brief related
    to it, and the pairs judged grow with the briefs, not their square
    (500 and fewer are below the common floors; 600 are found through the
    near-duplicate bands)."""
    cap = Settings().candidates.near_duplicate_partners
    judged = {}
    for count in (150, 300, 600):
        stats = ScanStats()
        result = scan_articles(_briefs(count), jobs=1, stats=stats)
        assert [(s.source, len(s.members)) for s in result.stories] == [("b0", count - 1)]
        assert len(result.relations) == count - 1
        assert {r.source for r in result.relations} == {"b0"}
        assert {r.verdict for r in result.relations} <= {"copy", "rewrite"}
        assert stats.candidate_pairs <= cap * count
        # Every candidate pair is judged (a story link needs evidence of
        # reuse, not shared vocabulary), and they stay linear in the briefs.
        assert stats.aligned_pairs == stats.candidate_pairs
        judged[count] = stats.candidate_pairs
    assert judged[600] <= 2.1 * judged[300] <= 4.5 * judged[150]


def test_near_identical_briefs_give_the_same_answer_in_any_order_and_process_count():
    stories = []
    for reverse, jobs in ((False, 1), (True, 1), (False, 2)):
        result = scan_articles(_briefs(300, reverse), settings=Settings(parallel_from=10), jobs=jobs)
        stories.append(([(s.source, s.members) for s in result.stories],
                        sorted((r.source, r.derived, r.verdict, r.scores.matched) for r in result.relations)))
    assert stories[0] == stories[1] == stories[2]
    assert stories[0][0][0][0] == "b0"


def test_story_ids_run_without_gaps_in_report_order_related_stories_first():
    from provenance import Article, read_articles, scan_articles
    from tests.helpers import SEEDS

    alone = [Article(id="a0", text="The harbour board met on Tuesday and agreed a new ferry timetable."),
             Article(id="a1", text="Heavy snow closed three mountain passes overnight, police said."),
             Article(id="a2", text="A rare orchid flowered at the botanic garden for the first time in decades.")]
    result = scan_articles([*alone, *read_articles([SEEDS])])
    ids = [story.id for story in result.stories]
    assert ids == [f"story-{n}" for n in range(1, len(ids) + 1)]
    related = [bool(story.members) for story in result.stories]
    assert related == sorted(related, reverse=True) and related[0] and not related[-1]
