"""The feed benchmark (benchmarks/feed.py): its figures on known answers,
and a whole run on a tiny METER-shaped tree written here.

Every text below is made up for these tests; no corpus text is used. One
test runs the real courts domain when ``../shared/datasets/meter`` is present.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from benchmarks import feed
from benchmarks.feed import Call, Gold
from benchmarks.meter_corpus import load_corpus
from tests.helpers import SHARED

RULE = "  " + "-" * 72
FERRY = [
    "The captain of a passenger ferry was fined 12,000 pounds today for sailing out of Dover harbour with a broken "
    "radar set.",
    "Martin Keele, 51, admitted breaching maritime safety rules at Canterbury Crown Court after an inspection found "
    "the fault.",
    "The court heard that Keele had ignored two warnings from his own crew about the radar before the crossing to "
    "Calais.",
    "Judge Helen Marsh told him that hundreds of passengers had been put at needless risk on a foggy winter morning.",
    "The ferry company has since replaced the equipment and sacked the chief engineer responsible for maintenance.",
    "Keele, who has been a master mariner for twenty years, said he deeply regretted the decision to sail.",
]
ORCHARD = [
    "A fruit farmer who sprayed a banned pesticide on his apple orchard was ordered to pay 8,000 pounds by "
    "magistrates in Maidstone today.",
    "Environment officers found traces of the chemical in a stream that runs past the farm near the village of "
    "Boughton.",
    "Peter Vane, 63, told the court he had bought the drums at an auction and did not know the product had been "
    "withdrawn.",
    "Fish in the stream died over a stretch of almost two miles, the prosecution said.",
    "The magistrates said the farmer should have checked the label before using the spray on his trees.",
]
FERRY_NEXT_DAY = [
    "The ferry company fined over a captain's decision to sail with a broken radar today announced a review of its "
    "safety checks.",
    "A spokesman said every vessel in the fleet would be inspected by engineers before the end of the month.",
    "Martin Keele, who was fined 12,000 pounds yesterday at Canterbury Crown Court, has resigned from the company.",
    "The union representing ferry crews welcomed the review and called for independent inspectors at every port.",
]
INDEPENDENT = ("Passengers who crossed the Channel on that foggy morning told of their alarm when they learned the "
               "ship had sailed half blind. One retired teacher said the crew had seemed nervous throughout the "
               "voyage. Harbour officials declined to comment on the inspection regime. A local councillor called "
               "for a public inquiry into the safety of cross-Channel services.")


def wire_file(lines: list[str], *, headline: str, time: str, day: str, catch: str) -> bytes:
    """A PA file as the corpus lays it out: ruled header, timestamp line,
    paragraphs opened by 0x19 and closed by '<', a sign-off."""
    header = f"          {time} {day.replace('.', '/')}: Page 1 (HHH) COURTS {catch}"
    body = [f"\x19{line}<" for line in lines]
    return "\n".join([RULE, "", RULE, header, RULE, f"{headline}<", "\x19By Jo Example, PA News<", *body,
                      "\x19end<"]).encode("latin-1")


def yesterday(lines: list[str]) -> str:
    return " ".join(lines).replace("today", "yesterday")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A METER-shaped tree, domain 'tiny': the ferry story on two days and
    an orchard story, five labelled newspaper articles."""
    root = tmp_path_factory.mktemp("meter")
    pa, news = root / "PA" / "rawtexts" / "tiny", root / "newspapers" / "rawtexts" / "tiny"
    files = {
        pa / "01.03.00" / "ferry" / "ferry1.txt": wire_file(FERRY, headline="FERRY CAPTAIN FINED", time="10:15",
                                                            day="01.03.00", catch="Ferry"),
        pa / "01.03.00" / "orchard" / "orchard1.txt": wire_file(ORCHARD, headline="FARMER FINED", time="09:40",
                                                                day="01.03.00", catch="Orchard"),
        pa / "02.03.00" / "ferry" / "ferry1.txt": wire_file(FERRY_NEXT_DAY, headline="FERRY FIRM REVIEW",
                                                            time="11:05", day="02.03.00", catch="Ferry"),
        news / "01.03.00" / "ferry" / "ferry10_sun.txt": yesterday(FERRY[:4]).encode("latin-1"),
        news / "01.03.00" / "ferry" / "ferry11_times.txt": INDEPENDENT.encode("latin-1"),
        news / "01.03.00" / "ferry" / "ferry12_mail.txt": (
            yesterday([FERRY[0], FERRY[2]]) + " Regular travellers said they would think twice before booking "
            "with the company again. The firm's shares fell sharply in early trading.").encode("latin-1"),
        news / "01.03.00" / "orchard" / "orchard13_mirror.txt": yesterday(ORCHARD[:4]).encode("latin-1"),
        news / "02.03.00" / "ferry" / "ferry14_express.txt": (
            yesterday(FERRY_NEXT_DAY[:2]) + " Holidaymakers with bookings for the summer were told their sailings "
            "would not be affected.").encode("latin-1"),
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    index = root / "file_index" / "tiny"
    index.mkdir(parents=True)
    labels = {"wholly": ["01.03.00/ferry/ferry10_sun", "01.03.00/orchard/orchard13_mirror"],
              "partially": ["01.03.00/ferry/ferry12_mail", "02.03.00/ferry/ferry14_express"],
              "non": ["01.03.00/ferry/ferry11_times"]}
    for label, names in labels.items():
        (index / f"{label}_derived.txt").write_bytes(b"".join(
            f"/meter_corpus/newspapers/rawtexts/tiny/{name}.txt\r\n".encode() for name in names))
    return root


# --- the gold standard and the feed ------------------------------------------------------


def test_folders_of_one_catchline_on_neighbouring_days_merge_in_chains() -> None:
    folders = [("12.07.99", "trial"), ("14.07.99", "trial"), ("16.07.99", "trial"), ("20.07.99", "trial"),
               ("13.07.99", "fire"), ("31.12.99", "party"), ("01.01.00", "party")]
    merged = feed.merged_stories(folders, 2)
    assert merged[("16.07.99", "trial")] == ("12.07.99", "trial")  # 12 -> 14 -> 16, chained
    assert merged[("20.07.99", "trial")] == ("20.07.99", "trial")  # four days after the 16th
    assert merged[("13.07.99", "fire")] == ("13.07.99", "fire")  # another catchline never merges
    assert merged[("01.01.00", "party")] == ("31.12.99", "party")  # across a year's end
    assert feed.merged_stories(folders, 0) == {folder: folder for folder in folders}


def test_gold_names_each_articles_story_label_and_side(tree: Path) -> None:
    gold = Gold.of(load_corpus(tree, "tiny"), merge_days=2)
    assert gold.story["PA/02.03.00/ferry/ferry1"] == "02.03.00/ferry"
    assert gold.merged["PA/02.03.00/ferry/ferry1"] == "01.03.00/ferry"
    assert gold.merged["01.03.00/orchard/orchard13_mirror"] == "01.03.00/orchard"
    assert gold.wire == {"PA/01.03.00/ferry/ferry1", "PA/01.03.00/orchard/orchard1", "PA/02.03.00/ferry/ferry1"}
    assert gold.label["01.03.00/ferry/ferry11_times"] == "non"
    assert len(gold.story) == 8 and len(set(gold.story.values())) == 3 and len(set(gold.merged.values())) == 2


def test_feed_records_follow_the_wire_and_the_days(tree: Path) -> None:
    corpus = load_corpus(tree, "tiny")
    records = feed.feed_records(corpus)
    assert [r["id"] for r in records.feed] == [
        "PA/01.03.00/orchard/orchard1", "PA/01.03.00/ferry/ferry1",  # the day's wire by header time
        "01.03.00/ferry/ferry10_sun", "01.03.00/ferry/ferry11_times", "01.03.00/ferry/ferry12_mail",
        "01.03.00/orchard/orchard13_mirror", "PA/02.03.00/ferry/ferry1", "02.03.00/ferry/ferry14_express"]
    first = records.wire[0]
    assert first == {"id": "PA/01.03.00/orchard/orchard1", "text": first["text"], "outlet": "PA",
                     "published": "2000-03-01", "title": "FARMER FINED"}
    assert "PA News" not in first["text"] and first["text"].startswith("A fruit farmer")
    sun = records.news[0]
    assert set(sun) == {"id", "text", "outlet", "published"} and sun["outlet"] == "sun"
    assert sun["published"] == "2000-03-01"
    assert feed.feed_records(corpus, "next-day").news[0]["published"] == "2000-03-02"
    assert feed.feed_records(corpus, "next-day").wire[0]["published"] == "2000-03-01"
    assert all("published" not in r for r in feed.feed_records(corpus, "none").feed)
    with pytest.raises(ValueError, match="unknown dates mode"):
        feed.feed_records(corpus, "tomorrow")


# --- the figures on known answers --------------------------------------------------------


def test_adjusted_rand_by_hand_and_against_scikit_learn() -> None:
    # Contingency (0,0) 2, (0,1) 1, (1,1) 1, (1,2) 2: index 2, rows 6, columns 3 of 15 pairs,
    # expected 6 * 3 / 15 = 1.2, maximum 4.5: (2 - 1.2) / (4.5 - 1.2) = 8/33.
    assert feed.adjusted_rand([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(8 / 33)
    assert feed.adjusted_rand(["a", "a", "b", "b"], ["x", "y", "z", "w"]) == 0.0  # singletons only
    assert feed.adjusted_rand(["a", "b", "c"], [1, 2, 3]) == 1.0  # both trivial
    generator = random.Random(7)
    for _ in range(25):
        size = generator.randint(2, 60)
        truth = [generator.randint(0, 6) for _ in range(size)]
        predicted = [generator.randint(0, 9) for _ in range(size)]
        assert feed.adjusted_rand(truth, predicted) == pytest.approx(adjusted_rand_score(truth, predicted))
    with pytest.raises(ValueError):
        feed.adjusted_rand([1, 2], [1])


def known_gold() -> Gold:
    """Wire W1 (story s1), W2 (s2), W3 (s3, merged into s1); newspapers a1..a9
    with labels, and x unlabelled."""
    story = {"W1": "s1", "W2": "s2", "W3": "s3", "a1": "s1", "a2": "s1", "a3": "s1", "a4": "s1", "a5": "s1",
             "a6": "s2", "a7": "s1", "a8": "s2", "a9": "s2", "x": "s2"}
    label = {"a1": "wholly", "a2": "wholly", "a3": "wholly", "a4": "wholly", "a5": "partially", "a6": "partially",
             "a7": "non", "a8": "non", "a9": "non", "x": None}
    return Gold(story=story, merged={k: "s1" if v == "s3" else v for k, v in story.items()}, label=label,
                wire=frozenset({"W1", "W2", "W3"}))


def call(source: str | None, verdict: str | None, copied: float = 0.5, matched: int = 2) -> Call:
    return Call(source, verdict, copied, matched)


KNOWN_CALLS = {
    "a1": call("W1", "copy"),  # wholly, copy of its own story's wire
    "a2": call("W2", "rewrite"),  # wholly, rewrite of another story's wire
    "a3": call("W1", "partial"),  # wholly, only partial
    # a4: wholly, nothing named
    "a5": call("W3", "partial"),  # partially, wire of its merged story
    "a6": call("W2", "independent"),  # partially, own story but independent
    "a7": call("a1", "copy"),  # non, called a copy of a newspaper article
    "a8": call("W2", "partial"),  # non, partial
    "a9": call("W2", "independent"),  # non, independent
    "x": call("W2", "copy"),  # unlabelled: counted nowhere
}


def test_call_figures_count_what_each_definition_says() -> None:
    figures = feed.call_figures(KNOWN_CALLS, known_gold())
    assert figures["source_p_at_1"] == 0.5  # a1, a3, a6 of six derived
    assert figures["source_p_at_1_merged"] == pytest.approx(0.6667)  # and a5
    assert figures["source_p_at_1_reuse"] == pytest.approx(0.3333)  # a1, a3
    assert figures["gate_recall_wholly"] == 0.25  # a1 of four
    assert figures["gate_recall_wholly_any"] == 0.5  # a1, a3
    assert figures["gate_recall_partially"] == 0.0  # a5's source is another folder, a6 is independent
    assert figures["false_alarm_non"] == pytest.approx(0.3333)  # a7, whatever its source
    assert figures["false_alarm_non_any"] == pytest.approx(0.6667)  # a7, a8
    assert figures["counts"] == {
        "derived": 6, "wholly": 4, "partially": 2, "non": 3, "source_hits": 3, "source_hits_merged": 4,
        "source_hits_reuse": 2, "wholly_copy_or_rewrite": 1, "wholly_any_reuse": 2, "partially_any_reuse": 0,
        "non_copy_or_rewrite": 1, "non_any_reuse": 2}
    assert figures["verdicts"]["wholly"] == {"copy": 1, "none": 1, "partial": 1, "rewrite": 1}
    assert figures["sources"] == {
        "wholly": {"none": 1, "other_story_wire": 1, "own_story_wire": 2},
        "partially": {"merged_story_wire": 1, "own_story_wire": 1},
        "non": {"newspaper": 1, "own_story_wire": 2}}


def test_cluster_figures_find_the_clusters_that_mix_stories() -> None:
    gold = known_gold()
    clusters = {"W1": "c1", "a1": "c1", "a3": "c1", "W3": "c1",  # s1 and s3: mixed unless merged
                "W2": "c2", "a6": "c2", "a2": "c2",  # s2 and s1: mixed either way
                "a4": "c3", "a5": "c4", "a7": "c5", "a8": "c6", "a9": "c7", "x": "c8"}
    strict = feed.cluster_figures(clusters, gold.story)
    assert strict["clusters_mixing_stories"] == 2 and strict["largest_mixed_cluster"] == 4
    assert strict["mixed_clusters"] == [{"cluster": "c1", "articles": 4, "stories": 2},
                                        {"cluster": "c2", "articles": 3, "stories": 2}]
    ids = sorted(clusters)
    assert strict["story_ari"] == round(adjusted_rand_score([gold.story[i] for i in ids],
                                                            [clusters[i] for i in ids]), 4)
    merged = feed.cluster_figures(clusters, gold.merged, "_merged")
    assert merged["clusters_mixing_stories_merged"] == 1 and merged["largest_mixed_cluster_merged"] == 3
    assert merged["story_ari_merged"] > strict["story_ari"]


def test_zero_evidence_is_a_reuse_verdict_with_no_matched_sentence() -> None:
    def relation(verdict: str, copied: float, labels: list[str]) -> dict:
        return {"source": "W1", "verdict": verdict, "copied": copied, "sentences": [{"label": x} for x in labels]}

    calls = {"a": Call.of(relation("rewrite", 0.2, ["added", "added"])),  # nothing to show
             "b": Call.of(relation("partial", 0.0, ["added", "rewrite"])),  # a rewritten sentence, nothing copied
             "c": Call.of(relation("independent", 0.0, ["added"])),
             "d": Call.of(relation("copy", 0.9, ["verbatim"])),
             "e": Call.of(None)}
    assert calls["a"].matched_sentences == 0 and calls["d"].matched_sentences == 1
    found = feed.zero_evidence(calls.items())
    assert found["zero_evidence_verdicts"] == 1
    assert found["zero_evidence"] == [{"derived": "a", "source": "W1", "verdict": "rewrite", "copied": 0.2}]
    assert found["reuse_copied_zero"] == 1  # b


def test_disagreement_compares_each_named_pair_three_ways() -> None:
    scan = {"a1": call("W1", "copy"), "a2": call("W2", "rewrite"), "a3": call("W3", "partial")}
    check = {"a1": call("W1", "copy"), "a3": call("W1", "partial"), "a9": call(None, None)}
    pairs = feed.named_pairs(scan, check, articles=["a1", "a2", "a3", "a9"])
    assert pairs == [("a1", "W1"), ("a2", "W2"), ("a3", "W1"), ("a3", "W3")]
    compared = {("a1", "W1"): "copy", ("a2", "W2"): "partial", ("a3", "W1"): "partial", ("a3", "W3"): "independent"}
    result = feed.disagreement(pairs, compared, scan, check)
    assert result["verdict_disagreement"] == 0.5 and result["verdict_pairs"] == 4
    assert result["disagreeing_between"] == {"scan_vs_compare": 2, "check_vs_compare": 0, "scan_vs_check": 0}
    assert result["disagreeing_pairs"] == [
        {"derived": "a2", "source": "W2", "compare": "partial", "scan": "rewrite"},
        {"derived": "a3", "source": "W3", "compare": "independent", "scan": "partial"}]
    assert feed.named_pairs(scan, check, articles=["a2"]) == [("a2", "W2")]


def test_targets_say_which_way_meets_each() -> None:
    result = {"verdict_disagreement": 0.0, "scan": {"story_ari": 0.95, "gate_recall_wholly": 0.5},
              "check": {"gate_recall_wholly": 0.9}}
    met = feed.targets(result)
    assert met["story_ari"] == {"target": ">= 0.9", "scan": True, "check": None}
    assert met["gate_recall_wholly"] == {"target": ">= 0.85", "scan": False, "check": True}
    assert met["verdict_disagreement"]["scan"] is True


# --- a whole run ---------------------------------------------------------------------------


def test_a_whole_run_through_the_command_line(tree: Path, tmp_path: Path, capsys) -> None:
    out, keep = tmp_path / "figures.json", tmp_path / "kept"
    assert feed.main(["--root", str(tree), "--json", str(out), "--keep", str(keep), "--compare-cli", "1"]) == 0
    printed = capsys.readouterr().out
    assert "METER tiny as one feed: 8 articles (3 wire, 5 newspaper" in printed and "gate_recall_wholly" in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    assert {p.name for p in keep.iterdir()} >= {"feed.jsonl", "wire.jsonl", "news.jsonl", "scan.json", "check.json",
                                                "idx.sqlite"}
    assert result["domain"] == "tiny" and result["n_by_class"] == {"wholly": 2, "partially": 2, "non": 1}
    assert result["n_stories"] == 3 and result["n_stories_merged"] == 2
    for way in ("scan", "check"):
        figures = result[way]
        # The two wholly derived articles copy four of their wire text's sentences word for word.
        assert figures["counts"]["wholly_copy_or_rewrite"] == 2 and figures["gate_recall_wholly"] == 1.0
        assert sum(figures["verdicts"]["partially"].values()) == 2
        assert sum(figures["sources"]["non"].values()) == 1
    scan_report = json.loads((keep / "scan.json").read_text(encoding="utf-8"))
    assert result["scan"] | feed.cluster_figures(feed.scan_clusters(scan_report), Gold.of(
        load_corpus(tree, "tiny"), 2).story) == result["scan"]
    assert result["verdict_pairs"] >= 2 and result["compare_cli_pairs"] == 1
    assert result["compare_cli_mismatches"] == []
    assert set(result["seconds"]) == {"feed", "scan", "index_add", "check", "compare", "compare_cli", "total"}
    again = feed.run(tree, "tiny", compare_cli=0)
    assert {k: v for k, v in again.items() if k not in ("seconds", "compare_cli_pairs")} == {
        k: v for k, v in result.items() if k not in ("seconds", "compare_cli_pairs")}


def test_usage_mistakes_are_refused(tree: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    for argv, message in ((["--root", str(tmp_path / "nowhere")], "no METER corpus"),
                          (["--root", str(tree), "--keep", str(tmp_path / "full")], "not a new or empty folder"),
                          (["--root", str(tree), "--domain", "courts"], "domains present: tiny"),
                          (["--root", str(tree), "--merge-days", "-1"], "--merge-days")):
        with pytest.raises(SystemExit) as stopped:
            feed.main(argv)
        assert stopped.value.code == 2
        assert message in capsys.readouterr().err


# --- the real corpus, when present ---------------------------------------------------------

SHARED_METER = SHARED / "datasets" / "meter"


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_METER.is_dir(), reason="METER corpus not found at ../shared/datasets/meter")
def test_the_real_courts_domain_as_one_feed() -> None:
    result = feed.run(SHARED_METER, "courts", compare_cli=2)
    assert result["n_articles"] == 1427 and result["n_by_class"] == {"wholly": 262, "partially": 342, "non": 166}
    assert result["n_stories"] == 206
    for way in ("scan", "check"):
        figures = result[way]
        for label, n in result["n_by_class"].items():
            assert sum(figures["verdicts"][label].values()) == n == sum(figures["sources"][label].values())
        assert 0.0 <= figures["gate_recall_wholly"] <= figures["gate_recall_wholly_any"] <= 1.0
        assert figures["false_alarm_non"] <= figures["false_alarm_non_any"]
    assert -1.0 <= result["scan"]["story_ari"] <= 1.0 and result["verdict_pairs"] > 500
    assert result["compare_cli_mismatches"] == []
