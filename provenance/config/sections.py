"""The sections of :class:`~provenance.config.Settings`, one per stage, each
a frozen dataclass validated on construction; every field says what it was
calibrated on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ConfigError
from .constants import TEXT_VERSION


class _Section:
    """Validation shared by the sections (each lists its checks in ``_checks``)."""

    _checks: ClassVar[tuple[tuple[str, str, Any], ...]] = ()

    def __post_init__(self) -> None:
        for name, kind, bounds in self._checks:
            value = getattr(self, name)
            if kind == "int":
                _check_int(name, value, *bounds)
            elif kind == "fraction":
                _check_fraction(name, value)
            elif kind == "positive":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                    raise _bad(name, value, "a positive number")
            elif kind == "choice":
                if value not in bounds:
                    raise _bad(name, value, "one of " + ", ".join(bounds))


@dataclass(frozen=True, kw_only=True)
class FingerprintSettings(_Section):
    """How a document becomes MinHash signatures (see provenance.fingerprint)."""

    num_perm: int = 128
    seed: int = 1
    minhash_scheme: str = "affine32"
    # How a shingle becomes the integer MinHash permutes: "token-fnv1a64"
    # hashes each token once (FNV-1a, MurmurHash3 finaliser) and chains the
    # token hashes of an n-gram (see fingerprint/hashing.py).
    shingle_hash: str = "token-fnv1a64"
    # Word n-grams of folded tokens: near-copies share many of these.
    word_shingle_size: int = 5
    # n-grams of stemmed content words (stop words removed): paraphrases keep
    # the content words but not their order or function words.
    content_shingle_size: int = 1
    language: str = "en"
    text_version: int = TEXT_VERSION
    # How much of one article analysis reads (provenance.analysis.limits):
    # past these an article is cut, with a warning naming it, so that what a
    # hostile input costs stays bounded -- its analysis, and the sentence by
    # sentence matrices of a pair (a similarity and a gram matrix of
    # max_sentences squared: 200 MB each at most). Far above any news
    # article: the longest of the seeds, METER courts (PA copy joined per
    # story included) and MSR has 31,516 characters, 255 sentences and 160
    # words in a sentence; a long feature runs to 10,000 words, some 60,000
    # characters and 500 sentences. A "sentence" longer than
    # max_sentence_words (a text without punctuation) is split into pieces
    # of at most that many words. No real article reaches them, so they are
    # not among the parameters an index stores.
    max_article_chars: int = 2_000_000
    max_sentences: int = 5_000
    max_sentence_words: int = 1_000

    _checks: ClassVar = (
        ("num_perm", "int", (16, 1024)),
        ("seed", "int", (0, 2**32 - 1)),
        ("minhash_scheme", "choice", ("affine32", "affine64")),
        ("shingle_hash", "choice", ("token-fnv1a64",)),
        ("word_shingle_size", "int", (1, 12)),
        ("content_shingle_size", "int", (1, 4)),
        ("language", "choice", ("en",)),
        ("max_article_chars", "int", (1_000, 2**40)),
        ("max_sentences", "int", (1, 2**31)),
        ("max_sentence_words", "int", (1, 2**31)),
    )


@dataclass(frozen=True, kw_only=True)
class CandidateSettings(_Section):
    """Which pairs are worth judging (see provenance.candidates)."""

    # A pair is a candidate when its estimated Jaccard reaches the threshold
    # at either granularity. The seeds' heavy paraphrase (001) has word
    # 5-gram Jaccard 0.04 with its wire but content-word Jaccard 0.38; the
    # partial rewrites (003, 004) have content Jaccard 0.18-0.20, while
    # unrelated news articles sit near 0.03. LSH banding for these low
    # thresholds is weighted for recall; the estimate from the full
    # signature then removes the false positives.
    word_lsh_threshold: float = 0.03
    content_lsh_threshold: float = 0.10
    # A short text inside a long one (a 40-word brief of a 400-word wire
    # story) has a small Jaccard however much of it comes from the other:
    # |A & B| / |A | B| is at most |A| / |B|. A pair is therefore also a
    # candidate when one text's content words lie in the other's: their
    # containment estimate (provenance.candidates.containment) reaches
    # content_containment on at least containment_min_shared distinct shared
    # words (a three-word snap, "The case was adjourned until tomorrow.",
    # lies wholly in every report using it). Every index query takes the
    # query's containment in a stored text, by the same rule. Set on METER
    # courts: of its 131 wholly or partially derived newspaper articles of
    # 80 words or fewer, 127 had a wire text of their story among a scan's
    # candidates and 119 among a check's; with 0.5 and 5, 130 and 128,
    # football382_star among them (Jaccard 0.13 with its source, containment
    # 0.77), for 535 more scan pairs (246 within one story) of the 1.02
    # million. The one left, sleep574_star, has a containment of 0.48; a
    # bar of 0.6 or 6 shared words finds one or two fewer. Counting equal
    # values instead of distinct words let such snaps link unrelated
    # stories: the scan's largest cluster grew from 411 to 526 articles.
    content_containment: float = 0.5
    containment_min_shared: int = 5
    # A signature cell (one permutation's minimum) shared by more articles
    # than max(floor, share * articles) is boilerplate -- a publisher's
    # trailer, a stock phrase -- and is left out of the band keys. Set on the
    # synthetic speed corpus (benchmarks/speed.py: every article ends with
    # its publisher's trailer) so that recall of planted copies and rewrites
    # stays 1.0 / 0.99 at 20,000 and 100,000 articles while the common
    # buckets stop joining thousands of unrelated articles.
    common_floor_words: int = 50
    common_floor_content: int = 500
    common_share_words: float = 0.002
    common_share_content: float = 0.02
    # A pair's estimate is counted over at least this many usable cells, else
    # over all of them (the estimate of a short article would be noise).
    min_counted: int = 32
    # Articles sharing this share of all their cells are near-duplicates:
    # found through NEAR_ROWS-row bands even when their cells are common
    # (many near-identical briefs).
    near_duplicate: float = 0.3
    near_rows: int = 4
    # An article keeps at most this many of its near-duplicates as
    # candidates: the most similar, then the likeliest sources (earliest,
    # wire copy, longest: stories.source_rank), so that a feed of thousands
    # of near-identical briefs is not judged pair by pair; and where bands
    # of near_rows or more rows would give more than pair_budget pairs, a
    # run of more articles is paired only with its first this many. No
    # ordinary feed meets it: METER courts scanned as one feed (1,427 texts)
    # has at most 12 near-duplicate partners an article, the 20,000- and
    # 100,000-article speed corpora 5 and 11 candidates of any kind (the
    # candidates of all three are unchanged). 10,000 near-identical briefs
    # then make 160,000 pairs, not 50 million.
    near_duplicate_partners: int = 16
    # Where the collisions of single cells would exceed pair_budget and the
    # search takes bands of two cells, each permutation is paired with the
    # next few, so many that a pair at the threshold (equal in threshold of
    # the median article's uncommon cells) is surfaced with this
    # probability (provenance.candidates.bands.band_strides), within
    # pair_budget. Set on the 100,000-article speed corpus
    # (benchmarks/README.md, Speed): its 64 disjoint two-row bands surfaced
    # 0.52 of the planted partial reuse, since half an article's least
    # shingles are common there and a band needs two uncommon ones; 0.9
    # takes 8 strides (1,024 bands) and finds 0.956 of them, 0.8 takes 6
    # (0.946). Below that size single cells fit the budget and nothing
    # changes.
    band_recall: float = 0.9
    # Where bands are wider still (three rows, or two where not even one
    # stride fits the budget), a cell shared by at most this many articles
    # is rare: pairs sharing one are estimated even when no band collides
    # (partial reuse). At two rows the strided bands
    # above find these pairs and more: on the 100,000-article corpus a
    # shared shingle held by at most 50 articles added 0.0006 to their
    # 0.956 of the partials, for 44 MB; story words are held by 100-300
    # articles at that size, and raising the bound to 250 or 400 gave
    # 0.887 or 0.944 for 1.1 or 1.9 GB in the search alone.
    rare_df: int = 50
    # At most this many surfaced pairs are estimated per granularity (memory).
    pair_budget: int = 30_000_000

    _checks: ClassVar = (
        ("word_lsh_threshold", "fraction", None),
        ("content_lsh_threshold", "fraction", None),
        ("content_containment", "fraction", None),
        ("containment_min_shared", "int", (1, 1024)),
        ("common_floor_words", "int", (1, 2**31)),
        ("common_floor_content", "int", (1, 2**31)),
        ("common_share_words", "fraction", None),
        ("common_share_content", "fraction", None),
        ("min_counted", "int", (1, 1024)),
        ("near_duplicate", "fraction", None),
        ("near_rows", "int", (1, 1024)),
        ("near_duplicate_partners", "int", (1, 1 << 20)),
        ("band_recall", "fraction", None),
        ("rare_df", "int", (2, 2**31)),
        ("pair_budget", "int", (1, 2**62)),
    )

    def common_floor(self, granularity: str) -> int:
        return self.common_floor_words if granularity == "words" else self.common_floor_content  # (model.WORDS)

    def common_share(self, granularity: str) -> float:
        return self.common_share_words if granularity == "words" else self.common_share_content


@dataclass(frozen=True, kw_only=True)
class AlignSettings(_Section):
    """The sentence ledger (see provenance.align and provenance.matching)."""

    # The sentence matcher: a registered name or a factory taking the shared
    # vocabulary (see provenance.matching.matcher). "meaning" (TF-IDF raised
    # by a static sentence embedding where the words leave a sentence
    # unmatched, provenance.matching.meaning) against "tfidf" alone: MSR test
    # accuracy 0.718 against 0.704; the seeds' paraphrases matched (001's
    # eighteen sentences, 003's lead); METER courts token macro-F1 0.626
    # against 0.635, 1.19 times the 20,000-article scan's time before it
    # (benchmarks/README.md, "The meaning-aware ledger").
    matcher: str | Callable[..., Any] = "meaning"
    # A derived sentence whose best match scores below this is "added".
    # Chosen by 5-fold cross-validation on METER courts (0.25-0.45 tried):
    # within one court story independent reports share names and quoted
    # testimony, which 0.30 took for rewrites. The MSR paraphrase train
    # split alone prefers 0.36 (test accuracy 0.715 there, 0.707 at 0.30).
    rewrite_threshold: float = 0.40
    # Lower bar for a sentence lying between two matches, near the source
    # position they imply: ordered paraphrase (the seeds' 001) keeps its place
    # even where it keeps few words.
    gap_threshold: float = 0.15
    # How far (in source sentences) from the anchors' diagonal a gap match may lie.
    gap_band: float = 1.5
    # Share of a derived sentence's words inside copied runs above which the
    # sentence counts as verbatim rather than a rewrite.
    verbatim_share: float = 0.8
    # Shortest run of consecutive words, inside a matched sentence, counted as
    # copied verbatim (its spans, verbatim share and label). 2 rather than 3 on
    # METER courts: token macro-F1 0.620 -> 0.634, Verbatim F1 0.76 -> 0.79
    # (benchmarks/README.md). Whether a sentence matches at all still needs
    # runs of match_run+ words, so this changes no match.
    min_verbatim_words: int = 2
    # A derived sentence with this share of its words in copied runs of at
    # least match_run words (or min_verbatim_words if longer) is a match
    # whatever its cosine: a shorter kept run (a name, "the court") shows as a
    # span of a matched sentence but is no evidence of a match. Set on the
    # seeds and METER courts with the thresholds above.
    copied_match_share: float = 0.5
    match_run: int = 3
    # A source sentence joins a derived sentence's merge group only if it
    # alone is merge_floor similar to it and the union's cosine rises by at
    # least merge_gain; at most max_merge sentences merge (a derived sentence
    # condensing two to four source sentences, as the seeds' 001 does).
    merge_floor: float = 0.15
    merge_gain: float = 0.02
    max_merge: int = 4
    # Shared quotations (provenance.align.quoting): a match whose shared
    # content words lie mostly in quotations, with the frames naming their
    # speakers, on both sides is "quoted", not reuse of the source's prose.
    # Off: such matches are verbatim or rewrite, as before.
    label_quotations: bool = True
    # Two sentences of one text are twins (a paragraph printed twice with
    # small changes, as in the seeds' 004) when each has twin_min_words
    # distinct content words and their content stems overlap by twin_overlap
    # (Dice); an added twin takes its matched twin's source sentences. Set
    # on the seeds: 004's twins overlap 0.56-0.71, the closest non-twin
    # sentences of the seeds 0.45 (a sentence and its follow-up).
    twin_min_words: int = 5
    twin_overlap: float = 0.5

    _checks: ClassVar = (
        ("rewrite_threshold", "fraction", None),
        ("twin_min_words", "int", (1, 1000)),
        ("twin_overlap", "fraction", None),
        ("gap_threshold", "fraction", None),
        ("gap_band", "positive", None),
        ("verbatim_share", "fraction", None),
        ("min_verbatim_words", "int", (1, 50)),
        ("copied_match_share", "fraction", None),
        ("match_run", "int", (1, 50)),
        ("merge_floor", "fraction", None),
        ("merge_gain", "fraction", None),
        ("max_merge", "int", (1, 16)),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if not (isinstance(self.matcher, str) or callable(self.matcher)):
            raise _bad("matcher", self.matcher, "a matcher's name or a callable")


@dataclass(frozen=True, kw_only=True)
class VerdictSettings(_Section):
    """From a pair's figures to its verdict (see provenance.judge.decide)."""

    # "model": the verdict model (provenance/data/verdict_model.json, trained
    # on METER courts by benchmarks/train_verdict.py) weighs how much of the
    # text lies in runs copied from the source; the sentence ledger can raise
    # its verdict through the bars below, which is how a paraphrase that
    # copies little is still a rewrite (see judge.decide). "rules": the bars
    # below alone decide, from the ledger's shares.
    method: str = "model"
    # Whole reuse is a copy when this share of the words lies in copied runs
    # of 3+ words (rules: in copied runs inside matched sentences, with at
    # least copy_min_matched of the words matched).
    copy_min_matched: float = 0.75
    copy_min_verbatim: float = 0.6
    # Shares of the derived article's words in matched sentences at which the
    # ledger alone shows whole reuse (every matched sentence counts) or
    # partial reuse (only sentences of the source's own prose, not shared
    # quotations, with at least partial_min_sentences of them). Chosen with
    # the model by 5-fold cross-validation on METER courts under the
    # "meaning" matcher (benchmarks/train_verdict.py, benchmarks/README.md),
    # capped by the seeds: 003 (20% of its words in three sentences of the
    # wire's own prose) stays partial, so partial_min_matched is 0.175, the
    # highest grid value under that; every fold chose it. The folds would
    # take a rewrite bar of 0.90-0.95 (no higher: 001, all 18 sentences
    # matched, must stay a rewrite without its weakest); METER's wholly
    # derived articles are copies and cannot say how much of a paraphrase
    # must match, so the bar is set lower, where a rewrite that leaves out or
    # adds a sentence in seven stays a rewrite: 0.85 cross-validates at 0.627
    # (sd 0.036) against the best 0.640. 0.80 is within one sd too (0.611),
    # but on courts as one feed (benchmarks/feed.py) it calls 27 of the 166
    # non-derived papers copy or rewrite, against 22 at 0.85.
    rewrite_min_matched: float = 0.85
    partial_min_matched: float = 0.175
    partial_min_sentences: int = 2

    _checks: ClassVar = (
        ("method", "choice", ("model", "rules")),
        ("copy_min_matched", "fraction", None),
        ("copy_min_verbatim", "fraction", None),
        ("rewrite_min_matched", "fraction", None),
        ("partial_min_matched", "fraction", None),
        ("partial_min_sentences", "int", (1, 1000)),
    )


