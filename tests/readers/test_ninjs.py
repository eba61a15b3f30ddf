"""ninjs (IPTC News in JSON) items in JSON, JSON lines and standard input:
1.x and 2.0 shapes, versions, withdrawn and media items, hostile records,
and the seeds as ninjs scanning as the plain files do."""

import io
import json

import pytest

import provenance
from provenance import InputError, NoArticlesError, read_articles
from provenance.readers import Skipped
from tests.readers.conftest import outcome

# Realistic metadata for the seeds, by seed: the copyright holder, when the
# version was created (no derived article before the wire), headline and byline.
SEED_META = {
    "000": ("Example Daily", "2024-11-12T08:00:00Z", None, None),
    "001": ("The Example Times", "2024-11-12T09:30:00+01:00", None, None),
    "002": ("Thomson Reuters", "2024-11-11T12:05:00Z",
            "Kremlin says reports that Trump and Putin spoke in recent days are ‘pure fiction’",
            "Dmitry Antonov and Guy Faulconbridge"),
    "003": ("vnexpress.net", "2024-11-12T10:00:00Z", None, None),
    "004": ("gazzeta.in.ua", "2024-12-06T07:00:00Z", None, None),
}


def ninjs_1(article, **extra):
    """A seed article as a ninjs 1.x item (its file stem in the uri)."""
    holder, created, headline, byline = SEED_META[article.id[:3]]
    item = {"uri": f"urn:newsml:example.com:20241111:{article.id}", "type": "text", "version": "1",
            "versioncreated": created, "pubstatus": "usable", "copyrightholder": holder, "body_text": article.text}
    item.update({k: v for k, v in (("headline", headline), ("byline", byline)) if v})
    item.update(extra)
    return item


WIRE_2_0 = {
    "uri": "http://example.com/items/20241111-council", "type": "text", "version": "3",
    "standard": {"name": "ninjs", "version": "2.0"},
    "firstcreated": "2024-11-11T08:00:00Z", "pubstatus": "usable", "urgency": 3,
    "headlines": [{"role": "sub", "value": "Vote follows long debate"},
                  {"role": "main", "value": "Council passes budget"}],
    "by": "By Ann Example", "infosources": [{"name": "Agence France-Presse", "role": "originator"}],
    "bodies": [{"role": "main", "contenttype": "text/html",
                "value": "<p>PARIS (AFP) - The council <em>passed</em>\n the budget on Monday.</p>"
                         "<!-- internal --><p>The mayor said it was fair.<br>Others disagreed.</p>"
                         "<script>track()</script>"}],
}


def test_a_ninjs_1_item_in_a_json_file(tmp_path, seed_articles):
    wire = next(a for a in seed_articles if a.id.startswith("002"))
    path = tmp_path / "item.json"
    path.write_text(json.dumps(ninjs_1(wire)), encoding="utf-8")
    [article] = read_articles([path])
    assert article.id == f"urn:newsml:example.com:20241111:{wire.id}@v1"
    assert (article.guid, article.version, article.status) == (f"urn:newsml:example.com:20241111:{wire.id}", "1",
                                                              "usable")
    assert article.title.startswith("Kremlin says reports") and article.author == "Dmitry Antonov and Guy Faulconbridge"
    assert (article.outlet, article.published, article.encoding) == ("Reuters", "2024-11-11", "utf-8")
    assert article.text == wire.text
    assert article.origin == str(path) and article.origin.path == str(path) and not article.origin.whole_file


def test_a_ninjs_2_item_takes_the_main_headline_and_html_body_as_paragraphs(tmp_path):
    path = tmp_path / "items.json"
    path.write_text(json.dumps([WIRE_2_0]), encoding="utf-8")
    [article] = read_articles([path])
    assert article.id == "http://example.com/items/20241111-council@v3"
    assert article.title == "Council passes budget" and article.author == "By Ann Example"
    assert article.text == ("PARIS (AFP) - The council passed the budget on Monday.\n\n"
                            "The mayor said it was fair.\nOthers disagreed.")
    # No versioncreated: the first version's date; the agency under its usual name.
    assert (article.published, article.outlet, article.origin) == ("2024-11-11", "AFP", f"{path} item 1")


