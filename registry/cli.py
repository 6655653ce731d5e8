"""The ``registry`` command: init, demo, serve, tokens, keys, offline verification."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from registry.bootstrap import initialise, open_registry
from registry.config import Settings
from registry.errors import RegistryError
from registry.services.clock import system_clock
from registry.signing import parse_jwks, parse_time, verify_credential


def _init(settings: Settings, _args: argparse.Namespace) -> int:
    service = initialise(settings)
    kid = service.ensure_keys()
    print(f"registry ready at {settings.database_url}; credential key {kid}")
    return 0


def _demo(settings: Settings, _args: argparse.Namespace) -> int:
    from registry.demo import run_demo

    service = initialise(settings)
    print(run_demo(service, system_clock))
    print("serve it with: registry serve")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    initialise(settings)
    Granian(
        "registry.app:asgi",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=args.workers or settings.workers,
        factory=True,
    ).serve()
    return 0


def _token_create(settings: Settings, args: argparse.Namespace) -> int:
    if args.role != "staff":
        print(
            "only staff tokens are made here; other roles are given out through the API",
            file=sys.stderr,
        )
        return 2
    issued = initialise(settings).create_staff_token(args.name, args.label)
    print(issued.token)
    return 0


def _keys_rotate(settings: Settings, _args: argparse.Namespace) -> int:
    kid = initialise(settings).rotate_keys()
    print(f"new credential key {kid} is active; the previous key is retired and stays published")
    return 0


def _keys_compromised(settings: Settings, args: argparse.Namespace) -> int:
    open_registry(settings).mark_compromised(args.kid, parse_time(args.since))
    print(f"key {args.kid} is marked compromised since {args.since}")
    return 0


def _expire(settings: Settings, _args: argparse.Namespace) -> int:
    codes = open_registry(settings).expire_due()
    print(f"{len(codes)} certificate(s) recorded as expired")
    return 0


def _verify(settings: Settings, args: argparse.Namespace) -> int:
    token = Path(args.file).read_text(encoding="ascii").strip()
    jwks_path = Path(args.jwks) if args.jwks else settings.keys_dir / "jwks.json"
    if not jwks_path.exists():
        print(
            f"no JWKS at {jwks_path}; pass --jwks FILE (from /.well-known/jwks.json)",
            file=sys.stderr,
        )
        return 2
    keys = parse_jwks(json.loads(jwks_path.read_text(encoding="utf-8")))
    verified = verify_credential(token, keys)
    subject = verified.payload.get("credentialSubject", {})
    print(f"signature valid: key {verified.kid} ({verified.key_status})")
    print(
        f"certificate {subject.get('certificate')} for {subject.get('holder', {}).get('legalName')}"
    )
    print(
        f"valid from {verified.payload.get('validFrom')} until {verified.payload.get('validUntil')}"
    )
    print("the live status is at the registry: a signature never expires, a certificate may")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="registry", description="The trust-label registry.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="create or upgrade the database and keys").set_defaults(
        run=_init
    )
    commands.add_parser("demo", help="fill the registry with demo data").set_defaults(run=_demo)
    serve = commands.add_parser("serve", help="serve the registry over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=0, help="worker processes (default REGISTRY_WORKERS or 2)"
    )
    serve.set_defaults(run=_serve)

    token = commands.add_parser("token", help="bearer tokens").add_subparsers(
        dest="token_command", required=True
    )
    create = token.add_parser(
        "create", help="print a new token (staff: the way in for a new installation)"
    )
    create.add_argument(
        "--role", required=True, choices=["staff", "body_admin", "auditor", "holder"]
    )
    create.add_argument("--name", default="Registry staff", help="the person the token belongs to")
    create.add_argument("--label", default="command line")
    create.set_defaults(run=_token_create)

    keys = commands.add_parser("keys", help="credential keys").add_subparsers(
        dest="keys_command", required=True
    )
    keys.add_parser("rotate", help="publish a new key and retire the current one").set_defaults(
        run=_keys_rotate
    )
    compromised = keys.add_parser("compromised", help="mark a key as compromised since a time")
    compromised.add_argument("kid")
    compromised.add_argument(
        "--since", required=True, help="RFC 3339 time, e.g. 2026-11-01T00:00:00Z"
    )
    compromised.set_defaults(run=_keys_compromised)

    commands.add_parser(
        "expire", help="record the expiry of certificates past their validity"
    ).set_defaults(run=_expire)
    verify = commands.add_parser("verify", help="verify a credential offline")
    verify.add_argument("file", help="a file holding the compact JWS")
    verify.add_argument("--jwks", help="JWKS file (default: jwks.json in the keys folder)")
    verify.set_defaults(run=_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(Settings.from_env(), args))
    except RegistryError as error:
        print(f"registry: {error.detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
