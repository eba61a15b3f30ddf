"""Small numpy helpers over sorted integer arrays.
"""

from __future__ import annotations

import numpy as np


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` for a 1-D array, by sorting. numpy 2.3+ answers
    ``np.unique`` with a hash table, which costs ten times more on the few
    hundred values of one document (and sorts afterwards anyway)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
