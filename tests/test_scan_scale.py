"""The scan at scale: parallel runs give the same bytes as one process,
documents are kept compactly, and the candidate search keeps its answers."""

import importlib
import json

import numpy as np
from hypothesis import given, settings, strategies as st
import pytest

from benchmarks.generate import NewsGenerator, corpus
from provenance import Article, Settings, analyse, scan_articles
from provenance.errors import ProvenanceError
from provenance.fingerprint.minhash import signatures
from reference import candidate_pairs, scan_candidates
from provenance.candidates import frequency as frequency_module
from provenance.candidates import search as search_module
from provenance.report import json as json_report
from provenance.report import text as text_report

scan_module = importlib.import_module("provenance.pipeline.scan")
store_module = importlib.import_module("provenance.pipeline.store")
codec_module = importlib.import_module("provenance.codec")


@pytest.fixture(scope="module")
def small_corpus():
    made = corpus(NewsGenerator(seed=3, words=(120, 260)), 70)
    articles = [Article(id=a.id, text=a.text, outlet=a.outlet, published=a.published, title=a.title)
                for a in made.articles]
    return articles, made.truth


def rendered(result):
    return json_report.dumps(json_report.scan_document(result)), text_report.render_scan(result, show_all=True)


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


@pytest.fixture(params=["zstd", "zlib"])
def codec(request, monkeypatch):
    """Stored documents packed with zstd (the ``fast`` extra) or with zlib."""
    if request.param == "zlib":
        monkeypatch.setattr(codec_module, "zstandard", None)
    elif codec_module.zstandard is None:
        pytest.skip("zstandard is not installed")
    return request.param


def test_stored_documents_equal_the_analysed_ones(small_corpus, codec):
    articles, _ = small_corpus
    result = scan_articles(articles[:20], jobs=1)
    for article, document in zip(articles, result.documents):
        plain = analyse(article)
        assert isinstance(document, store_module.StoredDocument)
        assert document == plain and plain == document and hash(document) == hash(plain)
        assert document.word_count == plain.word_count
        assert len(document.sentences) == len(plain.sentences)
        assert [s.tokens for s in document.sentences] == [s.tokens for s in plain.sentences]
        assert [document.sentence_text(i) for i in range(len(plain.sentences))] == [s.text for s in plain.sentences]
        loaded = document.load()
        assert loaded == plain and loaded.word_count == plain.word_count
        assert document._blob.startswith(codec_module.ZSTD_MAGIC) == (codec == "zstd")


def test_a_zlib_blob_reads_with_zstd_installed_and_a_zstd_blob_without_says_what_to_install(monkeypatch):
    if codec_module.zstandard is None:
        pytest.skip("zstandard is not installed")
    plain = analyse(Article(id="a", text="First sentence here. Second one follows."))
    packed = store_module.StoredDocument(plain)
    with monkeypatch.context() as patched:
        patched.setattr(codec_module, "zstandard", None)
        deflated = store_module.StoredDocument(plain)
    assert deflated.text == packed.text == plain.text and deflated.sentences == plain.sentences
    monkeypatch.setattr(codec_module, "zstandard", None)
    store_module._unpack_text.cache_clear()
    store_module._unpack.cache_clear()
    with pytest.raises(ProvenanceError, match=r"pip install 'provenance-news\[fast\]'"):
        packed.text


def test_stored_documents_keep_sentences_that_are_not_slices_of_their_text():
    import dataclasses

    plain = analyse(Article(id="a", text="First sentence here. Second one follows."))
    from provenance.analysis.tokens import tokenize

    tokens, spans = tokenize("Replaced text.")
    odd = dataclasses.replace(plain.sentences[1], text="Replaced text.", tokens=tokens, token_spans=spans)
    document = dataclasses.replace(plain, sentences=(plain.sentences[0], odd))
    stored = store_module.StoredDocument(document)
    assert stored.sentences == document.sentences and stored == document
    assert [stored.sentence_text(i) for i in range(2)] == [plain.sentences[0].text, "Replaced text."]
    texts = [plain.sentences[0].text, "Replaced text."]
    assert stored.sentence_texts() == texts and stored.sentence_count == 2
    loaded = stored.load()
    assert loaded.sentence_texts() == texts and [loaded.sentence_text(i) for i in range(2)] == texts
    assert loaded.sentence_count == 2 and loaded.sentences == document.sentences and loaded == document


