"""The METER and MSR benchmark code on tiny synthetic corpora built here.

The texts below are made up for these tests; no corpus text is used. One test
reads the real METER tree when ``../shared/datasets/meter`` is present.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from benchmarks import meter, paraphrase
from benchmarks.meter_corpus import (
    clean_pa,
    discover_domains,
    load_corpus,
    read_labels,
    sgml_classification,
    sgml_phrases,
)
from provenance import Article, analyse
from provenance.align.ledger import align
from provenance.model import ADDED
from tests.helpers import SHARED

RULE = "  " + "-" * 72
STORY = [
    "A baker from Leeds was jailed for four years today for setting fire to a rival bakery in the city centre.",
    "Thomas Pike, 44, admitted arson at Leeds Crown Court after the blaze caused damage worth #80,000.",
    "The court heard that Pike had poured petrol through the letterbox of the Golden Crust shop at night.",
    "Judge Mary Allen told him he had put the lives of the family living above the shop at risk.",
    "Firefighters rescued a couple and their two children from the upstairs flat by ladder.",
    "Pike had blamed the rival bakery for the collapse of his own business two years earlier.",
    "Detective Sergeant Ian Cole said after the hearing that the family were lucky to be alive.",
]
OTHER_STORY = [
    "A council has been ordered to pay compensation to a cyclist injured by a pothole on a rural lane.",
    "The High Court ruled that the highway authority had failed to repair the road for eighteen months.",
    "The cyclist, a retired teacher, broke her collarbone and wrist when her front wheel hit the hole.",
    "Her solicitor said the award would cover physiotherapy and the cost of a new bicycle.",
]


def wire(lines: list[str], *, headline: str, catch: str, page: int = 1, signoff: str = "mfl") -> bytes:
    """A PA file in the corpus's layout: ruled header, timestamp line,
    paragraphs opened by 0x19 and closed by '<', hard-wrapped at 60 columns."""
    out = [RULE, "", RULE, "", f"          16:5{page} 01/03/00: Page {page} (HHH) SPORT {catch}", RULE,
           f"{headline}<", "\x19By Anna Example, PA News<"]
    for paragraph in lines:
        words, line = paragraph.replace('"', "``", 1).replace('"', "''", 1).split(), ""
        wrapped = []
        for word in words:
            if line and len(line) + len(word) > 60:
                wrapped.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        wrapped.append(line + "<")
        wrapped[0] = "\x19" + wrapped[0]
        out.extend(wrapped)
    out += [f"\x19{signoff}<", "\x19"]
    return "\n".join(out).encode("latin-1")


def sgml(classification: str, phrases: list[tuple[str, str]] | None, text: str = "") -> bytes:
    body = "".join(f'<{tag} PAsource="" >{words}</{tag}>\n' for tag, words in phrases) if phrases else (
        f"<unclassified>\n{text}\n</unclassified>")
    return (f'<!DOCTYPE meterdocument SYSTEM "meter.dtd" [\n]>\n<meterdocument filename="x" newspaper="sun" '
            f'domain="sport" classification="{classification}" date="01.03.00" catchline="baker">\n'
            f"<body>\n{body}</body>\n</meterdocument>\n").encode("latin-1")


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A METER-shaped tree with one domain, 'sport', two stories."""
    root = tmp_path / "meter"
    pa = root / "PA" / "rawtexts" / "sport" / "01.03.00"
    news = root / "newspapers" / "rawtexts" / "sport" / "01.03.00"
    annotated = root / "newspapers" / "annotated" / "sport" / "01.03.00"
    for folder in (pa / "baker", pa / "pothole", news / "baker", news / "pothole", annotated / "baker",
                   root / "file_index" / "sport"):
        folder.mkdir(parents=True)
    (root / "PA" / "rawtexts" / "sport" / "readme.txt").write_text("not a story\n")
    (pa / "baker" / "baker1.txt").write_bytes(wire(STORY[:4], headline="BAKER JAILED FOR ARSON", catch="Baker"))
    (pa / "baker" / "baker2.txt").write_bytes(wire(STORY[4:], headline="", catch="Baker", page=2, signoff="end"))
    (pa / "pothole" / "pothole1.txt").write_bytes(wire(OTHER_STORY, headline="CYCLIST WINS", catch="Pothole"))
    copied = " ".join(STORY[:3]).replace("today", "yesterday").replace("#", "\xa3")
    (news / "baker" / "baker10_sun.txt").write_bytes((copied + "\r\n\r\n" + " ".join(STORY[3:6]) + "\r\n").encode("latin-1"))
    independent = ("Neighbours of a Leeds cake shop described the night the flames came. One woman said she heard "
                   "glass breaking before the smoke alarm sounded. The street was closed for a day while "
                   "investigators searched the ruined kitchen. Regular customers left flowers and cards.")
    (news / "baker" / "baker11_times.txt").write_bytes(independent.encode("latin-1"))
    partial = STORY[0].replace("today", "yesterday") + " Caf\xe9 owners nearby said trade had suffered for weeks."
    (news / "baker" / "baker12_mail.txt").write_bytes(partial.encode("latin-1"))
    (news / "pothole" / "pothole13_sun.txt").write_bytes(" ".join(OTHER_STORY).encode("latin-1"))
    index = root / "file_index" / "sport"
    (index / "wholly_derived.txt").write_bytes(
        b"meter_corpus/newspapers/rawtexts/sport/01.03.00/baker/baker10_sun.txt\r\n"
        b" /meter_corpus/newspapers/rawtexts/sport/01.03.00/pothole/pothole13_sun.txt\r\n")
    (index / "non_derived.txt").write_bytes(b"/meter_corpus/newspapers/rawtexts/sport/01.03.00/baker/baker11_times.txt\r\n")
    # baker12 is in no index file: its label comes from the SGML.
    (annotated / "baker" / "baker12_mail.sgml").write_bytes(sgml("partially-derived", [
        ("Verbatim", "A baker from Leeds was jailed for four years "), ("Rewrite", "yesterday"),
        ("Verbatim", " for setting fire to a rival bakery in the city centre. "),
        ("New", "Caf\xe9 owners nearby said trade had suffered for weeks & more."),
    ]))
    (annotated / "baker" / "baker11_times.sgml").write_bytes(sgml("non-derived", None, independent))
    return root


