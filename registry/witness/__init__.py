"""A C2SP tlog-witness anyone can run: ``registry witness init`` / ``serve``.

The witness follows logs it is told about (origin and verifier key), remembers the
latest checkpoint it cosigned for each in its own small SQLite database, and cosigns a
new checkpoint only when a consistency proof shows that it extends that one. It shares
no code path with the registry's own service and needs none of its database or keys.
"""
