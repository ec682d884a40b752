"""`triage fhir`: the questionnaire and answers as FHIR R4 resources (docs/fhir.md)."""

from __future__ import annotations

import json
from typing import Any

import click

from ..kb.load import load_knowledge_base
from .common import fail, read_answers


@click.group("fhir")
def fhir_group() -> None:
    """FHIR R4: the Questionnaire and QuestionnaireResponses.

    To assess a QuestionnaireResponse: `triage assess --from-fhir QR.json` (also report and
    explain); for the outcome as a FHIR Bundle: `triage assess --format fhir`.
    """


def output_option(command: Any) -> Any:
    command = click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")(command)
    return click.option(
        "-o", "--output", metavar="OUTPUT.json", help="Write to this file (owner-only) instead of printing."
    )(command)


def emit(resource: dict[str, Any], output: str | None, force: bool) -> None:
    text = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    from ..io.files import write_atomic

    try:
        write_atomic(output, text.encode("utf-8"), overwrite=force, private=True)
    except FileExistsError:
        fail([f"{output}: already exists (use --force to overwrite)"], "nothing written:")
    except OSError as error:
        fail([f"{output}: {error.strerror or error}"], "nothing written:")
    click.echo(f"wrote {output}", err=True)


@fhir_group.command("questionnaire")
@click.option(
    "--adaptive-url",
    metavar="URL",
    help="Mark it adaptive (SDC questionnaireAdaptive): the base URL of a server offering $next-question.",
)
@output_option
def questionnaire_command(adaptive_url: str | None, output: str | None, force: bool) -> None:
    """Print the FHIR R4 Questionnaire.

    Every question with its answer options, limits, help and enableWhen (docs/fhir.md).
    """
    from ..fhir import ExportError, build_questionnaire

    try:
        resource = build_questionnaire(load_knowledge_base(), adaptive_url=adaptive_url)
    except ExportError as error:
        fail(error.problems, "the questionnaire cannot be written as FHIR:")
    emit(resource, output, force)


@fhir_group.command("response")
@click.argument("answers_file", metavar="FILE|-")
@output_option
def response_command(answers_file: str, output: str | None, force: bool) -> None:
    """Print the QuestionnaireResponse for an answers file.

    Status "completed" when every required question is answered, "in-progress" when some
    are still to come; a file that stopped early (its stopped_early record) is "completed"
    with the stopped-early extension. Invalid answers exit 2 and write nothing.
    """
    from ..answers import AnswersError, ValidAnswers, validate
    from ..assessment import assess
    from ..early_stop import make_record, split_record
    from ..fhir.response import response_for

    raw = read_answers(answers_file)
    kb = load_knowledge_base()
    _, record = split_record(raw)
    try:
        if record is None:
            valid = validate(raw, kb, partial=True)  # once: the response and the warnings both come from it
            stop = None
        else:  # stopped early: the record is checked as `triage assess` checks it
            assessment = assess(raw, kb=kb)
            valid = ValidAnswers(assessment.answers, assessment.warnings)
            early = assessment.early_stop
            stop = make_record(kb, early.disposition, early.because) if early else None
    except AnswersError as error:
        fail(error.problems, f"invalid answers in {answers_file}:")
    for warning in valid.warnings:  # e.g. an answer to a question not asked
        click.echo(f"triage: warning: {warning}", err=True)
    emit(response_for(kb, valid, status="completed" if stop else None, stop=stop), output, force)


@fhir_group.command("plan")
@click.argument("plan_file", metavar="PLAN.json")
@output_option
def plan_command(plan_file: str, output: str | None, force: bool) -> None:
    """Print a walking plan as a FHIR Bundle: the CarePlan, the check-in Questionnaire and a
    QuestionnaireResponse for each check-in (docs/plan.md). The plan file is checked first,
    as `triage checkin` does; a refused file exits 2 and writes nothing."""
    from ..fhir.plan import plan_bundle
    from ..io.reading import InputError, read_text
    from ..plan import PlanError
    from ..plan_file import read_plan

    try:
        plan, _ = read_plan(read_text(plan_file), load_knowledge_base())
    except InputError as error:
        fail(error.problems, "cannot read the plan:")
    except PlanError as error:
        fail(error.problems, f"the plan in {plan_file} is refused:")
    emit(plan_bundle(plan), output, force)
