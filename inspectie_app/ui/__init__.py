"""Flet views: the inspector's tablet app and the office (team lead) app."""
