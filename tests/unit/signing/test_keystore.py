"""Key files: encrypted PKCS#12, 0600 from the first instant, refused when too open."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)

from registry.signing import Ed25519Signer, FileKeyStore, KeyFileError
from registry.signing.b64 import b64url_encode

PASSPHRASE = b"correct horse battery staple"
FAST = 1_000  # KDF rounds for tests that are not about the KDF

# DER encodings (ITU-T X.690) that a PBES2 / AES-256-CBC key bag must contain.
PBES2_OID = bytes.fromhex("06092a864886f70d01050d")  # 1.2.840.113549.1.5.13
AES256_CBC_OID = bytes.fromhex("060960864801650304012a")  # 2.16.840.1.101.3.4.1.42
HMAC_SHA256_OID = bytes.fromhex("06082a864886f70d0209")  # 1.2.840.113549.2.9


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def store(folder: Path) -> FileKeyStore:
    return FileKeyStore(folder, PASSPHRASE, kdf_rounds=FAST)


@pytest.fixture
def zero_umask() -> Iterator[None]:
    """A umask that masks nothing, so only the code's own modes protect the files."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def key_file(folder: Path, signer: Ed25519Signer, role: str = "credential") -> Path:
    return folder / f"{role}-{signer.kid}.p12"


def private_bytes(signer: Ed25519Signer, folder: Path) -> bytes:
    """The raw private key, read back from its file with the passphrase."""
    data = key_file(folder, signer).read_bytes()
    key, _, _ = pkcs12.load_key_and_certificates(data, PASSPHRASE)
    assert isinstance(key, Ed25519PrivateKey)
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def test_round_trip(store: FileKeyStore) -> None:
    created = store.create("credential")
    loaded = store.load("credential", created.kid)
    assert loaded.kid == created.kid
    loaded.public_key().verify(loaded.sign(b"entry"), b"entry")
    created.public_key().verify(loaded.sign(b"entry"), b"entry")