def test_corpus_candidates_equal_the_index_query_below_the_floor(small_corpus, monkeypatch):
    articles, _ = small_corpus
    below_the_floor = Settings(common_floor_words=len(articles), common_floor_content=len(articles))
    sigs = signatures([analyse(a) for a in articles])
    rows = scan_candidates(search_module.matrices_of(sigs), below_the_floor)
    ids = [s.id for s in sigs]
    found = {tuple(sorted((ids[i], ids[j]))) for i, j in rows.tolist()}
    assert found == set(candidate_pairs(sigs))


def test_scale_mode_keeps_copies_and_rewrites(small_corpus, monkeypatch):
    # Pretend the corpus is large: common shingles cut, bands widened.
    articles, truth = small_corpus
    sigs = signatures([analyse(a) for a in articles])
    matrices = search_module.matrices_of(sigs)
    large = Settings(common_floor_words=5, common_floor_content=5, min_counted=8,
                     common_share_words=0.1, common_share_content=0.1, pair_budget=10)
    stats: dict = {}
    rows = scan_candidates(matrices, large, stats=stats)
    assert stats["content"]["band_rows"] > 1 and stats["content"]["common_cells"] > 0
    ids = [s.id for s in sigs]
    found = {tuple(sorted((ids[i], ids[j]))) for i, j in rows.tolist()}
    for t in truth:
        if t.kind in ("copy", "rewrite"):
            assert tuple(sorted((t.article, t.source))) in found


def test_document_frequency_estimate_from_signatures(monkeypatch):
    # 300 documents share one word; each also has 40 words of its own.
    texts = [" ".join(["common"] + [f"w{d}x{i}" for i in range(40)]) for d in range(300)]
    sigs = signatures([analyse(Article(id=f"d{d}", text=t)) for d, t in enumerate(texts)])
    matrix = search_module.matrices_of(sigs)["content"]
    frequencies = frequency_module.cell_frequencies(matrix, Settings(common_floor_words=10, common_floor_content=10))
    shared = matrix == matrix[0]  # cells where a document's least word is the shared one
    assert shared.sum() > 100
    assert abs(np.median(frequencies[shared]) - 300) < 60
    assert np.median(frequencies[~shared]) < 3


def test_jsonl_is_read_a_line_at_a_time(tmp_path):
    from provenance.readers.inputs import iter_articles

    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": f"a{i}", "text": f"Text {i}."}) for i in range(3)) + "\n")
    stream = iter_articles([feed])
    assert next(stream).id == "a0"
    assert [a.id for a in stream] == ["a1", "a2"]


def _frequencies_by_definition(matrix, settings):
    """cell_frequencies written plainly: undo each permutation, group equal
    shingles, add the row weights of the non-empty cells in order of position."""
    from provenance.fingerprint.hashing import permutations

    a, b = permutations(settings.num_perm, settings.seed, settings.minhash_scheme)
    inverse = np.array([pow(int(x), -1, 1 << 32) for x in a], dtype=np.uint64)
    shingles = ((matrix.astype(np.uint64) - b.astype(np.uint64)) * inverse).astype(np.uint32)
    _, index = np.unique(shingles.ravel(), return_inverse=True)
    index = index.reshape(matrix.shape)
    sizes = matrix.shape[1] / np.maximum((matrix / float(2**32)).sum(axis=1), 1e-12) - 1.0
    weights = np.broadcast_to((sizes / matrix.shape[1])[:, None], matrix.shape)
    empty = matrix == np.iinfo(matrix.dtype).max
    df = np.bincount(index[~empty], weights=weights[~empty], minlength=index.max() + 1)
    return df[index].astype(np.float32)