# --- the corpus reader -------------------------------------------------------------------


def test_domains_are_discovered_not_assumed(tree: Path) -> None:
    assert discover_domains(tree) == ["sport"]
    with pytest.raises(FileNotFoundError, match="domains present: sport"):
        load_corpus(tree, "courts")


def test_pa_cleaning_strips_wire_furniture() -> None:
    raw = wire(STORY[:2], headline="BAKER JAILED FOR ARSON", catch="Baker").decode("latin-1")
    title, body, order = clean_pa(raw)
    assert title == "BAKER JAILED FOR ARSON"
    assert order == ("16:51", 1)
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0] == STORY[0]
    assert "£80,000" in paragraphs[1] and "#" not in body
    for furniture in ("PA News", "Page 1", "---", "mfl", "<", "\x19"):
        assert furniture not in body


def test_pa_cleaning_keeps_quotes_and_drops_editors_notes() -> None:
    raw = "\n".join([RULE, "  17:02 01/03/00: Page 1 (HHH) SPORT X", RULE, "(with pics)<", "HEADLINE HERE<",
                     "\x19He said: ``I am sorry for what I did.''<", "\x19end<"])
    title, body, _ = clean_pa(raw)
    assert title == "HEADLINE HERE"
    assert body == 'He said: "I am sorry for what I did."'


def test_pa_cleaning_removes_an_html_wrapper() -> None:
    raw = ("<HTML><HEAD><TITLE>Search tool</TITLE></HEAD><BODY><PRE>\n<H1><P>02:59 12/07/99: Page 1 (HHH) SPORT Y"
           "</P></H1><HR>CLUB FINED<\nBy Anna Example, PA News<\nA club was fined for a late kick-off.<\nend<\n</PRE></HTML>")
    title, body, _ = clean_pa(raw)
    assert title == "CLUB FINED"
    assert body == "A club was fined for a late kick-off."


def test_corpus_labels_texts_and_stories(tree: Path) -> None:
    corpus = load_corpus(tree, "sport")
    assert len(corpus.pa) == 3
    stories = corpus.pa_by_story()
    assert [t.article.id for t in stories[("01.03.00", "baker")]] == ["PA/01.03.00/baker/baker1", "PA/01.03.00/baker/baker2"]
    labels = {n.article.id: n.label for n in corpus.newspapers}
    assert labels == {
        "01.03.00/baker/baker10_sun": "wholly",
        "01.03.00/baker/baker11_times": "non",
        "01.03.00/baker/baker12_mail": "partially",  # from the SGML classification
        "01.03.00/pothole/pothole13_sun": "wholly",
    }
    mail = next(n for n in corpus.newspapers if n.paper == "mail")
    assert "Café" in mail.article.text  # latin-1 decoded
    sun = next(n for n in corpus.newspapers if n.article.id.endswith("baker10_sun"))
    assert "\r" not in sun.article.text and "£80,000" in sun.article.text


