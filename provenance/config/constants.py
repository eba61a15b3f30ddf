"""Constants of the pipeline that are not settings: what defines a document
(the text format, named by TEXT_VERSION), and tuned values that an index
stores or that change only how fast an answer comes. Each says what it was
calibrated on."""

from __future__ import annotations

#: Settings that change signatures or tokens; persisted with every index.
FINGERPRINT_FIELDS = (
    "num_perm",
    "seed",
    "minhash_scheme",
    "shingle_hash",
    "word_shingle_size",
    "content_shingle_size",
    "language",
    "text_version",
)

#: Bumped whenever normalisation, tokenising or shingling changes output.
#: 2: shingles hashed from token hashes ("token-fnv1a64") instead of SHA-1
#: of the shingle text.
#: 3: format characters stripped, all line separators are newlines, stricter
#: attribution lines (tokens and sentences differ for some texts).
TEXT_VERSION = 3

# --- the text format ---------------------------------------------------------
# How analysis reads an article. These define documents (and so tokens and
# signatures) as TEXT_VERSION names them: they are not settings, since an
# index built under one value must not be queried under another; changing
# one means bumping TEXT_VERSION. Set on the seeds and METER's courts
# articles (wire copy with datelines and bylines; newspapers with site names
# and hard-wrapped lines).

#: Attribution lines (datelines, bylines, dates) are looked for in the first
#: this many paragraphs; later a "By ..." line is body text.
TOP_PARAGRAPHS = 4
#: A first paragraph standing alone and at most this long is a headline.
TITLE_MAX_CHARS = 200
#: A line shorter than this never wraps onto the next (dates, site names,
#: headings); scaled down for texts wrapped narrower than 80 columns.
MIN_WRAPPED_LINE = 40
#: A line longer than this is body text, never an attribution line.
ATTRIBUTION_MAX_CHARS = 300
#: A "Source: X" line names an outlet only if X is at most this many
#: characters and words (a longer one is a sentence). A sign-off line
#: ("- Reuters", "Reuters/AFP"), which the judge reads at a text's edges
#: without setting it apart, is at most SOURCE_NAME_MAX_CHARS long too.
SOURCE_NAME_MAX_CHARS = 60
SOURCE_NAME_MAX_WORDS = 6

# --- fixed calibrations ------------------------------------------------------
# Tuned values that are not settings: an index stores what they made, or
# they change only how fast an answer comes, never the answer.

#: (false-positive, false-negative) weights for datasketch's choice of LSH
#: bands: a missed pair is lost for good, a false one costs one estimate.
#: A Redis index builds datasketch's MinHashLSH with them, so they are part
#: of what an index was made with.
RECALL_WEIGHTS = (0.05, 0.95)
#: Candidate sources the gate aligns per incoming article, most similar
#: first (``check --max-candidates``' default): on METER courts the source
#: of a derived article ranks first for 96% of articles (benchmarks/README.md).
DEFAULT_MAX_CANDIDATES = 3
#: Articles per work unit of ``index add``: large enough to amortise pickling.
INDEX_TASK_SIZE = 64
#: The collector's pace while a scan runs. A scan makes millions of small
#: objects that mostly live until its end; at Python's default pace (700,
#: 10, 10) the collector traverses them over and over, about a tenth of a
#: worker's time (benchmarks/README.md, Speed).
SCAN_GC_THRESHOLDS = (10_000, 20, 20)
#: Distinct tokens, stems or character n-grams the TF-IDF vocabulary holds
#: before its ids start afresh (token ids must fit 21 bits, stems 23).
VOCABULARY_LIMIT = 2_000_000