def test_document_frequencies_equal_the_definition_exactly(monkeypatch):
    """Summed in blocks of sorted cells, and still bit for bit the plain sum
    (empty cells included, and shingles spanning the blocks' cuts)."""
    generator = NewsGenerator(seed=11, words=(60, 120))
    wires = list(generator.stories(150))
    feed = generator.feed(wires, 150, mix={"copy": 1, "rewrite": 1, "partial": 1, "unrelated": 1})
    documents = [analyse(Article(id=a.id, text=a.text)) for a in wires + list(feed.articles)]
    matrix = search_module.matrices_of(signatures(documents))["content"].copy()
    matrix[:3] = np.iinfo(matrix.dtype).max  # empty signatures
    settings = Settings(common_floor_words=10, common_floor_content=10)
    expected = _frequencies_by_definition(matrix, settings)
    for block in (1 << 20, 97):  # the shipped size, and one that cuts inside the matrix
        monkeypatch.setattr(frequency_module, "_FREQUENCY_BLOCK", block)
        assert np.array_equal(frequency_module.cell_frequencies(matrix, settings), expected)


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_a_lone_surrogate_given_through_the_api_is_scanned(engine, monkeypatch):
    """The readers refuse such text; the API takes it, with either engine."""
    if engine == "numpy":
        monkeypatch.setenv("PROVENANCE_ENGINE", "numpy")
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


@pytest.mark.parametrize("granularity", ["words", "content"])
def test_threaded_estimates_give_the_same_candidates(small_corpus, monkeypatch, granularity):
    articles, _ = small_corpus
    matrix = search_module.matrices_of(signatures([analyse(a) for a in articles]))[granularity]
    # Scale mode (common cells masked) and blocks of a few pairs, so that
    # many blocks run in the threads and are put back in order.
    large = Settings(common_floor_words=5, common_floor_content=5, min_counted=8,
                     common_share_words=0.1, common_share_content=0.1)
    monkeypatch.setattr(search_module, "ESTIMATE_BLOCK", 16)
    alone, figures = search_module.granularity_candidates(matrix, granularity, large, threads=1)
    assert figures["surfaced_pairs"] > 3 * 16 and len(alone) > 10
    for threads in (2, 3):
        keys, _ = search_module.granularity_candidates(matrix, granularity, large, threads=threads)
        assert np.array_equal(keys, alone)


_LINE = st.lists(st.sampled_from(list("abc XYZ. éİ’'_-\t0½ﬁ") + ["By ", "Reuters", "(AP) - ", "2024-03-01", "\u2028", "\ufeff"]),
                 max_size=20).map("".join)
_ARTICLE_TEXT = st.lists(_LINE, max_size=6).map("\n\n".join)


@given(_ARTICLE_TEXT, st.sampled_from([None, "Given title"]))
@settings(max_examples=200, deadline=None)
def test_a_document_stored_from_its_read_sentences_equals_the_analysed_one(text, title):
    """A scan stores articles from their sentences' places, without
    sentence objects: the same document, metadata and blob."""
    from provenance.analysis.document import read_sentences

    article = Article(id="a", text=text, title=title, url="https://example.com/a")
    read = read_sentences(article)
    stored = store_module.StoredDocument.of_read(read, 7)
    from_document = store_module.StoredDocument(analyse(article), 7)
    assert stored._blob == from_document._blob and stored._odd == from_document._odd
    assert stored == analyse(article) and stored.word_count == 7
    assert stored.sniffed == from_document.sniffed and stored.title == from_document.title
    assert read.matching_text() == "\n".join(s.text for s in analyse(article).sentences)


def test_a_threshold_that_leaves_one_lsh_band_is_a_clear_error(seeds_dir):
    from provenance import Settings, scan
    from provenance.errors import ConfigError

    with pytest.raises(ConfigError, match="single band.*raise num_perm"):
        scan([seeds_dir], settings=Settings(num_perm=16, word_lsh_threshold=0.99))
