"""The interactive questionnaire behind ``triage ask`` on a terminal, without click.

The click command (triage/cli_ask.py) only wires a terminal to this module; everything
here can be driven by a scripted ``Console`` in tests.

The flow
    Which question comes next, the early stop at ``urgent-care-today`` and ``emergency``, and
    the early-stop record are triage/flow.py, shared with the web. Every typed reply is
    checked with ``answers.check_value``, as in an answers file. Before an emergency result,
    a person at a terminal is asked once whether the answers behind it are right
    (``check_emergency``).

Replies
    ``?`` shows the question's help, ``<`` goes back to the previous question (its answer is
    removed and it is asked again). Yes/no: ``y``/``n``. Choices: a numbered list with the
    plain-words labels; the number, the value or the label is accepted. Numbers: digits.
    Red-flag questions have no default: an empty line asks again, and "not sure" (``s``) is
    an explicit option that is saved as ``null``. Optional questions: an empty line skips
    (left out = unknown). Free text: anything except a lone ``?`` or ``<``. Age under 18: the
    tool is for adults; it asks once to confirm (typos happen), then says so kindly and
    stops (exit 2, nothing kept).

Saving and resuming
    The answers file is a format-1 answers object (what ``triage assess FILE`` reads; plus
    the early-stop record when it stopped early), in question order, written atomically
    (temp file + ``os.replace``) after every reply.
    Next to it, ``FILE.progress`` (JSON, never read by ``triage assess``) keeps what the
    answers file cannot: ``history`` (the questions asked, in order, so ``<`` works after a
    resume), ``skipped`` (optional questions left empty, so a resume does not ask them
    again) and ``status`` (in-progress, stopped-early, complete). Answers in the file that
    are not in the history (pre-filled with ``--answers``, or a file without a progress
    file) are kept and never asked again; going back stops at them. A missing or damaged
    progress file only means skipped questions are asked again.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .answers import AnswersError, check_value, parse_json, unwrap_case, validate
from .assessment import Assessment
from .conditions import condition_holds
from .early_stop import RECORD_KEY, split_record
from .files import FileLock, remove_stale_temporaries, write_atomic
from .flow import EMERGENCY, URGENT, Flow, Progress, emergency_questions  # noqa: F401 (re-exported for callers)
from .knowledge import KnowledgeBase, Question
from .reading import InputError, read_text

DEFAULT_ANSWERS_FILE = "triage-answers.json"
PROGRESS_SUFFIX = ".progress"
PROGRESS_FORMAT = 1

BACK = "<"
HELP = "?"
NOT_SURE_WORDS = frozenset({"s", "not sure", "notsure", "unsure", "not-sure", "don't know", "dont know", "dk"})
YES_WORDS = frozenset({"y", "yes"})
NO_WORDS = frozenset({"n", "no"})

WIDTH = 80  # the default; a console may say its real width (``Console.width``)


# --- replies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What one typed line means for one question."""

    kind: str  # answer | skip | help | back | invalid | too-young
    value: Any = None
    message: str = ""


def _number_words(question: Question) -> str:
    whole = "a whole number" if question.type == "integer" else "a number"
    if question.min is not None and question.max is not None:
        return f"{whole} from {_num(question.min)} to {_num(question.max)}"
    return whole


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _not_sure_hint(question: Question) -> str:
    return ", or s if you are not sure" if question.red_flag else ""


_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_reply(question: Question, text: str) -> Reply:
    """Read one typed line as a reply to ``question``. Pure: no input, no output."""
    typed = text.strip()
    lowered = " ".join(typed.lower().replace("’", "'").split())
    if typed == HELP:
        return Reply("help")
    if typed == BACK:
        return Reply("back")
    if not typed:
        if question.required:
            extra = " If you are not sure, type s." if question.red_flag else ""
            return Reply("invalid", message=f"This question needs an answer.{extra}")
        return Reply("skip")
    if question.red_flag and lowered in NOT_SURE_WORDS:
        return Reply("answer", None)

    kind = question.type
    value: Any
    if kind == "boolean":
        if lowered in YES_WORDS:
            value = True
        elif lowered in NO_WORDS:
            value = False
        else:
            return Reply("invalid", message=f"Please type y for yes or n for no{_not_sure_hint(question)}.")
    elif kind == "integer":
        if not _INTEGER.fullmatch(typed):
            return Reply("invalid", message=f"Please type {_number_words(question)}{_not_sure_hint(question)}.")
        value = int(typed)
        if question.id == "age" and question.min is not None and 0 <= value < question.min:
            return Reply("too-young", value)
    elif kind == "number":
        if not _NUMBER.fullmatch(typed):
            return Reply("invalid", message=f"Please type {_number_words(question)}{_not_sure_hint(question)}.")
        number = float(typed)
        value = int(number) if number.is_integer() else number
    elif kind == "choice":
        found = _choice(question, lowered)
        if found is None:
            return Reply(
                "invalid",
                message=f"Please type a number from 1 to {len(question.choices)}{_not_sure_hint(question)}.",
            )
        value = found
    else:  # string
        value = typed

    value, problem = check_value(question, value)
    if problem:
        if kind in ("integer", "number"):
            return Reply("invalid", message=f"Please type {_number_words(question)}.")
        message = _without_id(question, problem)
        return Reply("invalid", message=message[:1].upper() + message[1:] + ".")
    return Reply("answer", value)


