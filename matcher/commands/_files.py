"""Checks on the files a command reads and writes, with reasons a person can act on.

Every command refuses to write over one of its own inputs (``validate p.csv --errors p.csv``
would otherwise leave one header line where the data was) and says why a path cannot be
read or written: missing, a folder, not readable, or in a folder that does not exist.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["input_problem", "output_problem", "overwrite_problem", "same_file", "writing_problem"]


def input_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot be read as an input file, or ``None`` when it can."""
    file = Path(path)
    if file.is_dir():
        return f"{file} is a folder, not a file"
    if not file.exists():
        return f"{file} does not exist"
    if not file.is_file():
        return f"{file} is not a regular file"
    try:
        with file.open("rb") as handle:
            handle.read(1)
    except OSError as error:
        return f"{file} cannot be read ({(error.strerror or str(error)).lower()})"
    return None


def output_problem(path: str | os.PathLike[str]) -> str | None:
    """Why a file cannot be written at ``path``, or ``None`` when it can be tried."""
    file = Path(path)
    if file.is_dir():
        return f"{file} is a folder; give a file name such as {file / 'out.csv'}"
    folder = file.parent
    if not folder.is_dir():
        return f"the folder {folder} does not exist (create it first)"
    return None


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when two paths name one file (also through links or ``..``)."""
    first, second = Path(a), Path(b)
    try:
        if first.exists() and second.exists():
            return os.path.samefile(first, second)
    except OSError:
        pass
    return first.resolve() == second.resolve()


def overwrite_problem(
    outputs: Iterable[tuple[str, str | os.PathLike[str] | None]],
    inputs: Iterable[tuple[str, str | os.PathLike[str] | None]],
) -> str | None:
    """Why the outputs would destroy an input or each other, or ``None``.

    ``outputs`` and ``inputs`` are ``(what, path)`` pairs such as ``("--errors", "p.csv")``;
    ``None`` paths are skipped.
    """
    given_inputs = [(what, path) for what, path in inputs if path is not None]
    given_outputs = [(what, path) for what, path in outputs if path is not None]
    for out_what, out_path in given_outputs:
        for in_what, in_path in given_inputs:
            if same_file(out_path, in_path):
                return (
                    f"{out_what} {out_path} is the same file as {in_what}; it would be "
                    "overwritten. Write to another file"
                )
    for index, (first_what, first_path) in enumerate(given_outputs):
        for second_what, second_path in given_outputs[index + 1 :]:
            if same_file(first_path, second_path):
                return (
                    f"{first_what} and {second_what} name the same file {first_path}; "
                    "give each its own file"
                )
    return None


def writing_problem(
    outputs: Iterable[tuple[str, str | os.PathLike[str] | None]],
    inputs: Iterable[tuple[str, str | os.PathLike[str] | None]] = (),
) -> str | None:
    """The first reason the command must not start writing: an output that cannot be written
    (a folder, a missing folder) or one that is an input or another output."""
    outputs, inputs = list(outputs), list(inputs)
    for what, path in outputs:
        problem = None if path is None else output_problem(path)
        if problem:
            return f"{what}: {problem}"
    return overwrite_problem(outputs, inputs)
