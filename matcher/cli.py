"""The ``lifeweb-match`` console script.

Each sub-command lives in its own module under ``matcher.commands`` and is imported only
when it runs, so ``validate`` starts without loading scikit-learn or the database layer.
Every command module defines ``add_arguments(parser)`` and ``run(args) -> int``.

Whatever a command prints goes through :class:`matcher.commands._terminal.SafeStream`, so text
from a file cannot send escape sequences to the terminal; a reader that closes the pipe early
(``lifeweb-match import ... | head -1``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import NoReturn

__all__ = ["main", "package_version"]

EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, what a shell reports for a command whose reader went away."""

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "matcher.commands.validate",
        "check and normalise a proposals, donors or history file",
    ),
    "rank": ("matcher.commands.rank", "rank donors for proposals (or proposals for donors)"),
    "evaluate": (
        "matcher.commands.evaluate",
        "replay the LifeWeb funding history against the engine",
    ),
    "import": ("matcher.commands.store", "import a file into the database"),
    "export": ("matcher.commands.store", "export a table from the database"),
    "allocate": ("matcher.commands.allocate", "plan who pays for what across proposals"),
    "schedule": (
        "matcher.commands.schedule",
        "schedule donor x delegation meetings in time slots and tables",
    ),
}


def package_version() -> str:
    """The installed version of ``lifeweb-match``."""
    try:
        return version("lifeweb-match")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


class OneLineParser(argparse.ArgumentParser):
    """A bad option ends the command with one line on stderr and exit 2, as a bad file does.

    argparse's own error prints the whole usage first; the one line names the command, the
    problem and where the options are listed.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="lifeweb-match",
        description="LifeWeb Match: rank donors against biodiversity proposals and explain every score.",
    )
    parser.add_argument("--version", action="version", version=f"lifeweb-match {package_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module_name).add_arguments(sub, name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from matcher.commands._terminal import SafeStream

    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(stdout), SafeStream(stderr)  # type: ignore[assignment]
    try:
        parser = build_parser(command if command in COMMANDS else None)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        module = importlib.import_module(COMMANDS[args.command][0])
        status = int(module.run(args))
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence(stdout)
        return EXIT_BROKEN_PIPE
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _silence(stream: object) -> None:
    """After a closed pipe: point the stream's descriptor at /dev/null so the interpreter's
    final flush cannot fail again (and print a second error)."""
    try:
        descriptor = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
