"""Blob HTTP uses headers and raw bodies; there are no JSON schemas for this feature."""