def test_files_are_0600_in_a_0700_folder(
    store: FileKeyStore, folder: Path, zero_umask: None
) -> None:
    signer = store.create("log")
    assert stat.S_IMODE(key_file(folder, signer, "log").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_kids_lists_the_role_only(store: FileKeyStore, folder: Path) -> None:
    assert store.kids("credential") == []
    first, second = store.create("credential"), store.create("credential")
    log = store.create("log")
    (folder / "credential-notes.txt").write_text("ignored")
    (folder / "credential-short.p12").write_bytes(b"ignored: not a key id")
    assert store.kids("credential") == sorted([first.kid, second.kid])
    assert store.kids("log") == [log.kid]


def test_refuses_a_file_others_can_read(store: FileKeyStore, folder: Path) -> None:
    signer = store.create("credential")
    key_file(folder, signer).chmod(0o644)
    with pytest.raises(KeyFileError) as caught:
        store.load("credential", signer.kid)
    message = str(caught.value)
    assert f"credential-{signer.kid}.p12" in message
    assert "mode 0644" in message
    assert "chmod 600" in message


@pytest.mark.parametrize("mode", [0o640, 0o620, 0o604, 0o602, 0o660])
def test_refuses_any_group_or_other_access(store: FileKeyStore, folder: Path, mode: int) -> None:
    signer = store.create("credential")
    key_file(folder, signer).chmod(mode)
    with pytest.raises(KeyFileError, match=f"mode {mode:04o}"):
        store.load("credential", signer.kid)


def test_wrong_passphrase(store: FileKeyStore, folder: Path) -> None:
    signer = store.create("credential")
    wrong = FileKeyStore(folder, b"not the passphrase", kdf_rounds=FAST)
    with pytest.raises(KeyFileError) as caught:
        wrong.load("credential", signer.kid)
    assert str(caught.value) == (
        f"cannot decrypt key file credential-{signer.kid}.p12: wrong passphrase or damaged file"
    )
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_messages_and_reprs_carry_no_key_material(store: FileKeyStore, folder: Path) -> None:
    signer = store.create("credential")
    raw = private_bytes(signer, folder)
    path = key_file(folder, signer)
    messages = [repr(store), repr(signer)]
    for damage in (lambda: path.chmod(0o644), lambda: path.write_bytes(b"\x00" * 40)):
        damage()
        with pytest.raises(KeyFileError) as caught:
            store.load("credential", signer.kid)
        messages.append(str(caught.value))
        path.chmod(0o600)
    messages.append(str(caught.value.__context__))
    for message in messages:
        for secret in (raw.hex(), b64url_encode(raw), repr(raw), PASSPHRASE.decode()):
            assert secret not in message


def test_refuses_missing_symlinked_and_mismatched_files(store: FileKeyStore, folder: Path) -> None:
    signer, other = store.create("credential"), store.create("credential")
    absent = Ed25519Signer.generate()
    with pytest.raises(KeyFileError, match=f"no key file credential-{absent.kid}.p12"):
        store.load("credential", absent.kid)
    key_file(folder, other).unlink()
    key_file(folder, other).symlink_to(key_file(folder, signer))
    with pytest.raises(KeyFileError, match="cannot open key file"):
        store.load("credential", other.kid)
    key_file(folder, other).unlink()
    shutil.copy(key_file(folder, signer), key_file(folder, other))
    key_file(folder, other).chmod(0o600)
    with pytest.raises(KeyFileError, match=f"holds key {signer.kid}, not {other.kid}"):
        store.load("credential", other.kid)


def test_refuses_a_fifo_without_hanging(store: FileKeyStore, folder: Path) -> None:
    absent = Ed25519Signer.generate()
    folder.mkdir(mode=0o700)
    os.mkfifo(key_file(folder, absent), 0o600)
    with pytest.raises(KeyFileError, match="not a regular file"):
        store.load("credential", absent.kid)


@pytest.mark.parametrize("role", ["", "Credential", "log-key", "../x", "a" * 33])
def test_refuses_roles_that_do_not_split_cleanly(store: FileKeyStore, role: str) -> None:
    with pytest.raises(KeyFileError, match="key role"):
        store.create(role)


def test_refuses_kids_that_are_not_thumbprints(store: FileKeyStore) -> None:
    with pytest.raises(KeyFileError, match="not a 43-character thumbprint"):
        store.load("credential", "../../etc/passwd")


def test_refuses_an_empty_passphrase_or_no_rounds(folder: Path) -> None:
    with pytest.raises(KeyFileError, match="non-empty passphrase"):
        FileKeyStore(folder, b"")
    with pytest.raises(KeyFileError, match="at least 1"):
        FileKeyStore(folder, PASSPHRASE, kdf_rounds=0)


def test_default_rounds_use_pbes2_aes256_with_600000_iterations(folder: Path) -> None:
    store = FileKeyStore(folder, PASSPHRASE)
    signer = store.create("credential")
    data = key_file(folder, signer).read_bytes()
    assert PBES2_OID in data and AES256_CBC_OID in data and HMAC_SHA256_OID in data
    assert bytes.fromhex("02030927c0") in data  # INTEGER 600000
    assert store.load("credential", signer.kid).kid == signer.kid


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_openssl_reads_the_file(store: FileKeyStore, folder: Path) -> None:
    signer = store.create("credential")
    path = key_file(folder, signer)
    shown = subprocess.run(
        ["openssl", "pkcs12", "-info", "-noout", "-passin", "env:P12PASS", "-in", str(path)],
        env={**os.environ, "P12PASS": PASSPHRASE.decode()},
        capture_output=True,
        check=True,
    )
    report = shown.stderr.decode()
    assert "PBES2, PBKDF2, AES-256-CBC, Iteration 1000, PRF hmacWithSHA256" in report
