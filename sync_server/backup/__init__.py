"""``inspectie-server backup`` and ``restore``: the database and the photo store as one consistent set."""
