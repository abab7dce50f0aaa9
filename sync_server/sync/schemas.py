"""Sync wire types live in ``schemas.sync`` (shared with the app); re-exported here for the router."""

from schemas.sync import Change, PullRequest, PullResponse, PushRequest, PushResponse, Rejection

__all__ = ["Change", "PullRequest", "PullResponse", "PushRequest", "PushResponse", "Rejection"]
