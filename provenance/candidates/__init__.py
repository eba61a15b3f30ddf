"""Candidates: which pairs of a scan's articles might share text, found from
their signature matrices by LSH bands, leaving out the cells (shingles)
that too many articles share."""

from .bands import RECALL_WEIGHTS, lsh_layout
from .search import granularity_candidates, merge_candidates

__all__ = ["RECALL_WEIGHTS", "granularity_candidates", "lsh_layout", "merge_candidates"]
