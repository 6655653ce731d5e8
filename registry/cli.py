"""The ``registry`` command: init, demo, serve, tokens, keys, offline verification."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from registry.bootstrap import initialise, open_registry
from registry.clock import system_clock
from registry.config import Settings
from registry.errors import RegistryError
from registry.signing import parse_jwks, parse_time, verify_credential
from registry.witness.cli import add_commands as add_witness_commands


def _init(settings: Settings, _args: argparse.Namespace) -> int:
    service = initialise(settings)
    kid = service.transparency.ensure_keys()
    print(f"registry ready at {settings.database_url}; credential key {kid}")
    return 0


def _demo(settings: Settings, _args: argparse.Namespace) -> int:
    from registry.demo import run_demo

    service = initialise(settings)
    print(run_demo(service, system_clock))
    service.certificates.reissue_without_status()  # what an existing installation runs once, too
    print("serve it with: registry serve")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    from registry.edge.logs import dict_config

    if not os.environ.get("REGISTRY_PUBLIC_URL"):
        # Links, snippets, QR codes and the form's origin check follow the address served
        # on; the worker processes read it from the environment they inherit.
        os.environ["REGISTRY_PUBLIC_URL"] = served_url(args.host, args.port)
        settings = Settings.from_env()
    initialise(settings).transparency.refuse_if_pending()
    print(f"serving the registry at {settings.public_url}", flush=True)
    # The event loop is granian's "auto": uvloop, a dependency, where it runs (6 to 15%
    # more requests/s than asyncio here, the constant endpoint and the badge alike).
    Granian(
        "registry.app:asgi",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=args.workers or settings.workers,
        factory=True,
        log_dictconfig=dict_config(settings.log_format),
        log_access=False,  # no visitor addresses in the logs
    ).serve()
    return 0


def served_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches ``registry serve --host --port`` at.

    A wildcard address (all interfaces) is reached as the loopback address.
    """
    wildcard = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104
    name = wildcard.get(host, host)
    if ":" in name:
        name = f"[{name}]"
    return f"http://{name}:{port}"


def _token_create(settings: Settings, args: argparse.Namespace) -> int:
    if args.role != "staff":
        print(
            "only staff tokens are made here; everyone else makes their own at /account",
            file=sys.stderr,
        )
        return 2
    issued = initialise(settings).identity.create_staff_token(
        args.name, args.label, email=args.email
    )
    print(issued.token)
    return 0


def _keys_rotate(settings: Settings, _args: argparse.Namespace) -> int:
    kid = initialise(settings).transparency.rotate_keys()
    print(f"new credential key {kid} is active; the previous key is retired and stays published")
    return 0


def _keys_compromised(settings: Settings, args: argparse.Namespace) -> int:
    open_registry(settings).transparency.mark_compromised(args.kid, parse_time(args.since))
    print(f"key {args.kid} is marked compromised since {args.since}")
    return 0


def _keys_reissue(settings: Settings, args: argparse.Namespace) -> int:
    codes = open_registry(settings).certificates.reissue_compromised(args.kid)
    print(
        f"reissued {len(codes)} credential(s) that key {args.kid} signed since its compromise,"
        " with the active key"
    )
    return 0


def _snapshot(settings: Settings, _args: argparse.Namespace) -> int:
    snapshot = open_registry(settings).opendata.publish()
    print(
        f"snapshot {snapshot.name}: {snapshot.certificates} certificate(s), "
        f"{snapshot.size} bytes, sha256 {snapshot.sha256}, log entry {snapshot.log_index}"
    )
    return 0


def _credentials_reissue(settings: Settings, _args: argparse.Namespace) -> int:
    codes = open_registry(settings).certificates.reissue_without_status()
    print(f"reissued {len(codes)} credential(s) with their status list entries")
    return 0


def _reads_rebuild(settings: Settings, _args: argparse.Namespace) -> int:
    count = open_registry(settings).certificates.fill_read_rows(everything=True)
    print(f"rewrote the read rows of {count} certificate(s)")
    return 0


