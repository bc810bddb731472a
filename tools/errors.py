"""The project's own exception type: a stable code, a one-line message, an exit status.

Everything a user can cause (a missing file, bad SQL, an unknown dialect) is raised as a
`DeassistError`; the CLI turns it into one line on stderr and the exit status, in one place.
"""

from __future__ import annotations

USAGE = 2
FAILURE = 1
DECLINED = 3  # the answer says what it could not answer instead of answering another question


class DeassistError(Exception):
    """A user-facing error: `code` is stable (``DEA-AREA-WHAT``), `message` is one actionable line."""

    def __init__(self, code: str, message: str, *, exit_code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code
        self.message = message.replace("\n", " ").strip()
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