def test_label_index_prefixes_and_crlf(tree: Path) -> None:
    labels = read_labels(tree, "sport")
    assert labels["01.03.00/pothole/pothole13_sun.txt"] == "wholly"
    assert labels["01.03.00/baker/baker11_times.txt"] == "non"


def test_sgml_phrases_tolerate_non_xml() -> None:
    text = sgml("wholly-derived", [("Verbatim", "Smith & Sons "), ("REWRITE", "were fined &amp; warned"),
                                   ("new", " today.")]).decode("latin-1")
    assert sgml_classification(text) == "wholly"
    assert sgml_phrases(text) == [("Verbatim", "Smith & Sons "), ("Rewrite", "were fined & warned"), ("New", " today.")]
    assert sgml_phrases(sgml("non-derived", None, "plain").decode("latin-1")) == []


# --- metrics --------------------------------------------------------------------------


def test_f1_and_confusion_by_hand() -> None:
    gold = ["wholly", "wholly", "partially", "non", "non"]
    predicted = ["wholly", "partially", "partially", "non", "wholly"]
    scores = meter.f1_scores(gold, predicted, ("wholly", "partially", "non"))
    # wholly: tp 1, fp 1, fn 1 -> 0.5; partially: tp 1, fp 1, fn 0 -> 2/3; non: tp 1, fn 1 -> 2/3
    assert scores == pytest.approx({"wholly": 0.5, "partially": 2 / 3, "non": 2 / 3})
    assert meter.macro_f1(gold, predicted, ("wholly", "partially", "non")) == pytest.approx((0.5 + 4 / 3) / 3)
    assert meter.confusion(gold, predicted, ("wholly", "partially", "non")) == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    metrics = meter.document_metrics(gold, predicted)
    # binary: derived tp 3, fp 1, fn 0 -> 6/7; non tp 1, fn 1 -> 2/3
    assert metrics["doc_macro_f1_binary"] == pytest.approx(round((6 / 7 + 2 / 3) / 2, 4))
    assert metrics["doc_accuracy"] == 0.6


def test_day_folds_keep_days_whole_and_balanced() -> None:
    sizes = Counter({"d1": 10, "d2": 9, "d3": 5, "d4": 4, "d5": 1, "d6": 1})
    folds = meter.day_folds(sizes, sizes, k=3)
    assert set(folds) == set(sizes)
    totals = Counter()
    for day, fold in folds.items():
        totals[fold] += sizes[day]
    assert sorted(totals.values()) == [10, 10, 10]
    assert folds == meter.day_folds(sizes, sizes, k=3)


def test_gold_tokens_take_the_label_of_their_first_character() -> None:
    tokens = meter.gold_token_labels([("Verbatim", "The judge"), ("Rewrite", "'s ruling, "), ("New", "sadly.")])
    assert tokens == [("the", "Verbatim"), ("judges", "Verbatim"), ("ruling", "Rewrite"), ("sadly", "New")]


def test_token_alignment_marks_words_the_body_lacks() -> None:
    gold = [("by", "New"), ("anna", "New"), ("a", "Verbatim"), ("club", "Verbatim"), ("was", "Rewrite")]
    predicted = [("a", "Verbatim"), ("club", "Rewrite"), ("was", "Rewrite")]
    assert meter.align_tokens(gold, predicted) == [
        ("New", None), ("New", None), ("Verbatim", "Verbatim"), ("Verbatim", "Rewrite"), ("Rewrite", "Rewrite")]


def test_benchmark_end_to_end_on_the_synthetic_tree(tree: Path) -> None:
    result = meter.run(tree, "sport", meter.Settings(), folds=0)
    assert result["domain"] == "sport" and result["n_docs"] == 4
    predicted = {}
    for item in meter.judge_corpus(load_corpus(tree, "sport"), meter.Settings()):
        predicted[item.news.article.id] = item.predicted
    assert predicted["01.03.00/baker/baker10_sun"] == "wholly"
    assert predicted["01.03.00/pothole/pothole13_sun"] == "wholly"
    assert predicted["01.03.00/baker/baker11_times"] == "non"
    assert result["retrieval_p_at_1"] == 1.0  # both derived articles find their own story
    assert result["n_annotated_docs"] == 1 and result["n_tokens"] == 31  # 9 + 1 + 11 + 10 words in the phrases
    assert 0.0 <= result["token_macro_f1"] <= 1.0
    assert result["token_f1"]["Verbatim"] > 0.5  # the copied lead is found
    for key in ("doc_macro_f1_3class", "doc_macro_f1_binary", "retrieval_p_at_1", "token_macro_f1", "commit"):
        assert key in result


