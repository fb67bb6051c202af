"""The ``lifeweb-match`` console script.

Each sub-command lives in its own module under ``matcher.commands`` and is imported only
when it runs, so ``validate`` starts without loading scikit-learn or the database layer.
Every command module defines ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["main"]

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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lifeweb-match",
        description="LifeWeb Match: rank donors against biodiversity proposals and explain every score.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module_name).add_arguments(sub, name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