def _choice(question: Question, lowered: str) -> str | None:
    if lowered.isdigit() and 1 <= int(lowered) <= len(question.choices):
        return question.choices[int(lowered) - 1][0]
    for value, label in question.choices:
        if lowered in (value.lower(), label.lower()):
            return value
    return None


def _without_id(question: Question, problem: str) -> str:
    prefix = f"{question.id}: "
    return problem[len(prefix) :] if problem.startswith(prefix) else problem


# --- how a question looks ----------------------------------------------------------------------


def question_text(question: Question, position: int, total: int, width: int = WIDTH) -> str:
    """The question block: progress marker, the question, and its options (if a list)."""
    marker = f"[{position}/{total}] "
    lines = [_fill(question.text, width, marker, " " * len(marker))]
    if question.type == "choice":
        lines += [_fill(label, width, f"  {i}  ", "     ") for i, (_, label) in enumerate(question.choices, start=1)]
        if question.red_flag:
            lines.append("  s  not sure")
    return "\n".join(lines)


def prompt_text(question: Question) -> str:
    """The short line the answer is typed after."""
    kind = question.type
    if kind == "boolean":
        hint = "y = yes, n = no, s = not sure" if question.red_flag else "y = yes, n = no"
    elif kind == "choice":
        hint = f"1-{len(question.choices)}" + (", or s = not sure" if question.red_flag else "")
    elif kind in ("integer", "number"):
        hint = _number_words(question)
    else:
        hint = "type your answer"
    if not question.required:
        hint += "; Enter to skip"
    return f"({hint}) >"


# --- saving --------------------------------------------------------------------------------------


def atomic_write(path: Path, text: str) -> None:
    """Write a whole file or nothing, readable by its owner only (answers are health data)."""
    write_atomic(path, text.encode("utf-8"))


