"""The contract both sides share, and pure domain logic: pydantic and the standard library only."""
