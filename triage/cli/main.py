"""The `triage` command: a thin click layer over the library API."""

from __future__ import annotations

import os
import sys

import click

from .common import FROM_FHIR, assess_file, assess_response_file, color_enabled, fail, invoked_as, terminal_width
from .lazy import LazyCommand, LazyGroup

# json, shlex, pathlib and triage.kb.paths are imported where used, not here: `triage --help`
# needs none of them, and click does not import them (about 8 ms of a cold start).

# Commands in modules of their own, imported only when run (triage/cli/lazy.py): name ->
# "module:command" and the command's one-line summary, for `triage --help`.
LAZY_COMMANDS = {
    "ask": LazyCommand("triage.cli.ask:ask_command", "Answer the questions one at a time, then see what to do."),
    "batch": LazyCommand(
        "triage.cli.batch:batch_command", "Assess every row of a JSON Lines or CSV file; write JSON Lines."
    ),
    "checkin": LazyCommand(
        "triage.cli.plan:checkin_command", "The weekly check-in of a walking plan: how did this week go?"
    ),
    "cases": LazyCommand("triage.cli.cases:cases_group", "Patient-case corpora: run them, or record a new case."),
    "fhir": LazyCommand("triage.cli.fhir:fhir_group", "FHIR R4: the Questionnaire and QuestionnaireResponses."),
    "plan": LazyCommand(
        "triage.cli.plan:plan_command", "Make a 6-week walking plan from an answers file (urgency 0 only)."
    ),
    "plan-report": LazyCommand(
        "triage.cli.plan_report:plan_report_command",
        "Write a walking plan to print (HTML; PDF with the pdf extra).",
    ),
    "report": LazyCommand(
        "triage.cli.report:report_command",
        "Write the printable report (HTML; PDF with the pdf extra).",
    ),
    "schema": LazyCommand("triage.cli.web:schema_command", "Print the JSON Schema of an answers file."),
    "serve": LazyCommand(
        "triage.cli.web:serve_command", "Serve the questionnaire and the JSON API (needs the web extra)."
    ),
}
LAZY_RULES_COMMANDS = {
    "diff": LazyCommand(
        "triage.cli.governance:diff_command",
        "What changes from OLD to NEW (knowledge-base folders or git refs): cases and rules.",
    ),
}


def print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version: the program and the knowledge base (version and sha256), which fix the result."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from ..kb.load import load_knowledge_base
    from ..kb.records import KnowledgeBaseError

    try:
        kb = load_knowledge_base()
    except KnowledgeBaseError as error:
        fail(error.problems, "the knowledge base cannot be loaded:")
    from ..kb.paths import DISTRIBUTION

    click.echo(f"triage {version(DISTRIBUTION)}")
    click.echo(f"knowledge base {kb.version} (sha256 {kb.sha256})")
    ctx.exit()


def _use_kb(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """--kb DIR: set TRIAGE_KB, the one setting the library's loader reads (triage/kb/paths.py), then load it."""
    if value is None:
        return
    from pathlib import Path

    from ..kb.paths import KB_ENV

    path = Path(value)  # as click's path_type=Path did: the message below shows it the same way
    os.environ[KB_ENV] = str(path.resolve())
    if ctx.parent is not None:  # on a command: the group has loaded the default already
        from ..kb.load import load_knowledge_base
        from ..kb.records import KnowledgeBaseError

        try:
            load_knowledge_base()
        except KnowledgeBaseError as error:
            fail(error.problems, f"the knowledge base in {path} cannot be loaded:")


def _kb_parameter() -> click.Option:
    return click.Option(
        ["--kb"],
        type=click.Path(exists=True, file_okay=False),  # a str: pathlib is imported in _use_kb
        callback=_use_kb,
        expose_value=False,
        is_eager=True,
        metavar="DIR",
        help="Use the knowledge-base folder DIR instead of the built-in one (also: TRIAGE_KB=DIR).",
    )


class KbGroup(click.Group):
    """Every command, including ones added later in their own modules, accepts --kb DIR."""

    group_class = type  # subgroups (`triage rules`) are of this class too

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if type(command) is click.Group:  # a plain subgroup from another module: its commands get --kb too
            command.__class__ = LazyKbGroup  # and its help lists each summary whole (LazyGroup.format_commands)
            command.lazy = {}
        if command is not None and not any(p.name == "kb" for p in command.params):
            command.params.append(_kb_parameter())
        return command


class LazyKbGroup(LazyGroup, KbGroup):
    """Commands imported when run (LazyGroup), each given --kb (KbGroup)."""


@click.group(cls=LazyKbGroup, lazy=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=print_version,
    help="Show the version and the knowledge base's version and sha256, and exit.",
)
def main() -> None:
    """Knee pain and walking: keep walking, how to walk, and when to see someone.

    Not a diagnosis. In an emergency call your emergency number.
    """
    from ..kb.load import load_knowledge_base
    from ..kb.records import KnowledgeBaseError

    try:
        load_knowledge_base()
    except KnowledgeBaseError as error:
        fail(error.problems, "the knowledge base cannot be loaded:")


main.params.append(_kb_parameter())


@main.command("assess", short_help="Assess an answers file: the result as text or JSON.")
@click.argument("answers_file", metavar="FILE|-")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "fhir"]), default="text", show_default=True
)
@FROM_FHIR
def assess_command(answers_file: str, output_format: str, from_fhir: bool) -> None:
    """Assess an answers file (JSON, format 1); '-' reads standard input.

    --format fhir prints a FHIR R4 Bundle (docs/fhir.md). Exits 0 whenever an assessment was
    made, whatever the urgency; 2 on invalid input.
    """
    import json

    provisional, missing = False, ()
    if from_fhir:  # answers missing but already urgent: a provisional result, not an error
        found = assess_response_file(answers_file)
        assessment, provisional, missing = found.assessment, found.provisional, found.not_yet_answered
    else:
        assessment = assess_file(answers_file)
    for warning in assessment.warnings:
        click.echo(f"triage: warning: {warning}", err=True)
    if provisional:
        click.echo(
            f"triage: warning: provisional: {len(missing)} required questions not answered "
            f"({', '.join(missing)}); the answers given already mean {assessment.disposition.id}, "
            "and more answers could only make it more urgent",
            err=True,
        )
    if output_format == "fhir":
        from ..fhir import build_bundle

        click.echo(json.dumps(build_bundle(assessment, provisional=provisional), indent=2, ensure_ascii=False))
    elif output_format == "json":
        data = assessment.to_dict()
        if provisional:
            data.update(provisional=True, not_yet_answered=list(missing))
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        import shlex

        from ..summary import render_summary

        command = invoked_as()
        shown = "FILE" if answers_file == "-" else shlex.quote(answers_file)
        where = [f"Why: {command} explain {shown}. Printable report: {command} report {shown} -o report.html"]
        text = render_summary(assessment, width=terminal_width(), style=click.style, where=where)
        click.echo(text, color=color_enabled())