class AnswersStore:
    """The answers file (format 1) and its sidecar FILE.progress."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.progress_path = self.path.with_name(self.path.name + PROGRESS_SUFFIX)
        self._lock = FileLock(self.path.with_name(f".{self.path.name}.lock"))

    def lock(self) -> None:
        """Take this answers file for this process (an advisory lock, released by ``unlock`` or
        when the process ends), then remove temporary files a killed writer left behind.
        Raises Locked if another process has it (two writers would lose each other's
        answers), OSError if the lock file cannot be made."""
        self._lock.acquire()
        for path in (self.path, self.progress_path):
            remove_stale_temporaries(path)

    def unlock(self) -> None:
        self._lock.release()

    def exists(self) -> bool:
        return self.path.exists()

    def save(self, kb: KnowledgeBase, progress: Progress) -> None:
        answers: dict[str, Any] = {q.id: progress.answers[q.id] for q in kb.questions if q.id in progress.answers}
        if progress.status == "stopped-early" and progress.early_stop is not None:
            answers[RECORD_KEY] = progress.early_stop
        atomic_write(self.path, json.dumps(answers, indent=2, ensure_ascii=False) + "\n")
        sidecar = {
            "format": PROGRESS_FORMAT,
            "about": f"triage ask: progress of {self.path.name}; not an answers file",
            "status": progress.status,
            "history": progress.history,
            "skipped": [q.id for q in kb.questions if q.id in progress.skipped],
            # Only while in progress: the report is written when the questionnaire ends.
            **({"report": progress.report} if progress.report and progress.status == "in-progress" else {}),
        }
        atomic_write(self.progress_path, json.dumps(sidecar, indent=2) + "\n")

    def remove(self) -> None:
        for path in (self.path, self.progress_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def load(self, kb: KnowledgeBase) -> tuple[Progress, list[str]]:
        """Read a saved questionnaire. Raises AnswersError (unreadable or invalid answers) and
        returns the progress and any warnings."""
        if not self.path.exists():
            raise AnswersError([f"{self.path}: no saved answers here"])
        try:
            text = read_text(self.path)
        except InputError as error:
            raise AnswersError(error.problems) from None
        progress, warnings = progress_from_answers(kb, unwrap_case(parse_json(text)))
        sidecar, problem = self._read_sidecar()
        if problem:
            warnings.append(problem)
        answered = progress.answers
        asked_now = {q.id for q in kb.questions if condition_holds(q.asked_when, answered)}
        skipped = {
            qid
            for qid in sidecar["skipped"]
            if isinstance(qid, str)
            and qid in kb.question_by_id
            and not kb.question_by_id[qid].required
            and qid not in answered
            and qid in asked_now
        }
        history: list[str] = []
        for qid in sidecar["history"]:
            if isinstance(qid, str) and (qid in answered or qid in skipped) and qid not in history:
                history.append(qid)
        progress.skipped, progress.history = skipped, history
        status = sidecar.get("status")
        progress.status = status if status in ("in-progress", "stopped-early", "complete") else "in-progress"
        progress.report = _report_targets(sidecar.get("report"))
        return progress, warnings

    def _read_sidecar(self) -> tuple[dict[str, Any], str | None]:
        """The progress file, or an empty one (with a warning) if it is missing or damaged:
        a damaged one only means skipped questions are asked again."""
        empty: dict[str, Any] = {"history": [], "skipped": []}
        if not self.progress_path.exists():
            return empty, None
        try:
            data = json.loads(read_text(self.progress_path))
        except (InputError, ValueError, RecursionError):
            return empty, f"{self.progress_path} could not be read; questions you skipped will be asked again"
        lists = isinstance(data, dict) and all(isinstance(data.get(k, []), list) for k in ("history", "skipped"))
        if not lists or data.get("format") != PROGRESS_FORMAT:
            return empty, f"{self.progress_path} is not a progress file; questions you skipped will be asked again"
        return {**empty, **data}, None


def _report_targets(saved: Any) -> dict[str, Any] | None:
    """The report targets kept in a progress file, if they are well formed."""
    if not isinstance(saved, dict) or not isinstance(saved.get("html"), str):
        return None
    text = (str, type(None))
    if not isinstance(saved.get("pdf"), text) or not isinstance(saved.get("now"), text):
        return None
    return {
        "html": saved["html"],
        "pdf": saved.get("pdf"),
        "force": saved.get("force") is True,
        "now": saved.get("now"),
    }


def progress_from_answers(kb: KnowledgeBase, raw: Any) -> tuple[Progress, list[str]]:
    """Pre-filled answers (an answers object or a patient case), validated as a questionnaire in
    progress. Raises AnswersError listing every problem. An early-stop record is dropped: the
    questionnaire works out again whether to stop."""
    raw, _ = split_record(raw)
    valid = validate(raw, kb, partial=True)
    return Progress(answers=dict(valid.answers)), list(valid.warnings)


# --- talking to a person ---------------------------------------------------------------------


class Interrupted(Exception):
    """The person stopped: ``reason`` is "interrupt" (Ctrl-C) or "eof" (end of input)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Console(Protocol):
    def show(self, text: str = "") -> None: ...

    def ask(self, prompt: str) -> str:
        """One line of input; raises Interrupted."""
        ...


@dataclass(frozen=True)
class Outcome:
    status: str  # complete | stopped-early | too-young
    assessment: Assessment | None


def run(
    flow: Flow,
    console: Console,
    save: Callable[[], None],
    *,
    style: Callable[..., str] = lambda text, **_: text,
    check_emergency: bool = False,
) -> Outcome:
    """Ask until the end or an early stop. Saves after every reply; Interrupted passes through
    (everything answered so far is already saved). ``check_emergency`` (a person at a
    terminal, not piped input) asks once before an emergency result whether the answers that
    caused it are right; "no" goes back to that question."""
    warned_urgent = False
    checked: set[tuple[str, str]] = set()  # emergency answers already confirmed (or re-given after "no")
    while True:
        question = flow.next_question()
        if question is None and check_emergency and flow.urgency >= EMERGENCY:
            revisit = _check_emergency(flow, console, checked)
            if revisit is not None:
                flow.forget(revisit)
                save()
                console.show(f"  Going back to: {revisit.text}")
                continue
        if flow.urgency >= URGENT and not warned_urgent and question is not None:
            console.show(style(urgent_notice(flow, question, _width(console)), bold=True))
            warned_urgent = True
        if question is None:
            flow.progress.status = flow.finish_status()
            flow.record_early_stop()
            save()
            return Outcome(flow.progress.status, flow.final_assessment())
        position, total = flow.position(question)
        console.show("")
        console.show(style(question_text(question, position, total, _width(console)), bold=True))
        while True:
            reply = parse_reply(question, console.ask(prompt_text(question)))
            if reply.kind == "help":
                console.show(help_text(question, _width(console)))
                continue
            if reply.kind == "invalid":
                console.show(f"  {reply.message}")
                continue
            break
        if reply.kind == "too-young":
            sure = parse_reply(
                _CONFIRM,
                console.ask(f"You typed {reply.value}. This tool is for adults. Is {reply.value} right? (y/n) >"),
            )
            if sure.kind == "answer" and sure.value is True:
                return Outcome("too-young", None)
            continue
        if reply.kind == "back":
            previous = flow.back()
            if previous is None:
                console.show("  This is the first question here; there is nothing to go back to.")
            else:
                console.show(f"  Going back to: {previous.text}")
                save()
            continue
        if reply.kind == "skip":
            flow.skip(question)
        else:
            flow.answer(question, reply.value)
        save()
        if flow.urgency < URGENT:
            warned_urgent = False  # went back and changed an answer: warn again if it comes back


