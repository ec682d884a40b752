"""Fast start: `triage --help` lists every command without importing them, and `triage
assess` imports only what it needs (checked in fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import base_answers

from triage.cli.main import LAZY_COMMANDS, LAZY_RULES_COMMANDS, main, rules_group

HEAVY = (
    "experta",
    "triage.engine.engine",
    "triage.cli.questionnaire",
    "triage.cli.ask",
    "triage.report.report",
    "difflib",
)


def imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.splitlines()[-1].split())


@pytest.mark.parametrize(("group", "lazy_commands", "args"), [
    (main, LAZY_COMMANDS, ["--help"]),
    (rules_group, LAZY_RULES_COMMANDS, ["rules", "--help"]),
])  # fmt: skip
def test_help_lists_each_lazy_command_with_its_own_help(group, lazy_commands, args) -> None:
    for name, lazy in lazy_commands.items():
        command = lazy.load()
        assert command.name == name
        assert lazy.summary == command.get_short_help_str(limit=1_000)
    group.commands = {k: v for k, v in group.commands.items() if k not in lazy_commands}  # as in a fresh process
    lazy_help = CliRunner().invoke(main, args).output
    try:
        for name, lazy in lazy_commands.items():
            group.add_command(lazy.load(), name)  # the same group with every command imported
        eager_help = CliRunner().invoke(main, args).output
    finally:
        for name in lazy_commands:
            group.commands.pop(name, None)
    assert lazy_help == eager_help
    assert all(f"  {name} " in lazy_help for name in lazy_commands)


def test_help_imports_no_command_module_nor_the_engine() -> None:
    code = "from triage.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    modules = imported_after(code)
    assert "triage.cli.main" in modules
    # the group itself, the lazy group and the shared helpers (click only)
    light = {"triage.cli.main", "triage.cli.lazy", "triage.cli.common"}
    assert not {m for m in modules if m.startswith((*HEAVY, "triage.cli.", "triage.kb", "tomllib"))} - light
    # click imports none of these; triage's command line imports them where used (~6 ms)
    assert not modules & {"json", "pathlib", "shlex", "triage.kb.paths"}


def test_assess_imports_neither_the_questionnaire_nor_the_report(tmp_path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(base_answers()))
    modules = imported_after(
        f"from triage.cli.main import main\ntry:\n    main(['assess', {str(path)!r}, '--format', 'json'])\n"
        "except SystemExit:\n    pass"
    )
    assert "triage.engine.engine" in modules
    assert not {m for m in modules if m.startswith(HEAVY[2:])}
    # records are NamedTuples and sha256 comes from CPython's own module: creating dataclasses
    # and loading OpenSSL took ~20 ms of this start (docs/performance.md, "Fast start")
    assert not modules & {"dataclasses", "hashlib"}


def test_the_command_collects_garbage_less_often_but_still_collects() -> None:
    """The console script and `python -m triage` start in triage.cli.start.run, which raises the
    collector's first threshold before anything is imported (collection stays on) and, as the
    command ends, freezes what it made so that the exit's last collection skips it."""
    from importlib.metadata import entry_points

    from triage.cli.start import FIRST_GENERATION_THRESHOLD

    assert entry_points(group="console_scripts")["triage"].value == "triage.cli.start:run"
    probe = (
        "import gc, sys\nfrom triage.cli.start import run\nsys.argv = ['triage', '--version']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(gc.isenabled(), gc.get_threshold()[0], gc.get_freeze_count() > 10_000)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.splitlines()[-1] == f"True {FIRST_GENERATION_THRESHOLD} True"
    main_module = subprocess.run(
        [sys.executable, "-m", "triage", "--version"], capture_output=True, text=True, timeout=120, check=False
    )
    assert main_module.returncode == 0 and main_module.stdout.startswith("triage ")
