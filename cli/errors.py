"""How every CLI command reports a project error or a bug: one message shape, one exit code map."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from kernel.errors import ScreeningError
from screening.messages import Lang

log = logging.getLogger(__name__)

INPUT_ERROR, CONFIG_ERROR, INTERNAL_ERROR = 2, 3, 4


def print_error(err: ScreeningError, lang: Lang) -> None:
    """'fout [E123] message' on stderr; the message itself is never read as Rich markup."""
    label = "fout" if lang == "nl" else "error"
    # soft_wrap: a long message stays one line, so scripts can grep it.
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]{label}[/] [{err.code}] {escape(err.message(lang))}"
    )


def fail(
    err: ScreeningError,
    lang: Lang,
    *,
    codes: Mapping[str, int] | None = None,
    default: int = INTERNAL_ERROR,
) -> NoReturn:
    """Report `err` and exit: input 2, configuration 3, other categories by `codes` or `default`."""
    print_error(err, lang)
    exit_codes = {"input": INPUT_ERROR, "config": CONFIG_ERROR, **(codes or {})}
    raise typer.Exit(exit_codes.get(err.category, default))


@contextmanager
def command_errors(lang: Lang, command: str) -> Iterator[None]:
    """Project errors become a clear message and an exit code; a bug becomes exit code 4."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except ScreeningError as err:
        fail(err, lang)
    except Exception as exc:
        # Only the type: an exception's text may quote a name from the registry or a key.
        log.error("%s command failed: %s", command, type(exc).__name__)
        label = "interne fout" if lang == "nl" else "internal error"
        Console(stderr=True, highlight=False).print(f"[bold red]{label}[/] {type(exc).__name__}")
        raise typer.Exit(INTERNAL_ERROR) from None
