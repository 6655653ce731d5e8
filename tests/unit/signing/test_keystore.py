"""Key files: OpenSSH private keys under the bcrypt KDF, 0600, refused when too open."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_ssh_private_key,
)
from cryptography.hazmat.primitives.serialization import ssh as ssh_serialization

from registry import config
from registry.signing import Ed25519Signer, FileKeyStore, KeyFileError
from registry.signing.b64 import b64url_encode
from registry.signing.keystore import DEFAULT_KDF_ROUNDS

PASSPHRASE = b"correct horse battery staple"
FAST = 4  # bcrypt KDF rounds for tests that are not about the KDF
SSH_KEYGEN_ROUNDS = 16  # ssh-keygen's default, tuned for interactive logins
MIN_COST_RATIO = 3  # the default must cost more than this many times SSH_KEYGEN_ROUNDS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def store(folder: Path) -> FileKeyStore:
    return FileKeyStore(folder, PASSPHRASE, kdf_rounds=FAST)


@pytest.fixture(scope="module")
def default_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("default") / "keys"


@pytest.fixture(scope="module")
def default_store(default_folder: Path) -> FileKeyStore:
    """A store at the default round count, shared: each key at it costs a real KDF run."""
    return FileKeyStore(default_folder, PASSPHRASE)


@pytest.fixture(scope="module")
def default_key(default_store: FileKeyStore) -> Ed25519Signer:
    return default_store.create("credential")


@pytest.fixture
def zero_umask() -> Iterator[None]:
    """A umask that masks nothing, so only the code's own modes protect the files."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def key_file(folder: Path, signer: Ed25519Signer, role: str = "credential") -> Path:
    return folder / f"{role}-{signer.kid}.key"


def private_bytes(signer: Ed25519Signer, folder: Path) -> bytes:
    """The raw private key, read back from its file with the passphrase."""
    key = load_ssh_private_key(key_file(folder, signer).read_bytes(), PASSPHRASE)
    assert isinstance(key, Ed25519PrivateKey)
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


@dataclass(frozen=True)
class OpenSSHHeader:
    ciphername: bytes
    kdfname: bytes
    salt: bytes
    rounds: int
    public_key: bytes
    encrypted: bytes