def test_best_mode_judges_each_file_and_keeps_the_strongest(tree: Path) -> None:
    corpus = load_corpus(tree, "sport")
    concat = {i.news.article.id: i for i in meter.judge_corpus(corpus, meter.Settings(), "concat")}
    best = {i.news.article.id: i for i in meter.judge_corpus(corpus, meter.Settings(), "best")}
    sun = "01.03.00/baker/baker10_sun"
    assert concat[sun].relation.source == "PA/01.03.00/baker"
    # The sun article uses both pages; judged page by page, page 1 carries more of it.
    assert best[sun].relation.source == "PA/01.03.00/baker/baker1"
    assert best[sun].relation.scores.matched < concat[sun].relation.scores.matched
    with pytest.raises(ValueError):
        meter.judge_corpus(corpus, meter.Settings(), "nearest")


def test_settings_overrides_are_typed() -> None:
    assert meter.parse_overrides(["rewrite_threshold=0.4", "partial_min_sentences=3"]) == {
        "rewrite_threshold": 0.4, "partial_min_sentences": 3}
    with pytest.raises(SystemExit):
        meter.parse_overrides(["no_such_setting=1"])


# --- MSR paraphrase -----------------------------------------------------------------------


def test_msr_reader(tmp_path: Path) -> None:
    path = tmp_path / "pairs.txt"
    path.write_text(
        "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
        '1\t11\t12\tThe mayor said "no" to the plan.\tThe plan was rejected by the mayor.\n'
        "0\t13\t14\tShares rose 3 percent on Monday.\tThe company hired a new chief.\n"
        "this line is damaged\n",
        encoding="utf-8",
    )
    pairs = paraphrase.read_pairs(path)
    assert [(p.label, p.first_id, p.second_id) for p in pairs] == [(1, "11", "12"), (0, "13", "14")]
    assert pairs[0].first == 'The mayor said "no" to the plan.'


def test_msr_threshold_sweep_matches_the_aligner() -> None:
    pairs = [
        paraphrase.Pair(1, "a", "b", "The council approved the new budget on Tuesday night.",
                        "On Tuesday night the council approved its new budget."),
        paraphrase.Pair(0, "c", "d", "The council approved the new budget on Tuesday night.",
                        "Heavy rain flooded several roads in the north of the county."),
    ]
    scored = paraphrase.score_pairs(pairs)
    assert scored[0].same_content(0.3) and not scored[1].same_content(0.3)
    # The one-pass sweep agrees with the aligner run at each threshold.
    for threshold in (0.2, 0.5, 0.9):
        settings = meter.Settings(rewrite_threshold=threshold)
        for pair, item in zip(pairs, scored):
            ledger = align(analyse(Article("s", pair.first)), analyse(Article("d", pair.second)), settings)
            matched = sum(r.words for r in ledger.sentences if r.label != ADDED)
            assert (matched * 2 >= sum(r.words for r in ledger.sentences)) == item.same_content(threshold)
    result = paraphrase.evaluate(scored, 0.3)
    assert result["accuracy"] == 1.0 and result["f1"] == 1.0
    by_hand = [
        paraphrase.Scored(1, ((10, False, 0.4),)),  # similar enough at 0.3
        paraphrase.Scored(0, ((10, False, 0.2),)),  # not similar enough
        paraphrase.Scored(1, ((4, True, 0.1), (6, False, 0.1))),  # 4 of 10 words matched: not the same
    ]
    assert paraphrase.evaluate(by_hand, 0.3) == {
        "threshold": 0.3, "accuracy": 0.6667, "f1": 0.6667, "precision": 1.0, "recall": 0.5, "n": 3}
    assert paraphrase.choose_threshold(by_hand) == pytest.approx(0.3, abs=0.1)
    assert 0.05 <= paraphrase.choose_threshold(scored) <= 0.95


# --- the real corpus, when present --------------------------------------------------------

SHARED_METER = SHARED / "datasets" / "meter"


@pytest.mark.skipif(not SHARED_METER.is_dir(), reason="METER corpus not found at ../shared/datasets/meter")
def test_real_courts_tree_loads_with_its_published_counts() -> None:
    corpus = load_corpus(SHARED_METER, "courts")
    labels = Counter(n.label for n in corpus.newspapers)
    assert labels == {"wholly": 262, "partially": 342, "non": 166}
    assert all(t.article.text and "\x19" not in t.article.text and "PA News" not in t.article.text[:200]
               for t in corpus.pa)
