"""The seeds end to end, as the README's first command shows them."""

from conftest import seed_id

from provenance.model import ADDED


def relation_of(result, key):
    return result.relation(seed_id(key))


def sentence_row(result, key, fragment):
    relation = relation_of(result, key)
    document = result.document(seed_id(key))
    index = next(s.index for s in document.sentences if fragment in s.text)
    return relation.ledger.sentences[index]


def test_wire_is_the_source_of_one_story_holding_every_seed(seed_scan):
    related = [s for s in seed_scan.stories if s.members]
    assert len(related) == 1
    story = related[0]
    assert story.source == seed_id("002")
    assert set(story.members) == {seed_id(k) for k in ("000", "001", "003", "004")}


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


def test_sniffed_metadata(seed_scan):
    wire = seed_scan.document(seed_id("002"))
    assert (wire.outlet, wire.published) == ("Reuters", "2024-11-11")
    assert seed_scan.document(seed_id("000")).published == "2024-11-12"
    assert seed_scan.document(seed_id("003")).outlet == "vnexpress.net"
    gazzeta = seed_scan.document(seed_id("004"))
    assert (gazzeta.outlet, gazzeta.published) == ("gazzeta.in.ua", "2024-12-06")
    assert set(gazzeta.sniffed) == {"outlet", "published", "title"}


def test_given_metadata_wins_over_sniffed(tmp_path):
    import json

    from provenance import scan

    feed = tmp_path / "feed.jsonl"
    text = (tmp_path.parent / "x").name  # any text; metadata is what matters
    feed.write_text(json.dumps({"id": "a", "text": "MOSCOW (Reuters) - Body text here. " + text,
                                "outlet": "Given Outlet", "published": "2020-01-01"}) + "\n", encoding="utf-8")
    document = scan([feed]).documents[0]
    assert (document.outlet, document.published, document.sniffed) == ("Given Outlet", "2020-01-01", ())
