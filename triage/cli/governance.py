"""`triage rules diff OLD NEW --cases DIR`: what a knowledge-base change does (docs/changing-rules.md).

OLD and NEW are knowledge-base folders, or git refs of the repository in the current
folder (``main``, ``v1.0.0``, ``HEAD~1``; ``REF:PATH`` for a folder other than rules/).
A git ref is exported with `git archive` into a temporary folder, removed afterwards.
Both are run by the triage code installed now.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import click

from ..answers import AnswersError, parse_json
from ..governance.diff import compare
from ..governance.diff_render import diff_view, render_html, render_text
from ..io.reading import InputError, read_text
from ..kb.load import load_knowledge_base
from ..kb.records import KnowledgeBase, KnowledgeBaseError
from .cases import case_files, check_outputs, write_output
from .common import fail


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return subprocess.CompletedProcess(args, 1, b"", str(error).encode())


def resolve_kb(spec: str, which: str, stack: contextlib.ExitStack) -> tuple[Path, str]:
    """A folder as given, or a git ref exported to a temporary folder; with a label for the output."""
    if Path(spec).is_dir():
        return Path(spec), f"folder {spec}"
    ref, _, inside = spec.partition(":")
    inside = inside.strip("/") or "rules"
    top = _git("rev-parse", "--show-toplevel")
    commit = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if top.returncode != 0 or commit.returncode != 0 or not ref:
        fail([f"{which} {spec!r} is neither a folder nor a git ref of the repository here"], "no knowledge base:")
    sha = commit.stdout.decode().strip()
    archive = _git("-C", top.stdout.decode().strip(), "archive", "--format=tar", sha, inside)
    if archive.returncode != 0:
        fail([f"{which} {spec!r}: no folder {inside}/ at commit {sha[:12]}"], "no knowledge base:")
    target = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="triage-kb-")))
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target / inside, f"git {ref} (commit {sha[:12]}, {inside}/)"


def _load(root: Path, which: str) -> KnowledgeBase:
    try:
        return load_knowledge_base(root)
    except KnowledgeBaseError as error:
        fail(error.problems, f"the {which} knowledge base cannot be loaded:")


def read_corpus(corpus: Path) -> list[tuple[str, str, Any]]:
    cases: list[tuple[str, str, Any]] = []
    problems: list[str] = []
    for path in case_files(corpus):
        name = path.relative_to(corpus).as_posix() if corpus.is_dir() else path.name
        try:
            raw = parse_json(read_text(path))  # bounded, regular files only (a FIFO would hang)
        except InputError as error:
            problems += [f"cannot read: {p}" for p in error.problems]  # worded as `cases run` words it
            continue
        except AnswersError as error:
            problems += [f"{name}: {p}" for p in error.problems]
            continue
        case_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else path.stem
        cases.append((case_id, name, raw))
    if problems:
        fail(problems, "unreadable case files:")
    return cases


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--cases", "corpus", type=click.Path(exists=True, path_type=Path), metavar="DIR", help="The case corpus.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), help="Also write a sign-off page.")
@click.option("--force", is_flag=True, help="Replace an existing HTML file.")
def diff_command(old: str, new: str, corpus: Path | None, html_out: Path | None, force: bool) -> None:
    """What changes from OLD to NEW (knowledge-base folders or git refs): cases and rules.

    Lists every case whose disposition, urgency, findings or advice changes, with the rules
    behind each change, then every rule, advice item, question and disposition added,
    removed, retired or changed, old and new side by side. Exit 0 (2 on bad input).
    """
    check_outputs([html_out], force)
    with contextlib.ExitStack() as stack:
        old_root, old_label = resolve_kb(old, "OLD", stack)
        new_root, new_label = resolve_kb(new, "NEW", stack)
        old_kb, new_kb = _load(old_root, "OLD"), _load(new_root, "NEW")
        cases = read_corpus(corpus) if corpus else []
        view = diff_view(compare(old_kb, new_kb, cases), old_label, new_label, str(corpus) if corpus else "none given")
        click.echo(render_text(view), nl=False)
        if html_out:
            write_output(html_out, render_html(view).encode("utf-8"), force)