@dataclass(frozen=True, kw_only=True)
class DirectionSettings(_Section):
    """Which of two texts is the source (see provenance.judge.direction)."""

    # Points for each clue: an earlier publication date, a wire dateline or
    # outlet the other lacks, being credited by the other (each decisive
    # alone), and holding more of the other's word trigrams (a tie-breaker).
    # Set on the seeds (the wire 002 is the source of all four others) and
    # METER courts (PA copy is the source; newspapers a day later).
    date_points: int = 2
    wire_points: int = 2
    credit_points: int = 2
    containment_points: int = 1
    # The least difference of the two texts' containments of each other's
    # word trigrams that counts as a clue.
    containment_margin: float = 0.05

    _checks: ClassVar = (
        ("date_points", "int", (0, 100)),
        ("wire_points", "int", (0, 100)),
        ("credit_points", "int", (0, 100)),
        ("containment_points", "int", (0, 100)),
        ("containment_margin", "fraction", None),
    )


@dataclass(frozen=True, kw_only=True)
class StorySettings(_Section):
    """Which articles make one story (see provenance.stories)."""

    # Content-word Jaccard above which two articles are on the same story
    # even when neither reuses the other's text.
    story_similarity: float = 0.15
    # Two articles are linked into one story only by a verdict of reuse
    # whose ledger matches at least this many sentences of the derived
    # text: one shared sentence is what stock phrasing looks like ("The
    # case was adjourned until tomorrow.", word for word in three stories of
    # METER courts), two are prose. Calibrated on METER courts as one feed
    # (benchmarks/README.md, Feed): 1 lets one-sentence wire texts join
    # stories of their day; 3 splits stories without keeping more apart.
    story_min_sentences: int = 2
    # ... and only when their publication dates are at most this many
    # days apart (undated articles are not held apart): a morning paper
    # carries the previous day's wire; a trial reported again weeks later
    # is another story that quotes the first. Calibrated on METER courts
    # (0 splits the wire from papers dated the morning after; 2 merges the
    # days of one trial into one cluster; no window at all: story ARI 0.44
    # and a mixed cluster of 142 articles, against 0.80 and 41).
    story_days: int = 1
    # Whole reuse (copy, rewrite), and partial reuse of at least this share
    # of the derived article's words, link whatever the dates: an article
    # half made of the source's text derives from it even when it ran days
    # later (a weekly, a weekend edition). Not a fit: the partial/whole
    # divide of the verdict's own ledger bars lies between 0.15 and 0.80.
    story_strong_share: float = 0.5

    _checks: ClassVar = (("story_similarity", "fraction", None), ("story_min_sentences", "int", (1, 1000)),
                         ("story_days", "int", (0, 36500)), ("story_strong_share", "fraction", None))


