"""The files crawlers and security researchers look for at fixed places: ``robots.txt``,
``sitemap.xml`` (a sitemap index over files of at most 50,000 addresses, as the sitemaps
protocol allows) and ``/.well-known/security.txt`` (RFC 9116)."""
