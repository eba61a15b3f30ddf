"""Candidates: which pairs of a scan's articles might share text, found from
their signature matrices by LSH bands, leaving out the cells (shingles)
that too many articles share.

Signatures live in one ``(articles x num_perm)`` matrix per granularity
(4 bytes a value: 1M articles at 128 permutations and two granularities take
1 GB). Candidates come from *collision counting* rather than from bucket
sets: in permutation ``k`` two articles collide when their MinHash values
are equal, i.e. when the same shingle is the least of both; the share of the
``num_perm`` permutations in which they collide is the Jaccard estimate. A
pair is a candidate when that estimate reaches the granularity's threshold
(``CandidateSettings.word_lsh_threshold``, ``content_lsh_threshold``) -- the one-row-band LSH
of the previous design followed by its signature-estimate filter, computed
in one vectorised pass (sort each permutation's column, pair up equal
values, count).

**Common shingles.** At a few hundred articles that is all. At scale two
things break it: the commonest content words ("government", "year") make
unrelated articles collide in most permutations (collision volume grows
with the square of the corpus), and boilerplate (datelines, an outlet's
trailer) pushes unrelated articles of one outlet over the low word
threshold. A shingle held by more than ``max(common_floor, common_share * articles)``
(``CandidateSettings``, per granularity) articles is therefore *common*: a permutation
whose least shingle (for the pair: the lesser of the two values) is common
is left out of the pair's estimate, which becomes the Jaccard of the two
articles' uncommon shingles -- an IDF cut -- and needs ``min_counted``
permutations left. Near-duplicates (``near_duplicate`` over all shingles)
pass whatever they share, so a widely republished story is not cut as
boilerplate. A shingle's document frequency is estimated from the
signatures alone: the MinHash value identifies its shingle (the
permutation is a bijection), and an article of ``m`` shingles holds its
least one in a given permutation with probability ``1/m``, so summing
``m / num_perm`` over the (article, permutation) cells where a shingle is
the least estimates how many articles hold it; ``m`` is estimated from the
signature too.

**Short texts in long ones.** Jaccard punishes a small set inside a big
one: a 40-word brief of a 400-word story stays under the content threshold
however much of it comes from the story. A pair is also a candidate when
one text's content words lie in the other's: the containment estimate
(:mod:`.containment`, from the same signatures) reaches
``content_containment`` on at least ``containment_min_shared`` distinct
shared shingles. Every index's query applies the same rule to its query
(the query's containment in a stored text), so a scan and a check find the
same short articles.

**Bands.** Counting single collisions costs the number of colliding
(pair, permutation) cells. When that would exceed ``pair_budget`` for a
granularity, its permutations are grouped into bands of two (then three)
rows, and a pair is surfaced only when a whole band collides (recall
``1 - (1 - J**r) ** (num_perm / r)``: 0.998 at J = 0.3 with r = 2 and 128
permutations). A band counts only where both its cells are uncommon, and
half an article's least shingles may be common, so disjoint two-row bands
miss pairs of modest overlap (partial reuse): two-row bands pair each
permutation with each of the next few instead (:func:`.bands.band_strides`:
as many as surface a pair at the threshold with probability
``band_recall``, within the budget). Where bands are wider still (three
rows, or two when not one stride fits), a pair is also surfaced when it
collides once on a shingle held by at most ``rare_df`` articles. Surfaced
pairs are then checked with the estimates. ``benchmarks/speed.py`` reports
the recall this gives on planted copies, rewrites and partial reuse.

**Families of near-duplicates.** A wire's thousand near-identical briefs
are a thousand articles every pair of which is a near-duplicate: half a
million pairs to surface, estimate and judge, the square of an untrusted
count. Where the runs of bands of ``near_rows`` or more rows would give
more than ``pair_budget`` pairs, a run of more than
``near_duplicate_partners`` articles gives only the pairs of its first that
many (by ``rank``: the likeliest sources, ``stories.source_rank``) with the
rest; and of the pairs that pass, an article keeps its
``near_duplicate_partners`` nearest near-duplicates (the most similar,
then the likeliest sources), each pair kept if either article keeps it.
The family stays one group, its likeliest source paired with every
member, and the pairs grow with the family, not its square. No ordinary
feed reaches either cap. ``MemoryIndex.query`` (one signature against an
index) keeps datasketch's recall-weighted band layout and the plain
estimate, exactly as before.
"""

from .bands import RECALL_WEIGHTS, lsh_layout
from .search import granularity_candidates, merge_candidates

__all__ = ["RECALL_WEIGHTS", "granularity_candidates", "lsh_layout", "merge_candidates"]
