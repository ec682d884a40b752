"""`triage plan` (make the walking plan) and `triage checkin` (the weekly check-in).

The plan file is health data: written owner-only and atomically (triage/io/files.py), never
overwritten by `triage plan` without --force. `triage checkin` keeps the answers of a
check-in in progress in PLAN.checkin next to it after every answer (resumed when run again),
and appends the check-in to the plan file in one atomic write at the end: killed at any
point, the plan file is the old one or the new one, whole.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from ..answers import AnswersError, parse_json
from ..io.files import FileLock, Locked, remove_stale_temporaries, write_atomic
from ..io.reading import InputError, read_text
from ..kb.digest import sha256
from ..kb.load import load_knowledge_base
from ..kb.records import KnowledgeBaseError
from ..plan import PlanError
from .common import color_enabled, fail, read_answers, terminal_width
from .questionnaire import Interrupted

EXIT_SEE_SOMEONE = 3  # no plan (or the plan stopped): the person needs to see someone
DEFAULT_PLAN_FILE = "triage-plan.json"
SIDECAR = ".checkin"


def print_command(plan_file: str) -> str:
    """The command that prints this plan: the HTML next to the plan file (plan.json ->
    plan.html), quoted for the shell when the name needs it."""
    path = Path(plan_file)
    html = path.with_suffix(".html") if path.suffix.lower() != ".html" else path.with_name(path.name + ".html")
    return f"triage plan-report {shlex.quote(plan_file)} -o {shlex.quote(str(html))}"


def _date(text: str | None, what: str) -> date:
    if text is None:
        return date.today()  # the local date of the machine running the command
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail([f"{what}: {text[:40]!r} is not a date (YYYY-MM-DD)"], "invalid date:")


def _echo(lines: list[str]) -> None:
    """Wrapped to the terminal; a list item ("- ...") keeps its continuation lines indented."""
    from ..wrapping import wrap as wrap_lines

    width = terminal_width()
    for line in lines:
        rest = "  " if line.startswith("- ") else ""
        click.echo("\n".join(wrap_lines(line, width, "", rest)) if line else "", color=color_enabled())


def _see_someone(title: str, timeframe: str, summary: str, extra: list[str]) -> NoReturn:
    _echo([f"{title.upper()} ({timeframe})", summary, *extra])
    sys.exit(EXIT_SEE_SOMEONE)


@click.command("plan", short_help="Make a 6-week walking plan from an answers file (urgency 0 only).")
@click.argument("answers_file", metavar="ANSWERS|-")
@click.option("-o", "--output", "output", default=DEFAULT_PLAN_FILE, show_default=True, help="The plan file to write.")
@click.option("--start", "start_text", metavar="YYYY-MM-DD", help="The first day of the plan (default: today).")
@click.option("--force", is_flag=True, help="Overwrite an existing plan file.")
def plan_command(answers_file: str, output: str, start_text: str | None, force: bool) -> None:
    """Make a 6-week walking plan and print the first week.

    Only for a result where walking is the advice (urgency 0). Otherwise nothing is
    written, the result is printed, and the exit status is 3. Exits 2 on invalid answers or
    an existing plan file without --force.
    """
    from ..assessment import assess
    from ..plan import make_plan
    from ..plan_file import plan_bytes
    from ..plan_text import plan_lines

    start = _date(start_text, "--start")
    path = Path(output)
    if path.exists() and not force:
        fail([f"{output} exists; use --force to replace it"], "nothing written:")
    raw = read_answers(answers_file)
    try:
        assessment = assess(raw)
        plan = make_plan(assessment, start)
    except AnswersError as error:
        fail(error.problems, f"invalid answers in {answers_file}:")
    except KnowledgeBaseError as error:
        fail(error.problems, "the knowledge base cannot be loaded:")
    except PlanError as error:
        if error.urgency:
            d = assessment.disposition
            _see_someone(d.title, d.timeframe, d.summary, ["No walking plan: a professional will set one with you."])
        fail(error.problems, "no plan:")
    try:
        write_atomic(path, plan_bytes(plan), overwrite=force)
    except FileExistsError:
        fail([f"{output} exists; use --force to replace it"], "nothing written:")
    except OSError as error:
        fail([f"{output}: {error.strerror or error}"], "nothing written:")
    _echo([f"Your walking plan is in {output}.", "", *plan_lines(plan, shlex.quote(output), print_command(output))])


@click.command("checkin", short_help="The weekly check-in of a walking plan: how did this week go?")
@click.argument("plan_file", metavar="PLAN.json")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The check-in's date (default: today).")
def checkin_command(plan_file: str, date_text: str | None) -> None:
    """Ask this week's check-in, add it to the plan file and print next week.

    A check-in that is stopped (Ctrl-C, end of input) is kept in PLAN.json.checkin and
    carried on the next time. Exits 3 when the plan stops because someone should look at the
    knee (the new result is printed first), 2 when the plan file is refused (every reason is
    listed), 130 or 1 when stopped.
    """
    from ..checkin import check_in, place
    from ..plan_file import plan_bytes, read_plan
    from ..plan_text import result_lines
    from .checkin_ask import ask_checkin

    when = _date(date_text, "--date")
    again = f"triage checkin {shlex.quote(plan_file)}"  # as the person types it again
    path = Path(plan_file)
    lock = FileLock(path.with_name(f".{path.name}.lock"))
    try:
        lock.acquire()
    except Locked:
        fail([f"{plan_file} is in use by another `triage checkin`"], "the plan file is in use:")
    except OSError as error:
        fail([f"{plan_file}: {error.strerror or error}"], "cannot use the plan file:")
    click.get_current_context().call_on_close(lock.release)
    sidecar = path.with_name(path.name + SIDECAR)
    for stale in (path, sidecar):
        remove_stale_temporaries(stale)
    try:
        text = read_text(plan_file)
    except InputError as error:
        fail(error.problems, "cannot read the plan:")
    kb = load_knowledge_base()
    try:
        plan, notes = read_plan(text, kb)
    except PlanError as error:
        if error.urgency:
            _refused_urgent(error)
        fail(error.problems, f"the plan in {plan_file} is refused:")
    _echo(notes)
    if plan.status == "escalated":
        d = kb.disposition_by_id[plan.disposition]
        _see_someone(d.title, d.timeframe, d.summary, ["Your walking plan stopped at your last check-in."])
    try:
        week, day = place(plan, when)
    except PlanError as error:
        fail(error.problems, "no check-in:")
    digest = sha256(text.encode("utf-8")).hexdigest()
    state = _resume(sidecar, digest, when)
    if day < plan.params.earliest_day:
        from ..plan_text import day_words

        opens = day_words(plan.weeks_through(week)[week - 1], plan.params.earliest_day)
        _echo([plan.params.wording["early"].format(day=day, week=week, date=opens)])
    from .ask import ClickConsole

    console = ClickConsole(color_enabled(), terminal_width())

    def save() -> None:
        write_atomic(sidecar, json.dumps({"plan_sha256": digest, "answers": state}).encode("utf-8"))

    try:
        answers = ask_checkin(plan, when, console, state, save)
        result = check_in(plan, answers)
    except Interrupted as stop:
        click.echo(f"\nStopped. Your answers so far are kept in {sidecar}; run {again} to carry on.")
        sys.exit(130 if stop.reason == "interrupt" else 1)
    except KeyboardInterrupt:
        click.echo(f"\nStopped. Your answers so far are kept in {sidecar}; run {again} to carry on.")
        sys.exit(130)
    except PlanError as error:
        with contextlib.suppress(OSError):
            sidecar.unlink()
        if error.too_early:
            from ..plan_text import day_words

            opens = day_words(plan.weeks_through(week)[week - 1], plan.params.earliest_day)
            _echo(["", plan.params.wording["nothing_new"].format(date=opens, command=again)])
            return
        fail(error.problems, "check-in not added:")
    try:
        write_atomic(path, plan_bytes(result.plan))
    except OSError as error:
        fail([f"{plan_file}: {error.strerror or error}"], "check-in not added:")
    with contextlib.suppress(OSError):
        sidecar.unlink()
    click.echo("")
    _echo(result_lines(result, shlex.quote(plan_file), print_command(plan_file)))
    if result.escalated:
        sys.exit(EXIT_SEE_SOMEONE)


def _resume(sidecar: Path, digest: str, when: date) -> dict[str, Any]:
    """The answers of a check-in in progress for this plan file and date, else nothing."""
    try:
        saved = parse_json(read_text(str(sidecar)))
    except (InputError, AnswersError, OSError):
        return {}
    answers = saved.get("answers") if isinstance(saved, dict) else None
    if saved.get("plan_sha256") != digest or not isinstance(answers, dict) or answers.get("date") != when.isoformat():
        return {}
    click.echo(f"Welcome back. Carrying on from the answers kept in {sidecar}.")
    return answers


def _refused_urgent(error: PlanError) -> NoReturn:
    _echo(["Your answers were assessed again with the knowledge base in use now:", *error.problems])
    sys.exit(EXIT_SEE_SOMEONE)
