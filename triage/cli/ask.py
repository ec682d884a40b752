"""`triage ask`: the interactive questionnaire on a terminal (the flow is triage/cli/questionnaire.py)."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click

from ..answers import AnswersError
from ..flow import URGENT, Flow, Outcome, Progress
from ..io.files import Locked, free_path
from ..kb.load import load_knowledge_base
from ..kb.records import KnowledgeBase
from .answers_store import DEFAULT_ANSWERS_FILE, AnswersStore, progress_from_answers
from .ask_intro import introduce, offer_to_carry_on, resume_command
from .questionnaire import Interrupted, run
from .report import check_report_options, report_options
from .terminal_text import missing_message, render_end, too_young_text

EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports it
EXIT_END_OF_INPUT = 1  # the input ran out before the questions did
EXIT_BAD_INPUT = 2


class ClickConsole:
    """Plain click prompts: work on a terminal, with piped input and under CliRunner."""

    def __init__(self, color: bool | None, width: int = 80):
        self.color = color
        self.width = width  # the questionnaire wraps its text to this
        # A byte that is not UTF-8 (a terminal in another encoding) must not crash the
        # questionnaire: it is read as a lone surrogate, which the answer check rejects, so
        # the question is asked again.
        reconfigure = getattr(sys.stdin, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="surrogateescape")

    def show(self, text: str = "") -> None:
        click.echo(text, color=self.color)

    def ask(self, prompt: str) -> str:
        try:
            return click.prompt(prompt, default="", show_default=False, prompt_suffix=" ")
        except click.Abort as abort:  # click turns both into Abort; the cause is kept as context
            reason = "eof" if isinstance(abort.__context__, EOFError) else "interrupt"
            raise Interrupted(reason) from None


@dataclass(frozen=True)
class ReportRequest:
    html_path: str | None
    pdf_path: str | None
    force: bool
    now: datetime


def finish(
    outcome: Outcome,
    store: AnswersStore,
    color: bool | None,
    report: ReportRequest,
    full: bool,
    exit_on_problems: bool = True,
    after: str | None = None,
) -> None:
    """The end of a run: the report first (if one is due), then the first screen, which says
    where the report is, so that the answer is what stays on the screen."""
    from .common import fail, invoked_as, terminal_width
    from .report import try_write_report

    problems: list[str] = []
    report_line = None
    if report.html_path is not None:
        written, problems = try_write_report(
            outcome.assessment, report.html_path, report.pdf_path, report.force, report.now
        )
        report_line = "Report: " + ", ".join(str(p) for p in written) if written else None
    elif outcome.status == "stopped-early":
        # Written now, to show whoever sees the person; never over a file already there (the
        # person's own notes.html, or the answers file itself with -a answers.html): the first
        # free name, answers-2.html and so on.
        html_path = str(free_path(store.path.with_suffix(".html")))
        written, problems = try_write_report(outcome.assessment, html_path, None, False, report.now)
        report_line = f"Report to show whoever sees you: {written[0]}" if written else None
    screen = render_end(
        outcome,
        store.path,
        style=click.style,
        width=terminal_width(),
        command=invoked_as(),
        report_line=report_line,
        full=full,
        after=after,
    )
    click.echo(screen, color=color)
    if problems:
        heading = "the report was only partly written:" if report_line else "the report was not written:"
        if not exit_on_problems:  # leaving with Ctrl-C: say so, keep the exit status of the stop
            for problem in problems:
                click.echo(f"triage: {heading} {problem}", err=True)
            return
        fail(problems, heading)


@click.command("ask")
@click.option(
    "-a",
    "--answers-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_ANSWERS_FILE,
    show_default=True,
    help="Where your answers are saved, after every question (a format-1 answers file that "
    "`triage assess` reads). Progress is kept next to it in FILE.progress.",
)
@click.option("--resume", is_flag=True, help="Carry on from the answers saved in the answers file.")
@click.option(
    "--answers",
    "prefill",
    metavar="FILE",
    help="Pre-fill from this answers file (or patient case); only the questions still missing are asked. "
    "The answers are saved to the answers file, not to FILE.",
)
@click.option("--new", is_flag=True, help="Start again, replacing answers already saved in the answers file.")
@click.option(
    "--no-input",
    is_flag=True,
    help="Never ask anything: use --answers or --resume, and fail (exit 2) naming any required answer missing.",
)
@click.option("--full", is_flag=True, help="At the end, show the whole result, not only the first screen.")
@report_options(html_required=False)
def ask_command(
    answers_file: Path,
    resume: bool,
    prefill: str | None,
    new: bool,
    no_input: bool,
    html_path: str | None,
    pdf_path: str | None,
    force: bool,
    now_text: str | None,
    full: bool,
) -> None:
    """Answer the questions one at a time, then see what to do.

    The warning-sign questions come first. If the answers already mean you need to be seen
    today or need an ambulance, the questions stop and you are told at once. Type ? for
    help with a question, < to go back. Your answers are saved after every question: if you
    stop (Ctrl-C), `triage ask --resume` carries on where you left off.

    With -o REPORT.html the printable report is written at the end (also after an early stop).

    Exit status: 0 when a result was given (whatever it says); 2 for bad input, missing
    answers with --no-input, or someone under 18 (this tool is for adults); 130 after
    Ctrl-C and 1 when the input ran out (answers so far are saved).
    """
    from .common import color_enabled, fail, invoked_as, read_answers, terminal_width

    color = color_enabled()
    report = ReportRequest(html_path, pdf_path, force, check_report_options(html_path, pdf_path, force, now_text))
    kb = load_knowledge_base()
    store = AnswersStore(answers_file)
    if resume and (new or prefill):
        fail(
            ["--resume carries on the saved answers; it cannot be used with --new or --answers"], "conflicting options"
        )
    if prefill == "-" and not no_input:
        fail(
            ["--answers - (standard input) only works with --no-input: the questions are read from there"], "bad option"
        )

    _lock_or_fail(store, fail)
    warnings: list[str] = []
    if not (resume or new or prefill or no_input) and store.exists() and sys.stdin.isatty():
        resume = offer_to_carry_on(store)  # a person at a terminal: ask, rather than stop
    if resume:
        if not store.exists():
            fail(
                [f"{store.path}: there are no saved answers here; start with `{invoked_as()} ask`"], "nothing to resume"
            )
        try:
            progress, warnings = store.load(kb)
        except AnswersError as error:
            fail(error.problems, f"cannot resume from {store.path}:")
        if html_path is None and progress.report is not None:  # the -o of the interrupted run
            saved = progress.report
            report = ReportRequest(
                saved["html"],
                saved["pdf"],
                saved["force"],
                check_report_options(saved["html"], saved["pdf"], saved["force"], saved["now"]),
            )
            html_path, pdf_path, force, now_text = saved["html"], saved["pdf"], saved["force"], saved["now"]
    else:
        if store.exists() and not new:
            fail(
                [
                    f"{store.path} already holds saved answers.",
                    f"To carry on with them: {resume_command(store.path)}",
                    f"To start again and replace them: {invoked_as()} ask --new (or choose another file with -a FILE)",
                ],
                "not starting over saved answers",
            )
        progress = Progress()
        if prefill:
            raw = read_answers(prefill)
            try:
                progress, warnings = progress_from_answers(kb, raw)
            except AnswersError as error:
                fail(error.problems, f"invalid answers in {prefill}:")
    for warning in warnings:
        click.echo(f"triage: warning: {warning}", err=True)
    if html_path is not None:  # kept in FILE.progress, so that --resume writes the same report
        progress.report = {
            "html": str(Path(html_path).absolute()),
            "pdf": str(Path(pdf_path).absolute()) if pdf_path else None,
            "force": force,
            "now": now_text,
        }

    flow = Flow(kb, progress)
    if no_input:
        missing = flow.missing_required()
        if missing:
            fail(missing_message(missing), "answers are missing (--no-input asks nothing):")
        flow.leave_out_open_questions()
        progress.status = flow.finish_status()
        flow.record_early_stop()
        _save_or_fail(store, kb, progress, fail)
        finish(Outcome(progress.status, flow.final_assessment()), store, color, report, full)
        return

    created = not store.exists()
    _save_or_fail(store, kb, progress, fail)  # before the first question: the file is writable
    console = ClickConsole(color, terminal_width())
    introduce(console, store, progress, resume, kb.wording["disclaimer"], prefill)
    try:
        # The check before an ambulance only for a person typing (not piped input).
        interactive = sys.stdin.isatty()
        outcome = run(
            flow, console, save=lambda: store.save(kb, progress), style=click.style, check_emergency=interactive
        )
    except Interrupted as stop:
        code = EXIT_INTERRUPTED if stop.reason == "interrupt" else EXIT_END_OF_INPUT
        _stopped(console, store, code, Leaving(flow, kb, progress, color, report, full))
    except KeyboardInterrupt:  # Ctrl-C between prompts
        _stopped(console, store, EXIT_INTERRUPTED, Leaving(flow, kb, progress, color, report, full))
    except OSError as error:
        fail([f"{store.path}: {error.strerror or error}"], "cannot save the answers:")
    if outcome.status == "too-young":
        if created or not progress.answers:  # nothing worth keeping
            store.remove()
        console.show("")
        console.show(too_young_text(load_knowledge_base(), console.width))
        sys.exit(EXIT_BAD_INPUT)
    finish(outcome, store, color, report, full)


def _lock_or_fail(store: AnswersStore, fail) -> None:
    try:
        store.lock()
    except Locked:
        fail(
            [
                f"{store.path} is in use by another `triage ask` (answering twice at once would lose answers).",
                "Finish or stop that one first, or choose another file with -a FILE.",
            ],
            "the answers file is in use:",
        )
    except OSError as error:
        fail([f"{store.path}: {error.strerror or error}"], "cannot save the answers:")
    click.get_current_context().call_on_close(store.unlock)


def _save_or_fail(store: AnswersStore, kb, progress: Progress, fail) -> None:
    try:
        store.save(kb, progress)
    except OSError as error:
        fail([f"{store.path}: {error.strerror or error}"], "cannot save the answers:")


@contextlib.contextmanager
def _no_second_ctrl_c() -> Iterator[None]:
    """Ctrl-C ignored for a moment, then as it was (an ignored signal would otherwise outlive
    this command: in a test runner's process, and in every program it starts)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass(frozen=True)
class Leaving:
    """What ``_stopped`` needs to show the result to someone who leaves once it is urgent."""

    flow: Flow
    kb: KnowledgeBase
    progress: Progress
    color: bool | None
    report: ReportRequest
    full: bool


def _stopped(console: ClickConsole, store: AnswersStore, code: int, leaving: Leaving) -> NoReturn:
    """Stopped before the end. If the answers so far already mean urgent care or an ambulance,
    that is shown on the way out (a person who leaves must still see it), and the answers are
    saved with an early-stop record that `assess`, `explain` and `report` accept."""
    from .common import fail

    console.show("")
    if leaving.flow.urgency >= URGENT:
        with _no_second_ctrl_c():  # a second Ctrl-C must not hide the urgent advice
            leaving.flow.stop_here()
            _save_or_fail(store, leaving.kb, leaving.progress, fail)
            outcome = Outcome(leaving.progress.status, leaving.flow.final_assessment())
            rest = f"To answer the rest: {resume_command(store.path)}" if outcome.status == "stopped-early" else None
            finish(outcome, store, leaving.color, leaving.report, leaving.full, exit_on_problems=False, after=rest)
        sys.exit(code)
    console.show(f"Stopped. Your answers so far are saved in {store.path}")
    console.show(f"To carry on where you left off: {resume_command(store.path)}")
    sys.exit(code)
