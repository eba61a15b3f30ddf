"""Candidate search: which stored articles might share text with a query.

An index holds :class:`~provenance.model.Signature` objects (and, in the
persistent backends, the analysed documents) and answers "which keys could
be near this signature?" through LSH at each shingle granularity. It never
decides anything: the aligner does. Backends implement the
:class:`CandidateIndex` interface (:mod:`.base`); :func:`open_index` chooses
one by the location's scheme (:mod:`.backends`), and :func:`register_backend`
adds one.
"""

from ..model import GRANULARITIES
from .backends import (
    BackendFactory,
    backend_schemes,
    open_index,
    register_backend,
    scheme_of,
)
from .base import (
    AddReport,
    CandidateIndex,
    IndexEntry,
    IndexInfo,
    StoredArticle,
    check_parameters,
    stored_article,
    text_digest,
)

__all__ = [
    "GRANULARITIES",
    "AddReport",
    "BackendFactory",
    "CandidateIndex",
    "IndexEntry",
    "IndexInfo",
    "StoredArticle",
    "backend_schemes",
    "check_parameters",
    "open_index",
    "register_backend",
    "scheme_of",
    "stored_article",
    "text_digest",
]
