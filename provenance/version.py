"""The package's version, importable without loading any stage."""

__version__ = "0.1.0"
