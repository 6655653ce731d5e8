"""Open data: the whole registry as files anyone may take (CC0-1.0).

``/api/v1/export/certificates.jsonl`` and ``/api/v1/export/findings.csv`` stream the
current state page by page; ``registry snapshot`` (daily in every server, or by hand)
keeps the JSONL export of each day as a gzip file under ``/data/`` and publishes its
SHA-256 in the transparency log, so anyone can show that a copy is the one served.
"""
