"""Operations: one JSON line per event with no secret in it, and the client address that
counts only when a trusted proxy says so."""

from __future__ import annotations

import json
import logging
import logging.config

import pytest

from registry.config import Settings
from registry.edge.client_address import client_address
from registry.edge.logs import JsonFormatter, TextFormatter, dict_config

TOKEN = "tlr_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0uVw"
SECRET = "whsec_" + "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"


def record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise ValueError(f"boom\nwith {TOKEN}")
        except ValueError:
            import sys

            info = sys.exc_info()
    return logging.LogRecord("registry", logging.ERROR, __file__, 1, message, args, info)


def test_an_event_is_one_json_line_even_with_newlines_and_a_traceback() -> None:
    line = JsonFormatter().format(
        record("webhook to %s failed for %s", "https://x.example", "Evil\nCorp\r\n{}", exc=True)
    )
    assert "\n" not in line and "\r" not in line
    event = json.loads(line)
    assert event["level"] == "error" and event["logger"] == "registry"
    assert event["message"] == "webhook to https://x.example failed for Evil\nCorp\r\n{}"
    assert "ValueError: boom" in event["error"]
    assert event["time"].endswith("+00:00")


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()])
def test_secrets_never_reach_a_log_line(formatter: logging.Formatter) -> None:
    line = formatter.format(
        record("token %s secret %s header %s", TOKEN, SECRET, "Bearer abcdefghijkl", exc=True)
    )
    for secret in (TOKEN, SECRET, "abcdefghijkl", TOKEN[4:]):
        assert secret not in line
    assert "[redacted]" in line and "\n" not in line


def test_the_server_configuration_is_json_with_no_access_log() -> None:
    config = dict_config("json")
    assert config["loggers"]["granian.access"]["handlers"] == []
    assert "JsonFormatter" in config["formatters"]["registry"]["()"]
    logging.config.dictConfig(dict_config("text"))  # loadable as it stands
    logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
    with pytest.raises(Exception, match="REGISTRY_LOG_FORMAT"):
        Settings.from_env({"REGISTRY_LOG_FORMAT": "xml"})


HEADER = [(b"x-forwarded-for", b"198.51.100.7, 10.0.0.5")]


@pytest.mark.parametrize(
    ("peer", "headers", "trusted", "expected"),
    [
        ("203.0.113.9", HEADER, (), "203.0.113.9"),  # no proxy configured: the header is ignored
        ("203.0.113.9", HEADER, ("10.0.0.0/8",), "203.0.113.9"),  # not from the proxy
        ("10.0.0.5", HEADER, ("10.0.0.0/8",), "198.51.100.7"),  # the last hop before ours
        (
            "10.0.0.5",
            [(b"x-forwarded-for", b"1.2.3.4, 198.51.100.7")],
            ("10.0.0.5",),
            "198.51.100.7",
        ),
        ("10.0.0.5", [(b"x-forwarded-for", b"garbage")], ("10.0.0.5",), "10.0.0.5"),
        ("10.0.0.5", [], ("10.0.0.5",), "10.0.0.5"),
        ("::1", [(b"x-forwarded-for", b"2001:db8::7")], ("::1",), "2001:db8::7"),
    ],
)
def test_the_trusted_proxy_setting_decides_which_address_counts(
    peer: str, headers: list[tuple[bytes, bytes]], trusted: tuple[str, ...], expected: str
) -> None:
    assert client_address(peer, headers, trusted) == expected


def test_the_header_name_and_proxies_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "REGISTRY_TRUSTED_PROXIES": "10.0.0.0/8, ::1",
            "REGISTRY_CLIENT_ADDRESS_HEADER": "X-Real-IP",
        }
    )
    assert settings.trusted_proxies == ("10.0.0.0/8", "::1")
    assert (
        client_address(
            "10.1.1.1",
            [(b"x-real-ip", b"192.0.2.4")],
            settings.trusted_proxies,
            settings.client_address_header,
        )
        == "192.0.2.4"
    )
