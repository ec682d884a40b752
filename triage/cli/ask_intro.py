"""What `triage ask` says before the first question: the offer to carry on with saved
answers, and the introduction (how to get help, go back, where answers are saved)."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ..flow import Progress
from .answers_store import DEFAULT_ANSWERS_FILE, AnswersStore
from .questionnaire import Console
from .terminal_text import WIDTH, wrap


def resume_command(path: Path) -> str:
    from .common import invoked_as

    where = "" if str(path) == DEFAULT_ANSWERS_FILE else f" -a {shlex.quote(str(path))}"
    return f"{invoked_as()} ask --resume{where}"


def offer_to_carry_on(store: AnswersStore) -> bool:
    """Saved answers and plain `triage ask` at a terminal: carry on (True), or stop without
    touching them (exit 2, saying how to start again)."""
    from .common import fail, invoked_as

    click.echo(f"{store.path} already holds saved answers.")
    while True:
        try:
            typed = click.prompt(
                "Carry on with them? (y = carry on, n = stop here)", default="", show_default=False, prompt_suffix=" > "
            )
        except click.Abort:
            typed = "n"
        typed = typed.strip().lower()
        if typed in ("y", "yes"):
            return True
        if typed in ("n", "no"):
            fail(
                [
                    f"Your saved answers in {store.path} are kept.",
                    f"To start again and replace them: {invoked_as()} ask --new (or choose another file with -a FILE)",
                ],
                "not starting over saved answers",
            )
        click.echo("  Please type y to carry on or n to stop.")


def introduce(
    console: Console,
    store: AnswersStore,
    progress: Progress,
    resume: bool,
    disclaimer: str,
    prefill: str | None = None,
) -> None:
    width = getattr(console, "width", WIDTH)  # the terminal's, when the console knows it
    if resume:
        count = len(progress.answers)
        console.show(
            wrap(
                f"Welcome back. Carrying on from the {count} answer{'s' if count != 1 else ''} saved in {store.path}.",
                width,
            )
        )
    else:
        console.show(
            wrap(
                "Knee pain and walking: some questions, one at a time. The most important ones come first.",
                width,
            )
        )
    console.show(
        wrap(
            "Type ? for help with a question, < to go back to the previous one.\n"
            f"Your answers are saved in {store.path} after every question. If you stop, "
            f"carry on later with: {resume_command(store.path)}",
            width,
        )
    )
    if prefill and not resume:
        count = len(progress.answers)
        came = f"{count} answer{'s' if count != 1 else ''} came from {prefill}"
        console.show(wrap(f"{came}: only the questions still missing are asked.", width))
    console.show(wrap(disclaimer, width))
