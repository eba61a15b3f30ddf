"""How many articles share each signature cell: the estimate, and the
blocked sum equal to the plain definition bit for bit."""

import numpy as np

from benchmarks.generate import NewsGenerator
from provenance import Article, Settings, analyse
from provenance.candidates import frequency as frequency_module
from provenance.fingerprint.minhash import signatures
from tests.reference import matrices_of


def test_document_frequency_estimate_from_signatures(monkeypatch):
    # 300 documents share one word; each also has 40 words of its own.
    texts = [" ".join(["common"] + [f"w{d}x{i}" for i in range(40)]) for d in range(300)]
    sigs = signatures([analyse(Article(id=f"d{d}", text=t)) for d, t in enumerate(texts)])
    matrix = matrices_of(sigs)["content"]
    frequencies = frequency_module.cell_frequencies(matrix, Settings(common_floor_words=10, common_floor_content=10))
    shared = matrix == matrix[0]  # cells where a document's least word is the shared one
    assert shared.sum() > 100
    assert abs(np.median(frequencies[shared]) - 300) < 60
    assert np.median(frequencies[~shared]) < 3


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
    matrix = matrices_of(signatures(documents))["content"].copy()
    matrix[:3] = np.iinfo(matrix.dtype).max  # empty signatures
    settings = Settings(common_floor_words=10, common_floor_content=10)
    expected = _frequencies_by_definition(matrix, settings)
    for block in (1 << 20, 97):  # the shipped size, and one that cuts inside the matrix
        monkeypatch.setattr(frequency_module, "_FREQUENCY_BLOCK", block)
        assert np.array_equal(frequency_module.cell_frequencies(matrix, settings), expected)
