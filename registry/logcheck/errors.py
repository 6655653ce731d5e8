"""What the log checks report when something does not hold.

Every failure is a :class:`LogCheckError` whose ``detail`` names the first bad entry,
stored hash, checkpoint or proof, and whose ``rule`` says what kind of failure it is, so
that scripts can tell a fork from a flaky network.
"""

from __future__ import annotations

from typing import Final

from registry.errors import RegistryError

GAP: Final = "log-gap"
BAD_ENTRY: Final = "log-bad-entry"
BAD_NODE: Final = "log-bad-node"
BAD_CHECKPOINT: Final = "log-bad-checkpoint"
BAD_SIGNATURE: Final = "log-bad-signature"
BAD_PROOF: Final = "log-bad-proof"
FORK: Final = "log-fork"
ROLLBACK: Final = "log-rollback"
FETCH: Final = "log-fetch-failed"
BAD_STATE: Final = "log-bad-state"
NOT_LOGGED: Final = "credential-not-logged"


class LogCheckError(RegistryError):
    """A log check failed; ``rule`` is one of the constants of this module."""

    rule = "log-check-failed"
