"""The errors a user can fix, each with the exit code the README documents."""

from __future__ import annotations

# Exit codes, documented in the README ("Exit codes"). Usage errors (2) come from Typer's
# parser (cli.StarterGroup words them) or from UsageError.
OK = 0
BAD_INPUT = 1
USAGE = 2
CHECK_FAILED = 3
NOT_FOUND = 4
NETWORK = 5
ENVIRONMENT = 6
CONFLICT = 7
INTERRUPTED = 130


class StarterError(Exception):
    """A problem the user can fix; the message says what happened and what to do."""

    exit_code = BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(StarterError):
    """An argument, a file or a paper card is not what starter expects."""

    exit_code = BAD_INPUT


class UsageError(StarterError):
    """The command line itself is wrong: a missing argument, an unknown option."""

    exit_code = USAGE


class NotFoundError(StarterError):
    """A paper, claim, template or repository does not exist."""

    exit_code = NOT_FOUND


class NetworkError(StarterError):
    """A metadata service could not be reached or answered something unusable."""

    exit_code = NETWORK


class SetupError(StarterError):
    """The machine lacks something starter needs (git, an identity, a writable folder)."""

    exit_code = ENVIRONMENT


class ConflictError(StarterError):
    """Doing this would overwrite the user's work; a flag such as --force allows it."""

    exit_code = CONFLICT


class CheckFailed(StarterError):
    """`starter status --check` found a claim that was not reproduced."""

    exit_code = CHECK_FAILED
