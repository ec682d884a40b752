"""The printable report: one self-contained HTML file (and optionally a PDF).

The HTML is rendered from the Jinja2 templates in reports/ (autoescaped, StrictUndefined)
with everything inline (CSS, SVG icons, system fonts): it works offline and prints on A4
and US Letter. Every clinical statement in it comes from the knowledge base; this module
only arranges it. The same assessment and the same ``now`` give the same bytes.

Library API (also used by ``triage ask -o``)::

    render_report(assessment, *, now) -> str
    write_outputs(assessment, html_path, pdf_path=None, *, force=False, now=None) -> list[Path]
    report_time(value=None) -> datetime   # --now, else SOURCE_DATE_EPOCH, else the clock
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from . import files
from .answers import asked_questions
from .assessment import Assessment
from .conditions import Atom
from .knowledge import Advice, Citation, KnowledgeBase, Rule
from .paths import reports_dir
from .summary import MARKS, TOP_ADVICE

TEMPLATE = "report.html.j2"

# Short labels for the disposition icon (the same words the terminal summary uses).

# Headings for the advice groups, in the order they are shown (navigation, not advice).
GROUPS: dict[str, str] = {
    "now": "Your next step",
    "walking": "How to walk",
    "strength": "Strengthen your muscles",
    "weight": "Weight",
    "feet-and-knees": "Feet and knees",
    "bones": "Bones",
    "backward-walking": "Backward walking",
}

MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)

PDF_HINT = (
    "PDF output needs WeasyPrint, an optional extra: pip install 'triage[pdf]' "
    "(from a source checkout: pip install '.[pdf]'). "
    "Without it, open the HTML report in any web browser and use Print > Save as PDF."
)


class ReportError(Exception):
    """The report cannot be written; ``problems`` lists every reason (nothing was written)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# --------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------


