"""What the well-known files read: the sitemaps from the store, the security contact and
the public URL from the settings, the time from the clock. Knows nothing of HTTP."""

from __future__ import annotations

from datetime import datetime

from registry.transparency.unit_of_work import UnitOfWork
from registry.wellknown import sitemaps


class WellKnownService:
    """The sitemaps and the facts ``robots.txt`` and ``security.txt`` state."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    @property
    def public_url(self) -> str:
        return self.uow.settings.public_url

    @property
    def security_contact(self) -> str | None:
        return self.uow.settings.security_contact

    def now(self) -> datetime:
        return self.uow.clock()

    def sitemap_index(self) -> bytes:
        with self.uow.db.read() as session:
            files = sitemaps.file_count(session)
        return sitemaps.index(self.public_url, files)

    def sitemap_file(self, name: str, certificates_file: int | None) -> bytes | None:
        """``pages.xml``, or the certificate file numbered ``certificates_file``; None when
        there is no such file."""
        with self.uow.db.read() as session:
            if name == "pages.xml":
                return sitemaps.pages(session, self.public_url)
            if certificates_file is not None:
                return sitemaps.certificates(session, self.public_url, certificates_file)
        return None
