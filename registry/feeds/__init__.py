"""Feeds of status changes: Atom (RFC 4287) and JSON Feed 1.1, for the whole registry,
per scheme, per certification body and per holder.

Each item is one log entry that changed a certificate's status; its id,
``tag:<origin host>,2026:log/<index>`` (RFC 4151), never changes because the entry never
does. Feeds are read fresh after every committed change, so a suspension is in every
feed that concerns it at the very next request.
"""
