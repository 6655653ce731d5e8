"""``registry witness``: init (make the keys), add-log (follow a log), serve."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from registry.tlog import VerifierKeyError, parse_verifier_key
from registry.tlog.cosignature import mldsa_available
from registry.witness.app import DIR_VARIABLE
from registry.witness.keys import create_keys, load_keys
from registry.witness.store import WitnessStore


def _init(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    keys = create_keys(folder, args.name, mldsa=args.mldsa and mldsa_available())
    WitnessStore(folder)
    if args.mldsa and not mldsa_available():
        print("note: the installed cryptography package has no ML-DSA-44; Ed25519 key only")
    print(f"witness {keys.name} ready in {folder}; its verifier keys (publish these):")
    for vkey in keys.vkeys():
        print(vkey)
    return 0


def _add_log(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    load_keys(folder)
    try:
        verifier = parse_verifier_key(args.vkey.strip())
    except VerifierKeyError as error:
        print(f"not a log verifier key: {error.detail}")
        return 2
    WitnessStore(folder).add_log(verifier.name, verifier.vkey())
    print(f"following log {verifier.name}")
    return 0


def _vkey(args: argparse.Namespace) -> int:
    for vkey in load_keys(Path(args.dir)).vkeys():
        print(vkey)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    folder = Path(args.dir)
    load_keys(folder)
    os.environ[DIR_VARIABLE] = str(folder.resolve())
    Granian(
        "registry.witness.app:asgi",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=1,
        factory=True,
    ).serve()
    return 0


def add_commands(commands: Any) -> None:
    """Add ``registry witness ...`` to the ``registry`` command's subcommands."""
    witness = commands.add_parser("witness", help="run an independent log witness").add_subparsers(
        dest="witness_command", required=True
    )
    default_dir = os.environ.get(DIR_VARIABLE, "witness")
    init = witness.add_parser("init", help="make the witness's keys and print its verifier keys")
    init.add_argument(
        "--name", required=True, help="the witness's name, e.g. witness.example.org/w1"
    )
    init.add_argument(
        "--no-mldsa", dest="mldsa", action="store_false", help="make the Ed25519 key only"
    )
    add = witness.add_parser("add-log", help="follow a log, given its verifier key")
    add.add_argument("vkey", help="the log's verifier key, as served at /log/vkey")
    vkey = witness.add_parser("vkey", help="print the witness's verifier keys")
    serve = witness.add_parser("serve", help="serve the tlog-witness HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    for parser, run in ((init, _init), (add, _add_log), (vkey, _vkey), (serve, _serve)):
        parser.add_argument(
            "--dir", default=default_dir, help="the witness's folder (keys, database)"
        )
        parser.set_defaults(run=lambda _settings, a, run=run: run(a))
