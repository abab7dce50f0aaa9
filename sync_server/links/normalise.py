"""Moved to ``schemas.identifiers`` (one normaliser for the tablet and the server); kept for old imports."""

from schemas.identifiers import hint, normalise

__all__ = ["hint", "normalise"]
