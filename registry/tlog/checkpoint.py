"""C2SP tlog-checkpoint: the note text that commits to a tree head.

    <origin>
    <size in decimal>
    <root hash in base64>
    [extension lines]

Each line ends in a newline (c2sp.org/tlog-checkpoint, "Note text"). The text is what a
signed note signs; see :mod:`registry.tlog.note`.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.tlog.encoding import MAX_INT64, b64decode, b64encode, parse_decimal
from registry.tlog.errors import CheckpointError
from registry.tlog.hashing import Hash, is_hash


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head: the log's origin, its size and its RFC 6962 root hash.

    Raises CheckpointError if a field could not be written as a checkpoint line.
    """

    origin: str
    size: int
    root_hash: Hash
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line(self.origin, "origin")
        if not 0 <= self.size <= MAX_INT64:
            raise CheckpointError(f"checkpoint size out of range: {self.size}")
        if not is_hash(self.root_hash):
            raise CheckpointError(
                f"checkpoint root hash must be 32 bytes, got {len(self.root_hash)}"
            )
        for line in self.extensions:
            _check_line(line, "extension line")

    def to_text(self) -> str:
        """The note text (c2sp.org/tlog-checkpoint), ending in a newline."""
        lines = [self.origin, str(self.size), b64encode(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """A checkpoint from its note text, strictly (c2sp.org/tlog-checkpoint).

        Requires at least three non-empty lines, each ending in a newline; a size with no
        leading zeroes; a canonical base64 root of 32 bytes. Raises CheckpointError.
        """
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(f"checkpoint needs at least 3 lines, got {len(lines)}")
        origin, size_line, root_line, *extensions = lines
        try:
            size = parse_decimal(size_line)
        except ValueError:
            raise CheckpointError("checkpoint size is not a canonical decimal") from None
        try:
            root_hash = b64decode(root_line)
        except ValueError:
            raise CheckpointError("checkpoint root hash is not canonical base64") from None
        return cls(origin, size, Hash(root_hash), tuple(extensions))


def _check_line(line: str, what: str) -> None:
    if not line:
        raise CheckpointError(f"checkpoint {what} must not be empty")
    if any(ord(ch) < 0x20 for ch in line):
        raise CheckpointError(f"checkpoint {what} must not contain control characters")
