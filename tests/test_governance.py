"""Knowledge governance: `triage rules check` enforces rule metadata, the changelog and the id
registry, and retired rules never fire. Each check is shown rejecting a broken copy."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from helpers import CASES_DIR, run_cli
from safety.safety_support import Mutant

from triage import assess, load_knowledge_base
from triage.governance.check import check_knowledge_base
from triage.kb.paths import KB_ENV, knowledge_base_dir, rules_dir

NEXT = """
[[changelog]]
version = "1.99.0"
date = 2026-11-22
what = "Test change."
why = "A test."
policy = "docs/policy.md"
{lists}
"""


def bump(mutant: Mutant, lists: str) -> Mutant:
    """A new version whose changelog entry has the given id lists."""
    meta = mutant.root / "knowledge-base.toml"
    text = re.sub(r'^version = "[^"]+"$', 'version = "1.99.0"', meta.read_text(encoding="utf-8"), count=1, flags=re.M)
    meta.write_text(text + NEXT.format(lists=lists), encoding="utf-8")
    return mutant


def retire(mutant: Mutant, rule_id: str) -> Mutant:
    mutant.replace_in("rule", rule_id, 'status = "active"', 'status = "retired"')
    mutant.replace_in("rule", rule_id, 'since = "', 'since = "1.99.0" # was "')
    return bump(mutant, f'retired = ["{rule_id}"]')


def problems(mutant: Mutant, **options: bool) -> list[str]:
    return check_knowledge_base(mutant.load(), **options)


def test_shipped_knowledge_base_is_governed_and_releasable():
    kb = load_knowledge_base()
    assert check_knowledge_base(kb, release=True) == []
    assert all(item.status in ("active", "retired") for item in (*kb.rules, *kb.advice.values()))
    assert kb.version in {e.version for e in kb.changelog}


@pytest.mark.parametrize("field", ["status", "reviewed", "since"])
def test_rule_without_metadata_is_rejected(tmp_path, field):
    mutant = Mutant(tmp_path).edit_block("rule", "RF-LOCKED", lambda b: re.sub(rf"^{field} = .*\n", "", b, flags=re.M))
    assert any(p.startswith(f"rule RF-LOCKED: missing '{field}'") for p in problems(mutant))


def test_advice_without_metadata_is_rejected(tmp_path):
    mutant = Mutant(tmp_path).edit_block("advice", "pace", lambda b: re.sub(r"^reviewed = .*\n", "", b, flags=re.M))
    assert any(p.startswith("advice pace: missing 'reviewed'") for p in problems(mutant))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('status = "active"', 'status = "live"', "status 'live' is not one of draft, active, retired"),
        ('status = "active"', 'status = "Retired"', "status 'Retired' is not one of"),
        ("reviewed = 2026-11-22", 'reviewed = "last week"', "reviewed 'last week' is not a date"),
        ("reviewed = 2026-11-22", "reviewed = 2999-01-01", "reviewed 2999-01-01 is in the future"),
        ('since = "1.0.0"', 'since = "one"', "since 'one' is not a version number"),
        ('since = "1.0.0"', 'since = "1.5.0"', "since 1.5.0: no changelog entry for that version"),
    ],
)
def test_invalid_metadata_is_rejected(tmp_path, old, new, expected):
    mutant = Mutant(tmp_path).replace_in("rule", "RF-LOCKED", old, new)
    assert any(expected in p for p in problems(mutant)), problems(mutant)


def test_since_must_name_a_version_whose_entry_lists_the_rule(tmp_path):
    mutant = bump(Mutant(tmp_path), 'changed = ["RF-CALF"]').replace_in(
        "rule", "RF-LOCKED", 'since = "1.0.0"', 'since = "1.99.0"'
    )
    found = problems(mutant)
    assert any("rule RF-LOCKED: since 1.99.0, but that changelog entry does not list it" in p for p in found)
    assert any("rule RF-CALF: since 1.0.0, but" not in p for p in found)  # RF-CALF's since may stay older


def test_current_version_needs_a_changelog_entry(tmp_path):
    mutant = Mutant(tmp_path)
    meta = mutant.root / "knowledge-base.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('version = "1', 'version = "7', 1), encoding="utf-8")
    assert any("changelog: no entry for the current version 7" in p for p in problems(mutant))


def test_a_deleted_rule_is_rejected(tmp_path):
    assert any(
        "id 'RF-LOCKED' (added in 1.0.0) is gone from the files" in p
        for p in problems(Mutant(tmp_path).remove_rule("RF-LOCKED"))
    )


def test_a_new_rule_must_be_registered(tmp_path):
    mutant = Mutant(tmp_path).replace_in("rule", "RF-LOCKED", 'id = "RF-LOCKED"', 'id = "RF-LOCKED-2"')
    found = problems(mutant)
    assert any("rule RF-LOCKED-2: in no changelog 'added' list" in p for p in found)
    assert any("id 'RF-LOCKED' (added in 1.0.0) is gone" in p for p in found)


def test_a_reused_id_is_rejected(tmp_path):
    """Retire RF-LOCKED properly, then delete it and bring the id back as a new rule."""
    retired = retire(Mutant(tmp_path / "a"), "RF-LOCKED")
    assert problems(retired) == []  # retiring is the allowed way to take a rule out
    # Bringing a retired id back to life (or writing a new rule under it) is reuse.
    reused = retire(Mutant(tmp_path / "b"), "RF-LOCKED").replace_in(
        "rule", "RF-LOCKED", 'status = "retired"', 'status = "active"'
    )
    assert any("rule RF-LOCKED: was retired in 1.99.0 and cannot come back" in p for p in problems(reused))
    # Registering the same id as added again is reuse too.
    again = bump(Mutant(tmp_path / "c"), 'added = ["RF-LOCKED"]')
    assert any("id 'RF-LOCKED' is added in more than one version (1.0.0, 1.99.0)" in p for p in problems(again))


def test_a_duplicate_id_in_the_files_is_rejected_at_load(tmp_path):
    mutant = Mutant(tmp_path)
    block = (mutant.root / "red-flags.toml").read_text(encoding="utf-8").split("[[rule]]")[1]
    with (mutant.root / "red-flags.toml").open("a", encoding="utf-8") as f:
        f.write("\n[[rule]]" + block)
    result = run_cli("--kb", str(mutant.root), "rules", "check")
    assert result.exit_code == 2
    assert "is used more than once" in result.stderr


def test_retired_rule_needs_a_changelog_retired_entry(tmp_path):
    mutant = Mutant(tmp_path).replace_in("rule", "RF-LOCKED", 'status = "active"', 'status = "retired"')
    assert any("rule RF-LOCKED: is retired, but no changelog entry lists it" in p for p in problems(mutant))


def test_a_retired_rule_that_others_depend_on_is_rejected(tmp_path):
    found = problems(retire(Mutant(tmp_path), "DER-BMI"))
    assert any("rule DER-BMI-OBESE: depends on 'bmi', which only retired rule DER-BMI concludes" in p for p in found)


def test_retired_advice_still_given_is_rejected(tmp_path):
    mutant = Mutant(tmp_path).replace_in("advice", "pace", 'status = "active"', 'status = "retired"')
    mutant.replace_in("advice", "pace", 'since = "1.2.0"', 'since = "1.99.0"')
    found = problems(bump(mutant, 'retired = ["pace"]'))
    assert any("gives retired advice 'pace'" in p for p in found)
    assert not any("unknown advice 'pace'" in p for p in found)  # said once, clearly


def test_retired_rule_never_fires(tmp_path):
    case = json.loads((CASES_DIR / "V38.json").read_text(encoding="utf-8"))
    assert "RF-LOCKED" in {r.id for r in assess(case["answers"]).fired}
    mutant = retire(Mutant(tmp_path), "RF-LOCKED")
    kb = mutant.load()
    assert "RF-LOCKED" in {r.id for r in kb.retired_rules} and "RF-LOCKED" not in {r.id for r in kb.rules}
    assert "status:   retired" in run_cli("--kb", str(mutant.root), "rules", "show", "RF-LOCKED").stdout
    listed = run_cli("--kb", str(mutant.root), "rules", "list").stdout
    assert "1 retired not shown" in listed and "RF-LOCKED " not in listed
    result = assess(case["answers"], kb=kb)
    assert "RF-LOCKED" not in {r.id for r in result.fired}
    assert result.urgency < 3


def test_drafts_fire_but_are_not_releasable(tmp_path):
    mutant = Mutant(tmp_path).replace_in("rule", "RF-LOCKED", 'status = "active"', 'status = "draft"')
    assert problems(mutant) == []
    assert any("rule RF-LOCKED: still a draft" in p for p in problems(mutant, release=True))
    case = json.loads((CASES_DIR / "V38.json").read_text(encoding="utf-8"))
    assert "RF-LOCKED" in {r.id for r in assess(case["answers"], kb=mutant.load()).fired}


def test_rules_check_cli_lists_governance_problems(tmp_path):
    mutant = Mutant(tmp_path).edit_block("rule", "RF-LOCKED", lambda b: re.sub(r"^status = .*\n", "", b, flags=re.M))
    result = run_cli("rules", "check", "--kb", str(mutant.root))
    assert result.exit_code == 1
    assert "rule RF-LOCKED: missing 'status'" in result.stderr
    ok = run_cli("rules", "check", "--release")
    assert ok.exit_code == 0 and "0 draft(s)" in ok.stdout


# --- choosing the knowledge base: --kb DIR and TRIAGE_KB -------------------------------------


@pytest.fixture
def lowered(tmp_path):
    return Mutant(tmp_path).lower_floor("RF-LOCKED")


def _disposition(*args: str, env: dict[str, str | None] | None = None) -> str:
    from click.testing import CliRunner

    from triage.cli.main import main

    result = CliRunner().invoke(main, list(args), env={KB_ENV: None} | (env or {}), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["disposition"]


def test_kb_option_env_and_default(lowered, monkeypatch):
    case = str(CASES_DIR / "V38.json")
    monkeypatch.delenv(KB_ENV, raising=False)
    assert _disposition("assess", case, "--format", "json") == "urgent-care-today"
    assert _disposition("--kb", str(lowered.root), "assess", case, "--format", "json") == "see-a-doctor-soon"
    assert _disposition("assess", "--kb", str(lowered.root), case, "--format", "json") == "see-a-doctor-soon"
    assert _disposition("assess", case, "--format", "json", env={KB_ENV: str(lowered.root)}) == "see-a-doctor-soon"
    assert knowledge_base_dir() == rules_dir()  # nothing leaks out of a command


def test_kb_errors_are_bounded(tmp_path):
    missing = run_cli("--kb", str(tmp_path / "nope"), "rules", "list")
    assert missing.exit_code == 2 and "does not exist" in missing.output
    (tmp_path / "empty").mkdir()
    empty = run_cli("--kb", str(tmp_path / "empty"), "rules", "list")
    assert empty.exit_code == 2 and "no [[disposition]] ladder found" in empty.stderr
    assert "Traceback" not in empty.output


def test_library_reads_triage_kb(lowered, monkeypatch):
    monkeypatch.setenv(KB_ENV, str(lowered.root))
    assert load_knowledge_base().root == lowered.root.resolve()
    monkeypatch.delenv(KB_ENV)
    assert load_knowledge_base().root == rules_dir()


def test_review_dates_are_not_in_the_future():
    today = dt.date.today().isoformat()
    kb = load_knowledge_base()
    assert all(r.reviewed and r.reviewed <= today for r in kb.rules)


def test_no_project_file_refers_to_shared_outside_tests():
    """Users clone the project without ../shared: only tests and test scripts may use it."""
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        hidden = any(part.startswith(".") and part != ".ci" for part in rel.split("/")[:-1])
        test_input = rel.startswith("tests/") or rel == "scripts/test.sh"
        if not path.is_file() or hidden or test_input or "__pycache__" in rel or "egg-info" in rel:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if "../shared" in text or "wt/shared" in text:
            offenders.append(rel)
    assert offenders == []


def test_every_command_accepts_kb():
    """Commands added later, in their own modules, get --kb without changes of their own."""
    import click

    from triage.cli.main import main

    def leaves(group: click.Group, path: list[str]):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                yield from leaves(command, [*path, name])
            else:
                yield [*path, name]

    commands = list(leaves(main, []))
    assert ["cases", "run"] in commands and ["rules", "diff"] in commands
    for path in commands:
        result = run_cli(*path, "--help")
        assert "--kb DIR" in result.stdout, path