@main.command("explain", short_help="How the result was reached: rules, sources, your answers.")
@click.argument("answers_file", metavar="FILE|-")
@click.option("--all", "everything", is_flag=True, help="Explain every rule that fired, not only the deciding ones.")
@FROM_FHIR
def explain_command(answers_file: str, everything: bool, from_fhir: bool) -> None:
    """Show how the result was reached: rules, sources, down to your answers."""
    from ..explain import explain, render_text, wrap_tree

    assessment = assess_file(answers_file, from_fhir)
    text = render_text(assessment, explain(assessment, everything=everything))
    click.echo(wrap_tree(text, terminal_width()))


@main.group("rules")
def rules_group() -> None:
    """Look into the knowledge base."""


@rules_group.command("list")
def rules_list() -> None:
    """List every rule: id, floor and title."""
    from ..kb.load import load_knowledge_base

    kb = load_knowledge_base()
    width = max(len(r.id) for r in kb.rules)
    for rule in kb.rules:
        draft = " (draft)" if rule.status == "draft" else ""
        click.echo(f"{rule.id:<{width}}  {rule.floor or '-':<20}  {rule.title}{draft}")
    retired = f", {len(kb.retired_rules)} retired not shown" if kb.retired_rules else ""
    click.echo(f"\n{len(kb.rules)} rules{retired}; knowledge base {kb.version} (sha256 {kb.sha256[:16]}...)")


@rules_group.command("show")
@click.argument("rule_id")
def rules_show(rule_id: str) -> None:
    """Show one rule in full, with its conditions and citations."""
    from ..explain import cite_text
    from ..kb.conditions import describe_condition
    from ..kb.load import load_knowledge_base

    kb = load_knowledge_base()
    rule = next((r for r in (*kb.rules, *kb.retired_rules) if r.id == rule_id), None)
    if rule is None:
        ids = ", ".join(r.id for r in kb.rules if rule_id.upper() in r.id) or f"see `{invoked_as()} rules list`"
        fail([f"no rule {rule_id!r} ({ids})"], "unknown rule")
    click.echo(f"{rule.id}: {rule.title}   ({rule.file})")
    click.echo(f"  when:     {describe_condition(rule.when)}")
    if rule.finding:
        click.echo(f"  finding:  {rule.finding}")
    if rule.compute:
        click.echo(f"  computes: {rule.compute}")
    if rule.floor:
        click.echo(f"  floor:    {rule.floor}")
    if rule.advice:
        click.echo(f"  advice:   {', '.join(rule.advice)}")
    click.echo(f"  because:  {rule.because}")
    click.echo(f"  status:   {rule.status or '-'}, reviewed {rule.reviewed or '-'}, since {rule.since or '-'}")
    for cite in rule.cite:
        click.echo(f"  source    {cite_text(cite)}")


@rules_group.command("check", short_help="Check the knowledge base (exit 1 on problems).")
@click.option("--release", is_flag=True, help="Drafts are problems too: for a knowledge base about to be released.")
def rules_check(release: bool) -> None:
    """Check the knowledge base: references, citations, quotes, reachability, metadata and changelog.

    Exit 1 on problems. See docs/changing-rules.md.
    """
    from ..governance.check import check_knowledge_base
    from ..kb.load import load_knowledge_base

    kb = load_knowledge_base()
    problems = check_knowledge_base(kb, release=release)
    if problems:
        click.echo(f"triage rules check: {len(problems)} problem(s):", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    quotes = sum(1 for r in kb.rules for c in r.cite if c.quote) + sum(
        1 for a in kb.advice.values() for c in a.cite if c.quote
    )
    click.echo(
        f"ok: {len(kb.rules)} rules, {len(kb.advice)} advice items, {len(kb.questions)} questions, "
        f"{len(kb.sources)} sources, {quotes} quotes found verbatim; every rule can fire; "
        f"knowledge base {kb.version}, {len(kb.retired_rules)} retired rule(s), "
        f"{sum(r.status == 'draft' for r in kb.rules)} draft(s)."
    )


rules_group.lazy.update(LAZY_RULES_COMMANDS)