_CONFIRM = Question(id="confirm", type="boolean", text="Is that right?", required=True)


def _check_emergency(flow: Flow, console: Console, checked: set[tuple[str, str]]) -> Question | None:
    """Ask once whether the answers behind an emergency are right; the question to go back
    to on "no", else None. Answers already checked (or given again after "no") are not asked about."""
    from .ambulance_check import check_text, emergency_causes, question_to_revisit

    causes = emergency_causes(flow.assessment)
    keys = {(q.id, json.dumps(v)) for q, v in causes}
    if not causes or keys <= checked:
        return None
    checked.update(keys)
    console.show("")
    console.show(wrap(check_text(flow.assessment, causes), _width(console)))
    while True:
        sure = parse_reply(_CONFIRM, console.ask("(y = yes, n = no) >"))
        if sure.kind == "answer":
            break
        console.show("  Please type y for yes or n for no.")
    if sure.value is True:
        return None
    return question_to_revisit(causes, flow.progress.history)


def help_text(question: Question, width: int = WIDTH) -> str:
    lines = [question.help or "There is no more help for this question."]
    if question.red_flag:
        lines.append("If you cannot tell, answer s (not sure): that is a real answer, and better than guessing.")
    lines.append("Type < to go back to the previous question.")
    return "\n".join(_fill(line, width, "  ", "  ") for line in lines)


def urgent_notice(flow: Flow, question: Question, width: int = WIDTH) -> str:
    """Shown at once when the answers so far mean urgent-care-today, before the few questions
    that could still make it an emergency."""
    d = flow.assessment.disposition
    position, total = flow.position(question)
    rest = total - position + 1
    more = "One more quick question checks" if rest == 1 else f"{rest} more quick questions check"
    bar = "!" * min(60, width)
    return "\n".join(
        [
            "",
            bar,
            wrap(f"{d.title.upper()}. {d.summary}", width),
            bar,
            wrap(f"Your answers so far already mean this. {more} whether you need an ambulance instead.", width),
        ]
    )


def _fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """Wrapped to ``width``, never mid-word (a word longer than a line stays whole)."""
    return textwrap.fill(
        text,
        max(width, 20),
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def wrap(text: str, width: int = WIDTH) -> str:
    return "\n".join(_fill(para, width) for para in text.split("\n"))


def _width(console: Console) -> int:
    return getattr(console, "width", WIDTH)


def missing_message(questions: Iterable[Question]) -> list[str]:
    return [f"{q.id}: required, not answered ({q.text})" for q in questions]


# --- the end -------------------------------------------------------------------------------------


def render_end(
    outcome: Outcome,
    answers_path: Path | str,
    *,
    style: Callable[..., str] = lambda text, **_: text,
    width: int = WIDTH,
    command: str = "triage",
    report_line: str | None = None,
    full: bool = False,
) -> str:
    """The end of a run: the first screen (the answer, summary.first_screen), saying where the
    answers and the report are; then, with ``full``, the rest. No blank line first: in a
    24-line terminal every line of the first screen counts."""
    from .summary import FIRST_SCREEN_LINES, first_screen, the_rest

    assessment = outcome.assessment
    if assessment is None:
        return ""
    path = shlex.quote(str(answers_path))
    if full:
        saved = f"Saved: {answers_path}."
    else:  # one line if it fits: the command names the file anyway
        saved = f"Saved: {answers_path}. All of it: {command} assess {path}"
        saved = saved if len(saved) <= width else f"All of it: {command} assess {path}"
    where = [saved, report_line or f"Report: {command} report {path} -o report.html"]
    lines = first_screen(assessment, width=width, style=style, where=where)
    if len(lines) > FIRST_SCREEN_LINES and not full:  # long paths: keep the headline on screen
        where = [f"All of it: {command} assess {path}", *([report_line] if report_line else [])]
        lines = first_screen(assessment, width=width, style=style, where=where)
    if full:
        lines += the_rest(assessment, width=width, style=style)
    return "\n".join(lines)


TOO_YOUNG = (
    "Thank you. This tool is written for adults (18 and over), so it cannot advise about knee pain "
    "in someone younger. Please ask a doctor, nurse or pharmacist instead. In an emergency call your "
    "emergency number (999 in the UK, 112 in Europe, 911 in the US)."
)
