"""`triage cases run DIR` and `triage cases new ANSWERS`: case corpora (docs/cases.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..answers import AnswersError, parse_json, unwrap_case
from ..governance.cases import (
    CaseOutcome,
    error_outcome,
    ignored_line,
    new_case,
    outcome_line,
    run_case,
    summary_json,
    summary_junit,
    wrap_block,
)
from ..governance.cases import summary_line as summary_text
from ..io.files import write_atomic
from ..io.reading import InputError, read_text
from ..kb.load import load_knowledge_base
from ..kb.records import KnowledgeBase
from .common import fail, read_answers


@click.group("cases")
def cases_group() -> None:
    """Patient-case corpora: run them, or record a new case."""


def check_outputs(targets: list[Path | None], force: bool) -> None:
    """Before any work: every output can be written, and none is overwritten without --force."""
    problems = []
    for target in targets:
        if target is None:
            continue
        if target.exists() and not force:
            problems.append(f"{target}: already exists (use --force to replace it)")
        elif not target.parent.is_dir():
            problems.append(f"{target}: no folder {target.parent}")
    if problems:
        fail(problems, "cannot write the output:")


def write_output(target: Path, data: bytes, force: bool, private: bool = False) -> None:
    try:
        write_atomic(target, data, overwrite=force, private=private)
    except FileExistsError:
        fail([f"{target}: already exists (use --force to replace it)"], "cannot write the output:")
    except OSError as error:
        fail([f"{target}: {error.strerror or error}"], "cannot write the output:")


def case_files(corpus: Path) -> list[Path]:
    if not corpus.is_dir():  # a file, or a FIFO or device (refused, not waited for, when it is read)
        return [corpus]
    return sorted(corpus.rglob("*.json"), key=lambda p: p.relative_to(corpus).as_posix())


def load_outcomes(corpus: Path, kb: KnowledgeBase) -> list[CaseOutcome]:
    """Run every case file under ``corpus`` with ``kb``; unreadable files are errors."""
    files = case_files(corpus)
    if not files:
        fail([f"{corpus}: no case files (*.json)"], "nothing to run:")
    outcomes: list[CaseOutcome] = []
    seen: set[str] = set()
    for path in files:
        name = path.relative_to(corpus).as_posix() if corpus.is_dir() else path.name
        try:
            raw = parse_json(read_text(path))  # bounded, regular files only (a FIFO would hang)
        except InputError as error:
            outcomes.append(error_outcome(name, path.stem, [f"cannot read: {p}" for p in error.problems]))
            continue
        except AnswersError as error:
            outcomes.append(error_outcome(name, path.stem, error.problems))
            continue
        outcome = run_case(raw, kb, name, path.stem)
        if outcome.id in seen:
            outcome = error_outcome(name, outcome.id, [f"case id {outcome.id!r} is used by an earlier file"])
        seen.add(outcome.id)
        outcomes.append(outcome)
    return outcomes


@cases_group.command("run")
@click.argument("corpus", type=click.Path(exists=True, path_type=Path), metavar="DIR")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="Write a JSON summary.")
@click.option("--junit", "junit_out", type=click.Path(dir_okay=False, path_type=Path), help="Write a JUnit XML file.")
@click.option("--force", is_flag=True, help="Replace existing summary files.")
@click.option("-q", "--quiet", is_flag=True, help="Show only the cases that fail, and the summary.")
def cases_run(corpus: Path, json_out: Path | None, junit_out: Path | None, force: bool, quiet: bool) -> None:
    """Run every case file in DIR (and its subfolders) and compare with "expected".

    Exit 0 when every case passes, 1 when any case fails or is invalid, 2 on bad usage.
    """
    check_outputs([json_out, junit_out], force)
    kb = load_knowledge_base()
    outcomes = load_outcomes(corpus, kb)
    for outcome in outcomes:
        if not (quiet and outcome.verdict == "pass"):
            click.echo(wrap_block(outcome_line(outcome)))
    ignored = ignored_line(outcomes)
    if ignored:
        click.echo(wrap_block(ignored))
    click.echo(wrap_block(summary_text(outcomes, kb)))
    if json_out:
        text = json.dumps(summary_json(outcomes, kb), indent=2, ensure_ascii=False) + "\n"
        write_output(json_out, text.encode("utf-8"), force)
    if junit_out:
        write_output(junit_out, summary_junit(outcomes, kb), force)
    sys.exit(0 if all(o.verdict == "pass" for o in outcomes) else 1)


@cases_group.command("new")
@click.argument("answers_file", metavar="ANSWERS|-")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="The case file to write.")
@click.option("--id", "case_id", help="The case id (default: the output file's name, or 'NEW').")
@click.option("--description", default="", help="The person, in words, for the reviewer.")
@click.option("--force", is_flag=True, help="Replace an existing case file.")
def cases_new(answers_file: str, output: Path | None, case_id: str | None, description: str, force: bool) -> None:
    """Write a case file from an answers file plus today's result, for a clinician to review.

    The "expected" it records is what the knowledge base says now: review it against the
    policy before the case joins a corpus. Without -o the case is printed.
    """
    from ..assessment import assess

    check_outputs([output], force)
    raw = unwrap_case(read_answers(answers_file))
    try:
        result = assess(raw)
    except AnswersError as error:
        fail(error.problems, f"invalid answers in {answers_file}:")
    chosen_id = case_id or (output.stem if output else "NEW")
    text = json.dumps(new_case(raw, result, chosen_id, description), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(output, text.encode("utf-8"), force, private=True)  # answers are health data: owner-only
    click.echo(f"wrote {output}: expected {result.disposition.id} (urgency {result.urgency}); review it before use")