def test_a_plain_text_body_is_taken_before_markup_and_kept_as_given(tmp_path):
    item = {"uri": "urn:x:1", "body_html": "<p>Marked up.</p>", "body_text": "Plain  text,\nas given.",
            "headline": "H"}
    path = tmp_path / "item.json"
    path.write_text(json.dumps(item), encoding="utf-8")
    assert [a.text for a in read_articles([path])] == ["Plain  text,\nas given."]


def test_ninjs_in_json_lines_and_an_articles_object(tmp_path):
    lines = tmp_path / "wire.jsonl"
    lines.write_text("\n".join(json.dumps(x) for x in (WIRE_2_0, {"id": "p1", "text": "A plain record."})) + "\n",
                     encoding="utf-8")
    first, plain = read_articles([lines])
    assert (first.guid, first.origin, first.origin.line) == (WIRE_2_0["uri"], f"{lines}:1", 1)
    assert (plain.id, plain.guid, plain.encoding) == ("p1", None, "utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"articles": [WIRE_2_0]}), encoding="utf-8")
    assert [a.guid for a in read_articles([wrapped])] == [WIRE_2_0["uri"]]


def test_a_record_with_a_uri_and_a_text_stays_a_plain_article(tmp_path):
    path = tmp_path / "plain.json"
    path.write_text(json.dumps({"id": "a1", "uri": "urn:x:1", "type": "text", "text": "Plain record text."}),
                    encoding="utf-8")
    [article] = read_articles([path])
    assert (article.id, article.text, article.guid) == ("a1", "Plain record text.", None)


def test_two_versions_of_one_item_are_two_articles_of_one_guid(tmp_path):
    first = {**WIRE_2_0, "version": "1", "firstcreated": "2024-11-11T08:00:00Z"}
    update = {**WIRE_2_0, "version": 2, "versioncreated": "2024-11-11T09:15:00Z",
              "bodies": [{"value": "PARIS (AFP) - The council passed the budget on Monday, by 30 votes to 12."}]}
    path = tmp_path / "versions.jsonl"
    path.write_text(json.dumps(first) + "\n" + json.dumps(update) + "\n", encoding="utf-8")
    one, two = read_articles([path])
    assert (one.id, two.id) == (f"{WIRE_2_0['uri']}@v1", f"{WIRE_2_0['uri']}@v2")
    assert one.guid == two.guid and (one.version, two.version) == ("1", "2")
    assert two.text.endswith("30 votes to 12.")


def test_pictures_and_withdrawn_items_without_text_are_skipped_not_errors(tmp_path):
    records = [
        {"uri": "urn:x:pic", "type": "picture", "headline": "Council chamber",
         "renditions": {"web": {"href": "http://example.com/p.jpg"}}},
        {"uri": "urn:x:gone", "type": "text", "pubstatus": "canceled", "headline": "Withdrawn"},
        {"uri": "urn:x:kept", "type": "text", "pubstatus": "withheld", "body_text": "Held back but read."},
    ]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    problems = []
    [article] = read_articles([path], strict=True, on_error=problems.append)  # skips are not failures
    assert (article.id, article.status) == ("urn:x:kept", "withheld")
    assert [type(p) for p in problems] == [Skipped, Skipped]
    assert [(p.origin, p.reason) for p in problems] == [
        (f"{path} item 1", "a ninjs picture item with no text: not an article"),
        (f"{path} item 2", "a canceled ninjs item with no text: nothing to read"),
    ]


@pytest.mark.parametrize("record, message", [
    ({"uri": "urn:x:1", "type": "text", "headline": ["not", "a string"], "body_text": "Words."},
     "ninjs 'headline' must be a string"),
    ({"uri": "urn:x:1", "headlines": [{"value": 7}], "body_text": "Words."},
     "ninjs 'headlines' must be an array of objects with a string 'value'"),
    ({"uri": "urn:x:1", "type": "text", "headline": "No body"}, "a ninjs item with no text"),
    ({"uri": 17, "type": "text", "body_text": "Words."}, "ninjs 'uri' must be a string"),
    ({"uri": "urn:x:1", "body_text": "Words.", "versioncreated": "yesterday"}, "'versioncreated' is not a date"),
    ({"uri": "urn:x:1", "body_text": "Words.", "version": True}, "ninjs 'version' must be a string"),
    ({"uri": "urn:x:1", "body_html": "<p> </p><!-- -->"}, "a ninjs item with no text"),
    ({"uri": "urn:x:\ud800", "body_text": "Words."}, "lone surrogate U+D800"),
])
def test_a_bad_ninjs_item_is_reported_and_the_others_still_read(tmp_path, record, message):
    path = tmp_path / "items.jsonl"
    good = {"uri": "urn:x:good", "type": "text", "body_text": "A good item."}
    path.write_text(json.dumps(record) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    problems = []
    assert [a.id for a in read_articles([path], on_error=problems.append)] == ["urn:x:good"]
    [problem] = problems
    assert type(problem) is InputError and message in problem.reason and problem.line == 1


def test_a_lone_bad_item_gives_no_articles(tmp_path):
    path = tmp_path / "item.json"
    path.write_text(json.dumps({"uri": "urn:x:1", "headline": {"value": "x"}, "body_text": "Words."}), encoding="utf-8")
    problems = []
    with pytest.raises(NoArticlesError):
        read_articles([path], on_error=problems.append)
    assert [str(p) for p in problems] == [f"{path}: ninjs 'headline' must be a string"]


def test_ninjs_from_standard_input_as_a_document_and_as_lines():
    [article] = read_articles(["-"], stdin=io.BytesIO(json.dumps(WIRE_2_0).encode("utf-8")))
    assert (article.id, article.origin, article.origin.path) == (f"{WIRE_2_0['uri']}@v3", "<stdin>", None)
    lines = b"\n".join(json.dumps({**WIRE_2_0, "version": str(v)}).encode() for v in (1, 2))
    assert [a.origin for a in read_articles(["-"], stdin=io.BytesIO(lines))] == ["<stdin>:1", "<stdin>:2"]


def test_a_json_file_records_the_encoding_it_was_read_in(tmp_path):
    path = tmp_path / "wide.json"
    path.write_bytes(json.dumps([WIRE_2_0, {"text": "Plain."}], ensure_ascii=False).encode("utf-16"))
    assert [a.encoding for a in read_articles([path])] == ["utf-16", "utf-16"]


@pytest.mark.parametrize("shape", ["array", "lines"])
def test_the_seeds_as_ninjs_scan_as_the_plain_files_do(tmp_path, seed_articles, seeds_outcome, shape):
    items = [ninjs_1(article) for article in seed_articles]
    if shape == "array":
        path = tmp_path / "wire.json"
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    else:
        path = tmp_path / "wire.jsonl"
        path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    result = provenance.scan([path], jobs=1)
    assert not result.problems
    assert outcome(result) == seeds_outcome
    wire = next(d for d in result.documents if "002" in d.id)
    assert (wire.outlet, wire.published, wire.version) == ("Reuters", "2024-11-11", "1")


def test_a_withdrawn_wire_item_is_not_chosen_as_the_source(tmp_path, seed_articles):
    items = [ninjs_1(a, pubstatus="canceled") if a.id.startswith("002") else ninjs_1(a) for a in seed_articles]
    path = tmp_path / "wire.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    result = provenance.scan([path], jobs=1)
    [story] = [s for s in result.stories if s.members]
    wire = next(d.id for d in result.documents if "002" in d.id)
    assert story.source != wire and wire in story.members
    assert f"not {wire}, which its provider marked canceled" in story.source_reasons
