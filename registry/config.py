"""Settings, read from ``REGISTRY_*`` environment variables and passed in, never global.

``Settings.from_env()`` is called by the command line and the ASGI entry point; tests build
``Settings`` directly so that every test owns its database and keys folder.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from registry.errors import InvalidInputError

# Re-exported: the key store owns the default, so the two can never disagree.
from registry.signing.keystore import DEFAULT_KDF_ROUNDS as DEFAULT_KDF_ROUNDS


@dataclass(frozen=True)
class MailSettings:
    """Outgoing e-mail: SMTP when a host is set, else files in a folder (see identity/mail.py)."""

    host: str | None = None
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "registry@localhost"
    folder: Path | None = None  # None: ``mail-outbox`` beside the keys folder

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MailSettings:
        env = os.environ if env is None else env
        port = env.get("REGISTRY_SMTP_PORT") or "25"
        if not port.isdigit():
            raise ValueError(f"REGISTRY_SMTP_PORT must be a port number, got {port!r}")
        return cls(
            host=env.get("REGISTRY_SMTP_HOST") or None,
            port=int(port),
            user=env.get("REGISTRY_SMTP_USER") or None,
            password=env.get("REGISTRY_SMTP_PASSWORD") or None,
            starttls=(env.get("REGISTRY_SMTP_STARTTLS") or "").lower()
            in ("1", "true", "yes", "on"),
            sender=env.get("REGISTRY_MAIL_FROM") or cls.sender,
            folder=Path(env["REGISTRY_MAIL_DIR"]) if env.get("REGISTRY_MAIL_DIR") else None,
        )


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///registry.sqlite3"
    """SQLAlchemy URL. ``sqlite:///file`` (default, in the working folder) or
    ``postgresql+psycopg://user@host/db`` for production."""

    keys_dir: Path = Path("keys")
    """Folder of the private keys (credential and log keys), encrypted at rest."""

    public_url: str = "http://127.0.0.1:8000"
    """Base URL the registry is reached at; used in credentials, QR codes and the log origin."""

    key_passphrase: str | None = None
    """Passphrase of the key files (``REGISTRY_KEY_PASSPHRASE``). Prefer a file."""

    key_passphrase_file: Path | None = None
    """File holding the passphrase (``REGISTRY_KEY_PASSPHRASE_FILE``). When neither is
    set, ``<keys_dir>/passphrase`` is made at first use: fine for a demo, not for
    production, where the passphrase should live apart from the keys."""

    key_kdf_rounds: int = DEFAULT_KDF_ROUNDS
    """bcrypt KDF rounds (bcrypt_pbkdf) protecting new key files
    (``REGISTRY_KEY_KDF_ROUNDS``)."""

    log_origin: str | None = None
    """Origin line of the transparency log (``REGISTRY_LOG_ORIGIN``); fixed at init."""

    issuer_url: str | None = None
    """Issuer URL signed into credentials and status lists (``REGISTRY_ISSUER_URL``);
    fixed at init, by default to ``public_url`` at that moment."""

    max_body_bytes: int = 256 * 1024
    """Largest request body accepted (``REGISTRY_MAX_BODY_BYTES``)."""

    workers: int = 2
    """Server worker processes for ``registry serve`` (``REGISTRY_WORKERS``)."""

    sweep_interval_seconds: int = 60
    """How often each server records expired certificates (``REGISTRY_SWEEP_INTERVAL``);
    0 turns the sweep off. Readers see expiry at once either way."""

    mail: MailSettings = field(default_factory=MailSettings)
    """Outgoing e-mail (``REGISTRY_SMTP_*``, ``REGISTRY_MAIL_DIR``): see ``identity/mail.py``."""

    webhook_allow_private: bool = False
    """Allow webhook targets on http and on loopback, private or link-local addresses
    (``REGISTRY_WEBHOOK_ALLOW_PRIVATE``). Tests turn it on; a server never should (SSRF)."""

    webhook_poll_seconds: float = 1.0
    """How often each server looks for due webhook deliveries (``REGISTRY_WEBHOOK_POLL``);
    0 turns the dispatcher off."""

    webhook_timeout_seconds: float = 5.0
    """Longest a webhook delivery may take, connection included (``REGISTRY_WEBHOOK_TIMEOUT``)."""

    webhook_retry_seconds: tuple[float, ...] = (10, 60, 300, 1800, 7200)
    """Waits before each retry of a failed delivery (``REGISTRY_WEBHOOK_RETRIES``, comma
    separated seconds); after the last one the delivery is given up."""

    dns_resolver: str | None = None
    """``host:port`` of the DNS resolver domain control validation asks
    (``REGISTRY_DNS_RESOLVER``, e.g. ``127.0.0.1:53`` or ``[::1]:53``); unset: the system's."""

    domain_check_seconds: int = 60
    """How often each server looks for due domain checks (``REGISTRY_DOMAIN_CHECK_INTERVAL``);
    0 turns the scheduled checks off (a holder's "check now" still works)."""

    domain_check_https_port: int | None = None
    """Port of the HTTPS domain check instead of 443 (``REGISTRY_DOMAIN_CHECK_HTTPS_PORT``);
    accepted only with ``REGISTRY_WEBHOOK_ALLOW_PRIVATE``, for tests."""

    domain_check_ca_bundle: Path | None = None
    """CA certificates the HTTPS domain check trusts instead of the system's
    (``REGISTRY_DOMAIN_CHECK_CA_BUNDLE``); accepted only with
    ``REGISTRY_WEBHOOK_ALLOW_PRIVATE``, for tests."""

    misuse_reports_per_hour: int = 5
    """Misuse reports accepted per client and hour (``REGISTRY_MISUSE_REPORTS_PER_HOUR``)."""

    cache_seconds: int = 60
    """Longest a server keeps a public answer in memory (``REGISTRY_CACHE_SECONDS``); 0
    turns the caches off. On one host a committed change empties them at once (see
    ``change_file``); servers on other hosts see it within this time."""

    cache_entries: int = 20_000
    """Most answers each cache of each server process keeps (``REGISTRY_CACHE_ENTRIES``),
    the oldest dropped first: it bounds the memory per worker at any registry size."""

    concurrent_misses: int = 2
    """Most loads of public answers missing from memory that each server process runs at
    once (``REGISTRY_CONCURRENT_MISSES``); the rest wait in order of arrival, so a crawl
    of cold pages never holds every thread that other requests need."""

    switch_interval_ms: float = 0.5
    """How long a thread may hold the interpreter lock before another may take it
    (``REGISTRY_SWITCH_INTERVAL_MS``; 0 keeps Python's 5 ms). Answers from memory run on
    the event loop's thread, misses in worker threads: with Python's 5 ms the loop waits
    that long for the lock at each step while a miss computes, and a crawl of cold pages
    cut the constant endpoint's rate to 7% of its usual (p99 850 ms); at 0.5 ms to 11-12%
    (p99 320 ms), on a loaded two-core machine."""

    change_file: Path | None = None
    """File through which the processes of one host tell each other of a committed change
    (``REGISTRY_CHANGE_FILE``); default ``<keys_dir>/changes``."""

    witnesses_file: Path | None = None
    """C2SP tlog-policy file naming the witnesses asked to cosign each checkpoint (with
    their submission URLs) and the quorum recommended to verifiers (``REGISTRY_WITNESSES``)."""
    data_dir: Path | None = None
    """Folder of the daily open-data snapshots (``REGISTRY_DATA_DIR``); default ``data``
    beside the keys folder."""
    security_contact: str | None = None
    """``Contact`` of ``/.well-known/security.txt`` (``REGISTRY_SECURITY_CONTACT``): a
    ``mailto:`` or ``https:`` URI (RFC 9116 §2.5.3)."""
    webhook_ports: tuple[int, ...] = (443, 8443)
    """Ports a webhook target on a public host may use (``REGISTRY_WEBHOOK_PORTS``, comma
    separated)."""

    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks of the reverse proxies in front of the registry
    (``REGISTRY_TRUSTED_PROXIES``, comma separated). Only a request from one of them may
    name the client's address in ``client_address_header``; from anyone else that
    header is ignored, so a visitor cannot choose the address it is rate-limited by."""

    client_address_header: str = "x-forwarded-for"
    """Header in which a trusted proxy names the client (``REGISTRY_CLIENT_ADDRESS_HEADER``)."""

    foreign_embeds_per_day: int = 100
    """Most foreign domains counted per certificate and day
    (``REGISTRY_FOREIGN_EMBEDS_PER_DAY``); showings on further domains are not stored."""

    foreign_embed_days: int = 90
    """Days foreign-embed counts are kept (``REGISTRY_FOREIGN_EMBED_DAYS``)."""

    foreign_embeds_per_client_minute: int = 30
    """Foreign showings one client may have counted per minute
    (``REGISTRY_FOREIGN_EMBEDS_PER_CLIENT_MINUTE``); the badge still answers beyond it."""

    misuse_reports_per_day: int = 1000
    """Misuse reports the registry takes per UTC day from everyone together
    (``REGISTRY_MISUSE_REPORTS_PER_DAY``): a cap no number of clients can get around."""

    log_format: str = "json"
    """``json`` (one JSON object a line, the default) or ``text`` (``REGISTRY_LOG_FORMAT``)."""

    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment; unknown values raise a clear error."""
        env = os.environ if env is None else env
        defaults = cls()

        def integer(name: str, default: int) -> int:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                return int(raw)
            except ValueError:
                raise InvalidInputError(f"{name} must be an integer, got {raw!r}") from None

        def number(name: str, default: float) -> float:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                return float(raw)
            except ValueError:
                raise InvalidInputError(f"{name} must be a number, got {raw!r}") from None

        def flag(name: str, default: bool) -> bool:
            raw = (env.get(name) or "").strip().lower()
            if raw == "":
                return default
            if raw in ("1", "true", "yes", "on"):
                return True
            if raw in ("0", "false", "no", "off"):
                return False
            raise InvalidInputError(f"{name} must be true or false, got {raw!r}")

        def seconds(name: str, default: tuple[float, ...]) -> tuple[float, ...]:
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                return default
            try:
                return tuple(float(part) for part in raw.split(","))
            except ValueError:
                raise InvalidInputError(
                    f"{name} must be seconds separated by commas, got {raw!r}"
                ) from None

        def words(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                return default
            return tuple(part.strip() for part in raw.split(",") if part.strip())

        def ports(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
            try:
                found = tuple(int(part) for part in words(name, tuple(map(str, default))))
            except ValueError:
                raise InvalidInputError(
                    f"{name} must be port numbers separated by commas"
                ) from None
            if any(not 0 < port < 65536 for port in found):
                raise InvalidInputError(f"{name} holds a number that is no port")
            return found

        allow_private = flag("REGISTRY_WEBHOOK_ALLOW_PRIVATE", defaults.webhook_allow_private)
        resolver = (env.get("REGISTRY_DNS_RESOLVER") or "").strip() or None
        if resolver is not None:
            resolver_address(resolver)  # refused now, not at the first check
        check_port = env.get("REGISTRY_DOMAIN_CHECK_HTTPS_PORT") or None
        ca_bundle = env.get("REGISTRY_DOMAIN_CHECK_CA_BUNDLE") or None
        if (check_port or ca_bundle) and not allow_private:
            raise InvalidInputError(
                "REGISTRY_DOMAIN_CHECK_HTTPS_PORT and REGISTRY_DOMAIN_CHECK_CA_BUNDLE are for"
                " tests: they need REGISTRY_WEBHOOK_ALLOW_PRIVATE"
            )
        log_format = (env.get("REGISTRY_LOG_FORMAT") or defaults.log_format).strip().lower()
        if log_format not in ("json", "text"):
            raise InvalidInputError(f"REGISTRY_LOG_FORMAT must be json or text, got {log_format!r}")
        passphrase_file = env.get("REGISTRY_KEY_PASSPHRASE_FILE")
        change_file = env.get("REGISTRY_CHANGE_FILE")
        witnesses_file = env.get("REGISTRY_WITNESSES")
        return cls(
            database_url=env.get("REGISTRY_DATABASE_URL") or defaults.database_url,
            keys_dir=Path(env.get("REGISTRY_KEYS_DIR") or defaults.keys_dir),
            public_url=(env.get("REGISTRY_PUBLIC_URL") or defaults.public_url).rstrip("/"),
            key_passphrase=env.get("REGISTRY_KEY_PASSPHRASE") or None,
            key_passphrase_file=Path(passphrase_file) if passphrase_file else None,
            key_kdf_rounds=integer("REGISTRY_KEY_KDF_ROUNDS", DEFAULT_KDF_ROUNDS),
            log_origin=env.get("REGISTRY_LOG_ORIGIN") or None,
            issuer_url=env.get("REGISTRY_ISSUER_URL") or None,
            max_body_bytes=integer("REGISTRY_MAX_BODY_BYTES", defaults.max_body_bytes),
            workers=integer("REGISTRY_WORKERS", defaults.workers),
            sweep_interval_seconds=integer(
                "REGISTRY_SWEEP_INTERVAL", defaults.sweep_interval_seconds
            ),
            mail=MailSettings.from_env(env),
            webhook_allow_private=allow_private,
            dns_resolver=resolver,
            domain_check_seconds=integer(
                "REGISTRY_DOMAIN_CHECK_INTERVAL", defaults.domain_check_seconds
            ),
            domain_check_https_port=integer("REGISTRY_DOMAIN_CHECK_HTTPS_PORT", 0) or None,
            domain_check_ca_bundle=Path(ca_bundle) if ca_bundle else None,
            webhook_poll_seconds=number("REGISTRY_WEBHOOK_POLL", defaults.webhook_poll_seconds),
            webhook_timeout_seconds=number(
                "REGISTRY_WEBHOOK_TIMEOUT", defaults.webhook_timeout_seconds
            ),
            webhook_retry_seconds=seconds(
                "REGISTRY_WEBHOOK_RETRIES", defaults.webhook_retry_seconds
            ),
            misuse_reports_per_hour=integer(
                "REGISTRY_MISUSE_REPORTS_PER_HOUR", defaults.misuse_reports_per_hour
            ),
            cache_seconds=integer("REGISTRY_CACHE_SECONDS", defaults.cache_seconds),
            cache_entries=integer("REGISTRY_CACHE_ENTRIES", defaults.cache_entries),
            switch_interval_ms=number("REGISTRY_SWITCH_INTERVAL_MS", defaults.switch_interval_ms),
            concurrent_misses=integer("REGISTRY_CONCURRENT_MISSES", defaults.concurrent_misses),
            change_file=Path(change_file) if change_file else None,
            witnesses_file=Path(witnesses_file) if witnesses_file else None,
            data_dir=Path(env["REGISTRY_DATA_DIR"]) if env.get("REGISTRY_DATA_DIR") else None,
            security_contact=env.get("REGISTRY_SECURITY_CONTACT") or None,
            webhook_ports=ports("REGISTRY_WEBHOOK_PORTS", defaults.webhook_ports),
            trusted_proxies=words("REGISTRY_TRUSTED_PROXIES", defaults.trusted_proxies),
            client_address_header=(
                env.get("REGISTRY_CLIENT_ADDRESS_HEADER") or defaults.client_address_header
            ).lower(),
            foreign_embeds_per_day=integer(
                "REGISTRY_FOREIGN_EMBEDS_PER_DAY", defaults.foreign_embeds_per_day
            ),
            foreign_embed_days=integer("REGISTRY_FOREIGN_EMBED_DAYS", defaults.foreign_embed_days),
            foreign_embeds_per_client_minute=integer(
                "REGISTRY_FOREIGN_EMBEDS_PER_CLIENT_MINUTE",
                defaults.foreign_embeds_per_client_minute,
            ),
            misuse_reports_per_day=integer(
                "REGISTRY_MISUSE_REPORTS_PER_DAY", defaults.misuse_reports_per_day
            ),
            log_format=log_format,
        )

    @property
    def data_path(self) -> Path:
        """Where the snapshots are kept."""
        return self.data_dir or Path(self.keys_dir).parent / "data"

    @property
    def change_path(self) -> Path:
        """Where this host's change signal lives."""
        return self.change_file or self.keys_dir / "changes"

    @property
    def public_host(self) -> str:
        """Host (and port) part of ``public_url``."""
        rest = self.public_url.split("://", 1)[-1]
        return rest.split("/", 1)[0]


def resolver_address(text: str) -> tuple[str, int]:
    """The address and port of ``REGISTRY_DNS_RESOLVER`` (``host:port``, ``[v6]:port``,
    or a bare address for port 53); raises InvalidInputError naming what is wrong."""

    host, port = text, "53"
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":") or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError:
        raise InvalidInputError(
            f"REGISTRY_DNS_RESOLVER must be an IP address and port, like 127.0.0.1:53, got {text!r}"
        ) from None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInputError(f"REGISTRY_DNS_RESOLVER has no valid port: {text!r}")
    return address, int(port)