@dataclass(frozen=True, kw_only=True)
class ScanSettings(_Section):
    """How a scan divides its work (see provenance.pipeline); no effect on
    results, which are the same for any values (a test varies them)."""

    # Articles per work unit of the first round: large enough that a unit's
    # pickling is small beside its work, small enough to keep workers even.
    chunk: int = 256
    # Candidate pairs per work unit of the judging rounds.
    pair_batch: int = 64
    # A group of linked candidate pairs with more pairs than this is judged
    # in two rounds spread over every worker rather than whole in one unit
    # (0: every group in two rounds).
    whole_component: int = 256
    # Below this many articles a scan runs in this process whatever ``jobs``
    # says: starting workers costs more than the work (measured on the seeds
    # and 400-article synthetic feeds).
    parallel_from: int = 400
    # Documents (and their features) a worker keeps between work units.
    worker_cache: int = 300
    # A Spark scan of at most this many articles searches for candidates on
    # the driver (their signatures: 1 KB an article), above it over
    # DataFrames (provenance.spark.candidates); the pairs are the same.
    # Each of the distributed search's few dozen Spark jobs costs a second or
    # so even on a handful of articles, where the driver takes milliseconds.
    spark_driver_search: int = 20_000

    _checks: ClassVar = (
        ("chunk", "int", (1, 1 << 20)),
        ("pair_batch", "int", (1, 1 << 20)),
        ("whole_component", "int", (0, 1 << 30)),
        ("parallel_from", "int", (1, 1 << 40)),
        ("worker_cache", "int", (1, 1 << 20)),
        ("spark_driver_search", "int", (0, 1 << 40)),
    )


#: The sections, by the name a :class:`Settings` gives them.
SECTIONS: dict[str, type] = {
    "fingerprint": FingerprintSettings,
    "candidates": CandidateSettings,
    "align": AlignSettings,
    "verdict": VerdictSettings,
    "direction": DirectionSettings,
    "stories": StorySettings,
    "scan": ScanSettings,
}


def _bad(name: str, value: Any, expected: str) -> ConfigError:
    return ConfigError(f"setting {name}={value!r} is invalid: expected {expected}")


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(name, value, f"an integer from {low} to {high}")


def _check_fraction(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise _bad(name, value, "a number from 0 to 1")