def report_time(value: str | None = None, environ: dict[str, str] | None = None) -> datetime:
    """The report's time: ``value`` (ISO 8601, e.g. 2026-01-31T09:00), else the
    SOURCE_DATE_EPOCH convention (seconds since 1970, UTC), else the local clock.
    Raises ReportError on a malformed value."""
    env = os.environ if environ is None else environ
    if value is not None:
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            raise ReportError([f"--now: {value!r} is not a date and time like 2026-01-31T09:00"]) from None
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip() != "":
        try:
            return datetime.fromtimestamp(int(epoch.strip()), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ReportError([f"SOURCE_DATE_EPOCH: {epoch!r} is not a whole number of seconds"]) from None
    return datetime.now().astimezone().replace(microsecond=0)


def format_time(now: datetime) -> str:
    """31 January 2026 at 09:00 (UTC), independent of the locale."""
    text = f"{now.day} {MONTHS[now.month - 1]} {now.year} at {now:%H:%M}"
    offset = now.utcoffset()
    if offset is None:
        return text
    total = int(offset.total_seconds()) // 60
    if total == 0:
        return f"{text} (UTC)"
    hours, minutes = divmod(abs(total), 60)
    return f"{text} (UTC{'+' if total > 0 else '-'}{hours:02d}:{minutes:02d})"


# --------------------------------------------------------------------------
# The view model: plain data for the template
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    key: str
    title: str
    kind: str
    quote: str | None
    locator: str | None


@dataclass(frozen=True)
class AnswerRow:
    id: str
    question: str
    answer: str
    status: str  # answered | not-sure | not-asked | not-answered
    free_text: bool = False


@dataclass(frozen=True)
class Reason:
    rule_id: str
    title: str
    because: str
    floor_title: str | None
    decides: bool
    computed: str | None
    based_on: tuple[tuple[str, str], ...]
    sources: tuple[SourceRef, ...]


def _sources(kb: KnowledgeBase, cites: Iterable[Citation]) -> tuple[SourceRef, ...]:
    refs = []
    for cite in cites:
        source = kb.sources.get(cite.source)
        refs.append(
            SourceRef(
                key=cite.source,
                title=source.title if source else cite.source,
                kind=source.kind if source else "",
                quote=cite.quote,
                locator=cite.locator,
            )
        )
    return tuple(refs)


def _answer_rows(assessment: Assessment) -> tuple[list[AnswerRow], list[str], list[str], list[str]]:
    """The questions asked and answered (or "not sure"); then, grouped by id, the optional
    ones left out, those never asked because their condition did not hold, and those never
    asked because the questions stopped early."""
    kb, answers = assessment.kb, assessment.answers
    asked = {q.id for q in asked_questions(kb, answers)}
    stopped = assessment.early_stop is not None
    rows: list[AnswerRow] = []
    not_asked: list[str] = []
    not_asked_early: list[str] = []
    left_out: list[str] = []
    for question in kb.questions:
        free = question.type == "string"
        if question.id not in asked:
            not_asked.append(question.id)
        elif question.id not in answers:
            if stopped:  # every question still open when the questions stopped was never asked
                not_asked_early.append(question.id)
            else:  # optional, left out: grouped in one line like the questions not asked
                left_out.append(question.id)
        elif answers[question.id] is None:
            rows.append(AnswerRow(question.id, question.text, "not sure", "not-sure", free))
        else:
            shown = question.answer_words(answers[question.id])
            rows.append(AnswerRow(question.id, question.text, shown, "answered", free))
    return rows, left_out, not_asked, not_asked_early


def _atoms(rules: Iterable[Rule]) -> dict[str, list[Atom]]:
    by_question: dict[str, list[Atom]] = {}
    for rule in rules:
        for alternative in rule.when:
            for atom in alternative:
                if atom.kind == "answer":
                    by_question.setdefault(atom.subject, []).append(atom)
    return by_question


def checked_red_flags(assessment: Assessment) -> list[AnswerRow]:
    """Red-flag questions asked and answered with no sign of concern: no rule in the
    knowledge base would match the answer given ("no", "never", "none", or "yes" to
    "can you take four steps"). "Not sure" is never in this list."""
    kb, answers = assessment.kb, assessment.answers
    atoms = _atoms(kb.rules)
    rows = []
    for question in kb.questions:
        if not question.red_flag or answers.get(question.id) is None:
            continue
        value = answers[question.id]
        if any(atom.accepts(value) for atom in atoms.get(question.id, ())):
            continue
        rows.append(AnswerRow(question.id, question.text, question.answer_words(value), "answered"))
    return rows


def _reasons(assessment: Assessment) -> tuple[list[Reason], list[Reason], list[Reason]]:
    """The rules that set the result, the lower ones also noted (most urgent first), and
    those that only worked something out (BMI, probable osteoarthritis, fall risk...), as
    Assessment.reasons / also_noted / worked_out choose them."""
    kb, run = assessment.kb, assessment.run
    firings_by_rule: dict[str, list[int]] = {}
    for index, firing in enumerate(run.firings):
        firings_by_rule.setdefault(firing.rule_id, []).append(index)
    views: dict[str, Reason] = {}
    for rule in (*assessment.reasons, *assessment.also_noted, *assessment.worked_out):
        based_on: dict[str, str] = {}
        computed = None
        for index in firings_by_rule.get(rule.id, ()):
            for fact_id in run.firings[index].matched:
                record = run.facts.get(fact_id)
                if record is not None and record.kind == "answer" and record.name in kb.question_by_id:
                    question = kb.question_by_id[record.name]
                    based_on[question.text] = question.answer_words(record.value)
            for record in run.facts.values():
                if record.kind == "derived" and record.produced_by == index:
                    computed = f"{record.name.upper() if len(record.name) <= 4 else record.name}: {record.value}"
        floor = kb.disposition_by_id[rule.floor] if rule.floor else None
        reason = Reason(
            rule_id=rule.id,
            title=rule.title,
            because=rule.because,
            floor_title=floor.title if floor else None,
            decides=bool(floor and floor.id == assessment.disposition.id),
            computed=computed,
            based_on=tuple(based_on.items()),
            sources=_sources(kb, rule.cite),
        )
        views[rule.id] = reason
    return (
        [views[r.id] for r in assessment.reasons],
        [views[r.id] for r in assessment.also_noted],
        [views[r.id] for r in assessment.worked_out],
    )


@dataclass(frozen=True)
class AdviceView:
    id: str
    text: str
    details: str
    sources: tuple[SourceRef, ...]


def _advice_groups(assessment: Assessment) -> list[tuple[str, str, list[AdviceView]]]:
    kb = assessment.kb
    groups: dict[str, list[Advice]] = {}
    for item in assessment.advice:
        groups.setdefault(item.group, []).append(item)
    order = [g for g in GROUPS if g in groups] + sorted(g for g in groups if g not in GROUPS)
    return [
        (
            group,
            GROUPS.get(group, group.replace("-", " ").capitalize()),
            [AdviceView(a.id, a.text, a.details, _sources(kb, a.cite)) for a in groups[group]],
        )
        for group in order
    ]


def report_context(assessment: Assessment, *, now: datetime) -> dict[str, Any]:
    kb = assessment.kb
    d = assessment.disposition
    reasons, also_noted, derived = _reasons(assessment)
    name = assessment.answers.get("name")
    rows, left_out, not_asked, not_asked_early = _answer_rows(assessment)
    return {
        "person": _person(assessment),
        "early_stop": assessment.early_stop.reason if assessment.early_stop else None,
        "not_asked_early_label": kb.wording["not_asked_early"],
        "top_advice": [AdviceView(a.id, a.text, a.details, ()) for a in assessment.advice[:TOP_ADVICE]],
        "more_advice": len(assessment.advice) > TOP_ADVICE,
        "disposition": d,
        "mark": MARKS.get(d.urgency, "!"),
        "level": min(max(d.urgency, 0), 4),
        "name": name if isinstance(name, str) and name.strip() else None,
        "advice_groups": _advice_groups(assessment),
        "not_sure": [kb.question_by_id[q].text for q in assessment.not_sure],
        "safety_net": [AdviceView(a.id, a.text, a.details, _sources(kb, a.cite)) for a in assessment.safety_net],
        "reasons": reasons,
        "also_noted": also_noted,
        "derived": derived,
        "checked": checked_red_flags(assessment),
        "source_index": _source_index(assessment),
        "answers": rows,
        "left_out": left_out,
        "not_asked": not_asked,
        "not_asked_early": not_asked_early,
        "warnings": list(assessment.warnings),
        "disclaimer": kb.wording["disclaimer"],
        "generated": format_time(now),
        "generated_iso": now.isoformat(),
        "kb_version": kb.version,
        "kb_sha256": kb.sha256,
    }


def _source_index(assessment: Assessment) -> list[tuple[str, str]]:
    """Every source the report names by its key, once, with its title (in the knowledge base's order)."""
    kb = assessment.kb
    cites = [c for item in (*assessment.advice, *assessment.safety_net) for c in item.cite]
    cites += [c for rule in (*assessment.reasons, *assessment.also_noted, *assessment.worked_out) for c in rule.cite]
    used = {c.source for c in cites}
    return [(key, source.title) for key, source in kb.sources.items() if key in used]


def _person(assessment: Assessment) -> list[tuple[str, str]]:
    """Who the report is about, for page 1: name, age and sex as answered."""
    kb, answers = assessment.kb, assessment.answers
    person = []
    for qid, label in (("age", "Age"), ("sex", "Sex")):
        if answers.get(qid) is not None and qid in kb.question_by_id:
            person.append((label, kb.question_by_id[qid].answer_words(answers[qid])))
    return person


# --------------------------------------------------------------------------
# Rendering and writing
# --------------------------------------------------------------------------


@functools.cache
def _environment() -> jinja2.Environment:
    """Built once per process (79 ms; a render with it cached takes about 3 ms). Jinja
    environments are safe to share between threads once built."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(reports_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_report(assessment: Assessment, *, now: datetime) -> str:
    """The report as one self-contained HTML document (a str)."""
    return _environment().get_template(TEMPLATE).render(report_context(assessment, now=now))


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except Exception:  # ImportError, or OSError when its system libraries are missing
        return False
    return True


def render_pdf(html: str) -> bytes:
    """The HTML printed to PDF by WeasyPrint (the optional extra). ReportError if absent."""
    try:
        import weasyprint
    except Exception as error:
        raise ReportError([f"cannot make a PDF: {error}", PDF_HINT]) from None
    with _quiet_logs("weasyprint", "fontTools"):
        return weasyprint.HTML(string=html).write_pdf()


@contextlib.contextmanager
def _quiet_logs(*names: str) -> Iterator[None]:
    """WeasyPrint logs warnings about CSS it ignores (for example ``print-color-adjust``);
    with no logging set up, Python prints them on stderr. The report is fine: keep them off."""
    loggers = [logging.getLogger(name) for name in names]
    saved = [(logger.propagate, logger.handlers[:]) for logger in loggers]
    for logger in loggers:
        logger.propagate, logger.handlers = False, [logging.NullHandler()]
    try:
        yield
    finally:
        for logger, (propagate, handlers) in zip(loggers, saved, strict=True):
            logger.propagate, logger.handlers = propagate, handlers


def write_pdf(
    assessment: Assessment, pdf_path: str | os.PathLike[str], *, force: bool = False, now: datetime | None = None
) -> list[Path]:
    """Only the PDF (``-o report.pdf``), with the same checks and atomic write as write_outputs."""
    target = Path(pdf_path)
    problems = check_targets(target, None, force)
    if not pdf_available():
        problems.append(PDF_HINT)
    if problems:
        raise ReportError(problems)
    data = render_pdf(render_report(assessment, now=now or report_time()))
    write_atomic(target, data, overwrite=force)
    return [target]


def write_atomic(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """triage.files.write_atomic (owner-only: a report holds health data), with an existing
    file (and no ``overwrite``) or a device, FIFO or folder in the way as a ReportError."""
    try:
        files.write_atomic(path, data, overwrite=overwrite)
    except FileExistsError:
        raise ReportError([f"{path}: already exists (use --force to overwrite it)"]) from None
    except files.NotARegularFile as error:
        raise ReportError([str(error)]) from None


def check_targets(html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str] | None, force: bool) -> list[str]:
    """Everything that would stop the report being written, before anything is rendered."""
    paths = [Path(html_path), *([Path(pdf_path)] if pdf_path is not None else [])]
    problems = []
    if len({p.resolve() for p in paths}) < len(paths):
        problems.append("the HTML and the PDF cannot be the same file")
    for path in paths:
        if path.is_dir():
            problems.append(f"{path}: is a folder")
        elif path.exists() and not (path.is_file() or path.is_symlink()):
            problems.append(f"{path}: not a regular file (a device, pipe or socket); it is never replaced")
        elif path.exists() and not force:
            problems.append(f"{path}: already exists (use --force to overwrite it)")
        elif not path.parent.is_dir():
            problems.append(f"{path.parent}: no such folder")
    if pdf_path is not None and not pdf_available():
        problems.append(PDF_HINT)
    return problems


def write_outputs(
    assessment: Assessment,
    html_path: str | os.PathLike[str],
    pdf_path: str | os.PathLike[str] | None = None,
    *,
    force: bool = False,
    now: datetime | None = None,
) -> list[Path]:
    """Write the HTML report (and the PDF, if asked) and return the paths written.

    Every check runs and everything is rendered before anything is written, and each file
    is written atomically: on any error (ReportError, OSError) no output is half-written,
    and an existing file is only replaced with ``force``. ``now`` defaults to report_time().
    """
    html_target = Path(html_path)
    pdf_target = Path(pdf_path) if pdf_path is not None else None
    problems = check_targets(html_target, pdf_target, force)
    if problems:
        raise ReportError(problems)
    html = render_report(assessment, now=now or report_time())
    outputs: list[tuple[Path, bytes]] = [(html_target, html.encode("utf-8"))]
    if pdf_target is not None:
        outputs.append((pdf_target, render_pdf(html)))
    for path, data in outputs:
        write_atomic(path, data, overwrite=force)
    return [path for path, _ in outputs]