def _expire(settings: Settings, _args: argparse.Namespace) -> int:
    registry = open_registry(settings)
    codes = registry.certificates.expire_due()
    print(f"{len(codes)} certificate(s) recorded as expired")
    told = registry.certificates.notify_overdue()
    print(f"{told} notice(s) of passed deadlines sent to certification bodies")
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
    logged_at: datetime | None = None
    if args.proof:
        from registry.logcheck import check_inclusion, read_vkey

        vkey_source = args.vkey or str(settings.keys_dir / "log.vkey")
        if not args.vkey and not Path(vkey_source).exists():
            print(
                f"no log verifier key at {vkey_source}; pass --vkey KEY_OR_FILE (from /log/vkey)",
                file=sys.stderr,
            )
            return 2
        proof_path = Path(args.proof)
        if not proof_path.is_file():
            print(f"no proof bundle at {proof_path}", file=sys.stderr)
            return 2
        logged = check_inclusion(token, proof_path.read_bytes(), read_vkey(vkey_source))
        logged_at = logged.logged_at
        for line in logged.lines():
            print(line)
        if args.policy:
            from registry.logcheck.witnessed import check_quorum, read_policy
            from registry.tlog import ProofBundle

            note = ProofBundle.parse(proof_path.read_bytes()).checkpoint
            for line in check_quorum(note, read_policy(args.policy), read_vkey(vkey_source)):
                print(line)
    elif args.policy:
        print(
            "--policy checks the proof bundle's checkpoint: pass --proof BUNDLE too",
            file=sys.stderr,
        )
        return 2
    elif args.vkey:
        print("--vkey checks a proof bundle: pass --proof BUNDLE too", file=sys.stderr)
        return 2
    verified = verify_credential(token, keys, logged_at=logged_at)
    subject = verified.payload.get("credentialSubject", {})
    print(f"signature valid: key {verified.kid} ({verified.key_status})")
    print(
        f"certificate {subject.get('certificate')} for {subject.get('holder', {}).get('legalName')}"
    )
    print(
        f"valid from {verified.payload.get('validFrom')} until {verified.payload.get('validUntil')}"
    )
    page = subject.get("id")
    where = f" at {page}" if isinstance(page, str) and page else " at the registry"
    print(
        "a signature does not expire, but a certificate can be suspended, withdrawn or run out:"
        f" its live status is{where}."
    )
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from registry.db.backup import backup

    size = backup(settings.database_url, Path(args.file))
    print(f"backup of {settings.database_url} written to {args.file} ({size} bytes)")
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from registry.db.backup import restore

    restore(settings.database_url, Path(args.file))
    print(f"restored {settings.database_url} from {args.file}")
    check = open_registry(settings).transparency.check_restored()
    for line in check.lines():
        print(line)
    return 3 if check.behind else 0


def _log_continue(settings: Settings, _args: argparse.Namespace) -> int:
    registry = open_registry(settings)
    origin = registry.transparency.continue_log()
    print(f"the log continues under the new origin {origin}; its entry 0 is log.continued")
    codes = registry.certificates.carry_into_log("log continued after a restore")
    print(f"reissued {len(codes)} credential(s) into the new log")
    return 0


def _log_verify(settings: Settings, args: argparse.Namespace) -> int:
    from registry.db.database import Database
    from registry.logcheck import verify_log

    db = Database(settings.database_url)
    try:
        with db.read() as session:
            report = verify_log(session, batch=args.batch)
    finally:
        db.dispose()
    for line in report.lines():
        print(line)
    return 0


def _log_mirror(settings: Settings, args: argparse.Namespace) -> int:
    from registry.transparency.mirror import Mirrored, follow, mirror_once

    log = open_registry(settings).transparency
    folder = Path(args.dir)

    def report(done: Mirrored) -> None:
        print(
            f"mirrored the log at size {done.size:,} into {folder}: "
            f"{done.written} file(s) written, {done.removed} old partial tile(s) removed",
            flush=True,
        )

    if args.follow:
        follow(log, folder, args.interval, report)
    else:
        report(mirror_once(log, folder))
    return 0