class _Reader:
    """The big-endian uint32 and length-prefixed strings of RFC 4251, section 5."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def uint32(self) -> int:
        assert len(self.data) >= 4, "truncated uint32"
        value, self.data = int.from_bytes(self.data[:4], "big"), self.data[4:]
        return value

    def string(self) -> bytes:
        length = self.uint32()
        assert len(self.data) >= length, "truncated string"
        value, self.data = self.data[:length], self.data[length:]
        return value


def openssh_header(pem: bytes) -> OpenSSHHeader:
    """The clear part of an ``openssh-key-v1`` file (OpenSSH's PROTOCOL.key), parsed here
    rather than by cryptography so that the test does not trust the code it tests."""
    lines = pem.decode("ascii").splitlines()
    assert lines[0] == "-----BEGIN OPENSSH PRIVATE KEY-----"
    assert lines[-1] == "-----END OPENSSH PRIVATE KEY-----"
    blob = base64.b64decode("".join(lines[1:-1]), validate=True)
    magic = b"openssh-key-v1\0"
    assert blob.startswith(magic)
    reader = _Reader(blob[len(magic) :])
    ciphername, kdfname, kdfoptions = reader.string(), reader.string(), reader.string()
    assert reader.uint32() == 1  # number of keys
    public_key, encrypted = reader.string(), reader.string()
    assert reader.data == b""
    options = _Reader(kdfoptions)
    salt, rounds = options.string(), options.uint32()
    assert options.data == b""
    return OpenSSHHeader(ciphername, kdfname, salt, rounds, public_key, encrypted)


def ssh_ed25519_blob(signer: Ed25519Signer) -> bytes:
    raw = signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    name = b"ssh-ed25519"
    return len(name).to_bytes(4, "big") + name + len(raw).to_bytes(4, "big") + raw


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
    (folder / "credential-short.key").write_bytes(b"ignored: not a key id")
    (folder / f"credential-{Ed25519Signer.generate().kid}.p12").write_bytes(b"old format")
    assert store.kids("credential") == sorted([first.kid, second.kid])
    assert store.kids("log") == [log.kid]


def test_refuses_a_file_others_can_read(store: FileKeyStore, folder: Path) -> None:
    signer = store.create("credential")
    key_file(folder, signer).chmod(0o644)
    with pytest.raises(KeyFileError) as caught:
        store.load("credential", signer.kid)
    message = str(caught.value)
    assert f"credential-{signer.kid}.key" in message
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
        f"cannot decrypt key file credential-{signer.kid}.key: wrong passphrase or damaged file"
    )
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_refuses_an_unencrypted_key_file(store: FileKeyStore, folder: Path) -> None:
    signer = store.create("credential")
    private_key = Ed25519PrivateKey.generate()
    plain = Ed25519Signer(private_key)
    key_file(folder, plain).write_bytes(
        private_key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption())
    )
    key_file(folder, plain).chmod(0o600)
    with pytest.raises(KeyFileError, match=f"key file credential-{plain.kid}.key is not encrypted"):
        store.load("credential", plain.kid)
    assert store.load("credential", signer.kid).kid == signer.kid


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
    with pytest.raises(KeyFileError, match=f"no key file credential-{absent.kid}.key"):
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


def test_file_is_an_openssh_key_under_the_bcrypt_kdf(store: FileKeyStore, folder: Path) -> None:
    signer = store.create("credential")
    data = key_file(folder, signer).read_bytes()
    header = openssh_header(data)
    assert header.ciphername == b"aes256-ctr"
    assert header.kdfname == b"bcrypt"
    assert len(header.salt) == 16
    assert header.rounds == FAST
    assert header.public_key == ssh_ed25519_blob(signer)
    assert header.encrypted and len(header.encrypted) % 16 == 0
    raw = private_bytes(signer, folder)
    assert raw not in base64.b64decode("".join(data.decode().splitlines()[1:-1]))
    other = openssh_header(key_file(folder, store.create("credential")).read_bytes())
    assert other.salt != header.salt


def test_default_rounds_are_written_to_the_file(
    default_folder: Path, default_key: Ed25519Signer
) -> None:
    assert DEFAULT_KDF_ROUNDS > SSH_KEYGEN_ROUNDS * MIN_COST_RATIO
    header = openssh_header(key_file(default_folder, default_key).read_bytes())
    assert (header.ciphername, header.kdfname) == (b"aes256-ctr", b"bcrypt")
    assert header.rounds == DEFAULT_KDF_ROUNDS


def test_settings_default_matches_the_key_store() -> None:
    assert config.DEFAULT_KDF_ROUNDS == DEFAULT_KDF_ROUNDS
    assert config.Settings().key_kdf_rounds == DEFAULT_KDF_ROUNDS


def test_a_wrong_passphrase_costs_the_full_kdf_and_the_right_one_too(
    monkeypatch: pytest.MonkeyPatch,
    default_folder: Path,
    default_store: FileKeyStore,
    default_key: Ed25519Signer,
) -> None:
    """A refusal before the KDF would let a guesser try passphrases at no cost: both the
    right and a wrong passphrase run bcrypt_pbkdf over the file's full rounds. Counted,
    not timed (the rounds are the cost; the file's header holds them)."""
    rounds_run: list[int] = []
    real_kdf = ssh_serialization._bcrypt_kdf

    def counting_kdf(
        password: bytes, salt: bytes, desired: int, rounds: int, *args: object
    ) -> bytes:
        rounds_run.append(rounds)
        return real_kdf(password, salt, desired, rounds, *args)  # type: ignore[no-any-return]

    monkeypatch.setattr(ssh_serialization, "_bcrypt_kdf", counting_kdf)
    default_store.load("credential", default_key.kid)
    wrong = FileKeyStore(default_folder, b"not the passphrase")
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        wrong.load("credential", default_key.kid)
    assert rounds_run == [DEFAULT_KDF_ROUNDS, DEFAULT_KDF_ROUNDS]
    assert DEFAULT_KDF_ROUNDS >= MIN_COST_RATIO * SSH_KEYGEN_ROUNDS


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs the ssh-keygen command")
def test_ssh_keygen_reads_the_file(store: FileKeyStore, folder: Path) -> None:
    signer = store.create("credential")
    path = key_file(folder, signer)
    shown = subprocess.run(
        ["ssh-keygen", "-y", "-P", PASSPHRASE.decode(), "-f", str(path)],
        capture_output=True,
        check=True,
    )
    expected = signer.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
    assert shown.stdout.split()[:2] == expected.split()
    refused = subprocess.run(
        ["ssh-keygen", "-y", "-P", "not the passphrase", "-f", str(path)],
        capture_output=True,
        check=False,
    )
    assert refused.returncode != 0
