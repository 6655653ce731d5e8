"""Private keys at rest: one OpenSSH private key file per key, under the bcrypt KDF.

``cryptography``'s ``BestAvailableEncryption`` for PKCS#8 uses only 2,048 PBKDF2 rounds,
and its PKCS#12 files carry an integrity MAC with a fixed 2,048 iterations that lets a
passphrase guess be tested cheaply. The files therefore use the OpenSSH private key format
(``openssh-key-v1``: AES-256-CTR keyed by bcrypt_pbkdf over a random salt), whose only
passphrase check, the check integers, sits inside the encrypted part: every guess, wrong
or right, pays the full bcrypt KDF. A file is ``<role>-<kid>.key``, created 0600 in a 0700
folder and refused when group or others may read or write it. No message names more than
the file.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PrivateFormat,
    load_ssh_private_key,
)

from registry.signing.errors import KeyFileError
from registry.signing.keys import Ed25519Signer, Kid

# bcrypt_pbkdf rounds: ssh-keygen's default of 16 is tuned for interactive logins. 64
# rounds took 0.55-0.75 s to load (or to refuse a wrong passphrase) on the development
# machine, four times the cost of 16; a process pays it once per key it loads.
DEFAULT_KDF_ROUNDS = 64
_SUFFIX = ".key"
# Roles carry no "-" so that "<role>-<kid>" splits one way only; a kid is 43 characters.
_ROLE = re.compile(r"[a-z][a-z0-9_]{0,31}", re.ASCII)
_KID = re.compile(r"[A-Za-z0-9_-]{43}", re.ASCII)


class FileKeyStore:
    """Ed25519 keys in ``folder``, each encrypted under ``passphrase``.

    Raises KeyFileError for an empty passphrase or a round count below one.
    """

    __slots__ = ("_folder", "_kdf_rounds", "_passphrase")

    def __init__(
        self, folder: Path, passphrase: bytes, *, kdf_rounds: int = DEFAULT_KDF_ROUNDS
    ) -> None:
        if not passphrase:
            raise KeyFileError("a key store needs a non-empty passphrase")
        if kdf_rounds < 1:
            raise KeyFileError(f"kdf_rounds must be at least 1, got {kdf_rounds}")
        self._folder = folder
        self._passphrase = passphrase
        self._kdf_rounds = kdf_rounds

    def __repr__(self) -> str:
        return f"FileKeyStore(folder={str(self._folder)!r})"

    def create(self, role: str) -> Ed25519Signer:
        """A new key for ``role``, written as ``<role>-<kid>.key`` before it is returned.

        The file is created with O_EXCL and mode 0600 in one call, so it is never open to
        others, not even between creation and a chmod. Raises KeyFileError if it exists
        or cannot be written.
        """
        _check_role(role)
        private_key = Ed25519PrivateKey.generate()
        signer = Ed25519Signer(private_key)
        name = _file_name(role, signer.kid)
        encryption = (
            PrivateFormat.OpenSSH.encryption_builder()
            .kdf_rounds(self._kdf_rounds)
            .build(self._passphrase)
        )
        data = private_key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, encryption)
        try:
            self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _write_new(self._folder / name, data)
        except OSError as exc:
            raise KeyFileError(f"cannot write key file {name}: {exc.strerror}") from None
        return signer

    def load(self, role: str, kid: str) -> Ed25519Signer:
        """The signer stored as ``<role>-<kid>.key``.

        Raises KeyFileError when the file is missing, not a regular file, open to group
        or others, will not decrypt, or holds a key other than ``kid``.
        """
        _check_role(role)
        if not _KID.fullmatch(kid):
            raise KeyFileError(f"key id {kid[:64]!r} is not a 43-character thumbprint")
        name = _file_name(role, Kid(kid))
        data = _read_private(self._folder / name, name)
        try:
            # The bcrypt KDF runs before the check integers are compared, so a wrong
            # passphrase costs as much as the right one.
            private_key = load_ssh_private_key(data, self._passphrase)
        except TypeError:
            # cryptography's answer to a passphrase given for an unencrypted key.
            raise KeyFileError(f"key file {name} is not encrypted") from None
        except (ValueError, UnsupportedAlgorithm):
            raise KeyFileError(
                f"cannot decrypt key file {name}: wrong passphrase or damaged file"
            ) from None
        if not isinstance(private_key, Ed25519PrivateKey):
            raise KeyFileError(f"key file {name} holds no Ed25519 private key")
        signer = Ed25519Signer(private_key)
        if signer.kid != kid:
            raise KeyFileError(f"key file {name} holds key {signer.kid}, not {kid}")
        return signer

    def kids(self, role: str) -> list[Kid]:
        """Key ids of ``role`` with a file in the folder, sorted; none if no folder."""
        _check_role(role)
        prefix = f"{role}-"
        try:
            names = os.listdir(self._folder)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise KeyFileError(f"cannot list the key folder: {exc.strerror}") from None
        found = (
            n[len(prefix) : -len(_SUFFIX)]
            for n in names
            if n.startswith(prefix) and n.endswith(_SUFFIX)
        )
        return sorted(Kid(k) for k in found if _KID.fullmatch(k))


def _check_role(role: str) -> None:
    if not _ROLE.fullmatch(role):
        raise KeyFileError(
            f"key role {role[:64]!r} must be lower-case letters, digits and '_' "
            "(at most 32, starting with a letter)"
        )


def _file_name(role: str, kid: Kid) -> str:
    return f"{role}-{kid}{_SUFFIX}"


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file that is 0600 from its first instant, then sync."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise KeyFileError(f"key file {path.name} already exists") from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the new directory entry durable: a key that vanishes on power loss is lost."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_private(path: Path, name: str) -> bytes:
    """The bytes of ``path`` once its mode shows only its owner can use it.

    The checks run on the open descriptor, so the file read is the file checked; a
    symbolic link is refused rather than followed.
    """
    try:
        # O_NONBLOCK: a FIFO planted in its place must not hang the open.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise KeyFileError(f"no key file {name}") from None
    except OSError as exc:
        raise KeyFileError(f"cannot open key file {name}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(f"key file {name} is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise KeyFileError(
                f"key file {name} has mode {mode:04o}: group or others may use it; "
                "it must be readable by its owner only (chmod 600)"
            )
        return handle.read()