def _log_monitor(_settings: Settings, args: argparse.Namespace) -> int:
    from registry.logcheck import MonitorState, http_fetcher, monitor_once, read_vkey

    fetch = http_fetcher(args.url)
    policy = None
    if args.policy:
        from registry.logcheck.witnessed import check_quorum, read_policy

        policy, plain_fetch, seen = read_policy(args.policy), fetch, {}

        def fetch(path: str) -> bytes:  # keeps the checkpoint the monitor checked
            data = plain_fetch(path)
            if path == "log/checkpoint":
                seen["note"] = data
            return data

    state_path = Path(args.state) if args.state else None
    state = MonitorState.load(state_path) if state_path else None
    vkey = read_vkey(args.vkey) if args.vkey else None
    while True:
        result = monitor_once(
            fetch, state, vkey, warn=lambda message: print(f"warning: {message}", file=sys.stderr)
        )
        for line in result.lines():
            print(line)
        if policy is not None:
            for line in check_quorum(seen["note"], policy, result.current.vkey):
                print(line)
        state = result.current
        if state_path is not None:
            state.save(state_path)
            print(f"state saved to {state_path}")
        if args.interval is None:
            return 0
        sys.stdout.flush()
        try:
            time.sleep(args.interval)
        except KeyboardInterrupt:
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
    create.add_argument(
        "--email",
        required=True,
        help="the staff person's e-mail address (one address, one person); "
        "an invitation to sign in at /account is mailed to it",
    )
    create.add_argument("--label", default="command line")
    create.set_defaults(run=_token_create)

    reads = commands.add_parser(
        "reads", help="the certificates' read rows (what public reads answer from)"
    ).add_subparsers(dest="reads_command", required=True)
    reads.add_parser("rebuild", help="compute every certificate's read row afresh").set_defaults(
        run=_reads_rebuild
    )

    keys = commands.add_parser("keys", help="credential keys").add_subparsers(
        dest="keys_command", required=True
    )
    keys.add_parser("rotate", help="publish a new key and retire the current one").set_defaults(
        run=_keys_rotate
    )
    compromised = keys.add_parser("compromised", help="mark a key as compromised since a time")
    # An option, not a positional: a key id may begin with "-", which argparse would take for a flag.
    compromised.add_argument("--kid", required=True, help="the key id (as in the JWKS)")
    compromised.add_argument(
        "--since", required=True, help="RFC 3339 time, e.g. 2026-11-01T00:00:00Z"
    )
    compromised.set_defaults(run=_keys_compromised)
    reissue = keys.add_parser(
        "reissue",
        help="sign again, with the active key, the credentials a compromised key signed",
    )
    reissue.add_argument("--kid", required=True, help="the compromised key's id (as in the JWKS)")
    reissue.set_defaults(run=_keys_reissue)

    commands.add_parser(
        "expire", help="record the expiry of certificates past their validity"
    ).set_defaults(run=_expire)
    commands.add_parser(
        "snapshot", help="publish today's open-data snapshot (the server does it daily)"
    ).set_defaults(run=_snapshot)
    credentials = commands.add_parser("credentials", help="certificates' credentials")
    credentials.add_subparsers(required=True).add_parser(
        "reissue",
        help="reissue, once, every credential signed before the status lists",
    ).set_defaults(run=_credentials_reissue)
    verify = commands.add_parser("verify", help="verify a credential offline")
    verify.add_argument("file", help="a file holding the compact JWS")
    verify.add_argument("--jwks", help="JWKS file (default: jwks.json in the keys folder)")
    verify.add_argument(
        "--proof", help="C2SP tlog-proof bundle of the credential's log entry: check inclusion"
    )
    verify.add_argument(
        "--vkey",
        help="the log's verifier key, or a file holding it (default: log.vkey in the keys folder)",
    )
    verify.add_argument(
        "--policy", help="C2SP tlog-policy file (as at /log/policy): require its witness quorum"
    )
    verify.set_defaults(run=_verify)

    backup = commands.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("file", help="the backup file to write (never overwritten)")
    backup.set_defaults(run=_backup)
    restore = commands.add_parser(
        "restore", help="put a backup back (servers stopped) and compare its log"
    )
    restore.add_argument("file", help="a file written by `registry backup`")
    restore.set_defaults(run=_restore)

    log = commands.add_parser("log", help="check the transparency log").add_subparsers(
        dest="log_command", required=True
    )
    log.add_parser(
        "continue",
        help="after a restore behind the published log: continue under a new origin",
    ).set_defaults(run=_log_continue)
    log_verify = log.add_parser(
        "verify", help="recompute the whole log from the database and check it"
    )
    log_verify.add_argument("--batch", type=int, default=1000, help=argparse.SUPPRESS)
    log_verify.set_defaults(run=_log_verify)
    mirror = log.add_parser(
        "mirror", help="write the checkpoint and tiles as static files (C2SP tlog-tiles)"
    )
    mirror.add_argument("dir", help="the folder a web server serves as <prefix>/ (e.g. /log/)")
    mirror.add_argument(
        "--follow", action="store_true", help="keep polling the checkpoint and mirror each change"
    )
    mirror.add_argument("--interval", type=float, default=2.0, help="seconds between polls")
    mirror.set_defaults(run=_log_mirror)
    monitor = log.add_parser("monitor", help="check a running registry's log from outside")
    monitor.add_argument("url", help="the registry's base URL, e.g. https://registry.example")
    monitor.add_argument("--state", help="JSON file keeping the last checkpoint seen and the key")
    monitor.add_argument(
        "--vkey", help="the log's verifier key, or a file holding it (default: the pinned one)"
    )
    once = monitor.add_mutually_exclusive_group()
    once.add_argument("--once", action="store_true", help="check once and exit (the default)")
    once.add_argument(
        "--interval",
        type=float,
        metavar="SECONDS",
        help="check again every SECONDS until a check fails",
    )
    monitor.add_argument(
        "--policy", help="C2SP tlog-policy file (as at /log/policy): require its witness quorum"
    )
    monitor.set_defaults(run=_log_monitor)
    add_witness_commands(commands)
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
