"""Alignment: the sentence ledger of a derived text against its source."""

from .ledger import align

__all__ = ["align"]
