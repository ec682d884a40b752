"""What every `triage` subcommand shares: exiting with a list of problems, reading an answers
file, the width and colour of the terminal, and how the person started the program.

The subcommand modules (cli_*.py) import these from here, and triage/cli/main.py imports the
subcommands: no module of the command line imports another in a circle.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click


def invoked_as() -> str:
    """The command as the person started it, for the commands we suggest: `triage` when that is
    what they typed (or the script on PATH), `.venv/bin/triage` when they typed a path, and
    `python -m triage` for the module. Anything else (a test runner) reads as `triage`."""
    import shlex
    import shutil
    from pathlib import Path

    argv0 = sys.argv[0] if sys.argv else ""
    if Path(argv0).name == "__main__.py" and Path(argv0).parent.name == "triage":
        python = getattr(sys, "orig_argv", [sys.executable])[0]
        return f"{shlex.quote(python)} -m triage"
    if Path(argv0).name != "triage" or os.sep not in argv0:
        return "triage"
    on_path = shutil.which("triage")
    if on_path and Path(on_path).resolve() == Path(argv0).resolve():
        return "triage"
    return shlex.quote(argv0)


def terminal_width() -> int:
    """The terminal's real width ($COLUMNS, else the terminal's), 80 when there is none."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def color_enabled() -> bool | None:
    """None lets click decide (colour only on a terminal); NO_COLOR turns it off."""
    return False if os.environ.get("NO_COLOR") else None


def fail(problems: list[str], heading: str, after: list[str] = ()) -> NoReturn:  # type: ignore[assignment]
    """The problems, one per line, then ``after`` (plain lines: what to do about them); exit 2."""
    from ..answers import bounded  # at most 50 problems listed, whatever the input

    click.echo(f"triage: {heading}", err=True)
    for problem in bounded(problems):
        click.echo(f"  - {problem}", err=True)
    for line in after:
        click.echo(line, err=True)
    sys.exit(2)


def finish_lines(error: Any, source: str) -> list[str]:
    """For a file missing required answers (a 1.1 file, say): those questions in plain words,
    and the command that asks only them."""
    import shlex

    from ..answers import how_to_finish
    from ..kb.load import load_knowledge_base

    missing = getattr(error, "missing", ())
    if not missing:
        return []
    from ..wrapping import wrap

    target = "FILE" if source == "-" else shlex.quote(source)
    lines = how_to_finish(load_knowledge_base(), missing, f"{invoked_as()} ask --answers {target}")
    width = terminal_width()
    wrapped: list[str] = []
    for line in lines:
        wrapped += wrap(line[2:], width, "  - ") if line.startswith("- ") else wrap(line, width)
    return ["", *wrapped]


def read_answers(source: str, from_fhir: bool = False) -> Any:
    """Read and parse an answers file ('-' is standard input); exit 2 with the reason if unreadable.

    ``from_fhir``: the file is a FHIR QuestionnaireResponse (triage/fhir), read into answers."""
    from ..answers import AnswersError, parse_json, unwrap_case
    from ..io.reading import InputError, read_text

    try:
        text = read_text(source, getattr(sys.stdin, "buffer", None))
    except InputError as error:
        fail(error.problems, "cannot read the answers:")
    try:
        if from_fhir:
            from ..fhir import read_response
            from ..kb.load import load_knowledge_base

            return read_response(load_knowledge_base(), parse_json(text))
        return unwrap_case(parse_json(text))
    except AnswersError as error:
        fail(error.problems, f"invalid answers in {source}:")


FROM_FHIR = click.option(
    "--from-fhir", is_flag=True, help="FILE is a FHIR R4 QuestionnaireResponse (see `triage fhir questionnaire`)."
)


def assess_response_file(source: str) -> Any:
    """A QuestionnaireResponse file assessed (triage/fhir/assess.py): a ResponseOutcome, which
    is provisional when answers are missing but those given are already urgent."""
    from ..answers import AnswersError, parse_json
    from ..fhir.assess import assess_response
    from ..io.reading import InputError, read_text
    from ..kb.load import load_knowledge_base

    try:
        text = read_text(source, getattr(sys.stdin, "buffer", None))
    except InputError as error:
        fail(error.problems, "cannot read the answers:")
    try:
        return assess_response(load_knowledge_base(), parse_json(text))
    except AnswersError as error:
        fail(error.problems, f"invalid answers in {source}:")


def assess_file(source: str, from_fhir: bool = False) -> Any:
    from ..answers import AnswersError
    from ..assessment import assess

    raw = read_answers(source, from_fhir)
    try:
        return assess(raw)
    except AnswersError as error:
        fail(error.problems, f"invalid answers in {source}:", finish_lines(error, source))
