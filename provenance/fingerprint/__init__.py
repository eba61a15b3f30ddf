"""Fingerprints: MinHash signatures of documents at each shingle granularity,
datasketch-compatible (see :mod:`provenance.fingerprint.minhash`)."""

from .hashing import permutations, scheme_width, shingle_hash, stem_hash_of, token_hash
from .minhash import (
    signature,
    signatures,
    signatures_of_token_lists,
    sketch_texts,
    sketch_texts_counted,
)

__all__ = ["permutations", "scheme_width", "shingle_hash", "signature", "signatures",
           "signatures_of_token_lists", "sketch_texts", "sketch_texts_counted", "stem_hash_of", "token_hash"]
