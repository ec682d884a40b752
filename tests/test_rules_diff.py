"""`triage rules diff OLD NEW --cases DIR`: exactly the cases that move, the rule behind each,
nothing for identical knowledge bases, git refs as well as folders, and the sign-off page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from helpers import CASES, CASES_DIR, load_case, run_cli
from safety.safety_support import Mutant

from triage import assess, load_knowledge_base
from triage.kb.paths import rules_dir


def moved_cases(old_root, new_root) -> set[str]:
    """Independently: the cases whose disposition differs when assessed with each knowledge base."""
    old, new = load_knowledge_base(old_root), load_knowledge_base(new_root)
    moved = set()
    for path in CASES:
        answers = load_case(path)["answers"]
        if assess(answers, kb=old).disposition != assess(answers, kb=new).disposition:
            moved.add(load_case(path)["id"])
    return moved


def listed_cases(text: str) -> set[str]:
    return set(re.findall(r"^  (\S+) \(\S+\.json\): ", text, re.M))


@pytest.mark.parametrize("rule_id", ["RF-LOCKED", "RF-CANNOT-BEAR-WEIGHT", "SC-FALL-RISK", "RF-DISLOCATION"])
def test_one_floor_lowered_lists_exactly_the_cases_that_move(tmp_path, rule_id):
    lowered = Mutant(tmp_path).lower_floor(rule_id)
    result = run_cli("rules", "diff", str(rules_dir()), str(lowered.root), "--cases", str(CASES_DIR))
    assert result.exit_code == 0, result.output
    moved = moved_cases(rules_dir(), lowered.root)
    assert listed_cases(result.stdout) == moved
    for case_id in moved:  # the rule behind each move is named, with its floor old and new
        block = result.stdout.split(f"  {case_id} (")[1].split("\n  ")[0]
        assert re.search(rf"{rule_id}: fires in both; floor \S+ -> \S+", result.stdout[result.stdout.index(case_id) :])
        assert "[DOWN]" in block
    assert f"rule {rule_id}: changed" in result.stdout
    assert "Knowledge-base changes: 1 rule changed" in result.stdout


def test_a_floor_lowered_moves_at_least_one_case(tmp_path):
    """Guard for the test above: with RF-LOCKED lowered, V38 (a locked knee) must move."""
    assert moved_cases(rules_dir(), Mutant(tmp_path).lower_floor("RF-LOCKED").root) == {"V38"}


def test_identical_folders_list_nothing(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(rules_dir(), copy)
    result = run_cli("rules", "diff", str(rules_dir()), str(copy), "--cases", str(CASES_DIR))
    assert result.exit_code == 0
    assert "No differences" in result.stdout
    assert listed_cases(result.stdout) == set() and "rule " not in result.stdout


def test_conditions_side_by_side(tmp_path):
    new = Mutant(tmp_path).replace_in("rule", "RF-LOCKED", '["stuck"]', '["stuck", "catches"]')
    out = run_cli("rules", "diff", str(rules_dir()), str(new.root), "--cases", str(CASES_DIR)).stdout
    assert "rule RF-LOCKED: changed  (red-flags.toml)\n      when:\n" in out
    assert "        OLD  locking is stuck\n        NEW  locking is catches or stuck\n" in out


def test_rules_added_and_retired(tmp_path):
    new = Mutant(tmp_path).replace_in("rule", "RF-LOCKED", 'status = "active"', 'status = "retired"')
    block = (new.root / "red-flags.toml").read_text(encoding="utf-8").split("[[rule]]")[1]
    with (new.root / "red-flags.toml").open("a", encoding="utf-8") as f:
        f.write("\n[[rule]]" + block.replace('id = "RF-DISLOCATION"', 'id = "RF-NEW"'))
    out = run_cli("rules", "diff", str(rules_dir()), str(new.root), "--cases", str(CASES_DIR)).stdout
    assert "rule RF-LOCKED: retired" in out and "rule RF-NEW: added" in out
    assert "RF-LOCKED: no longer fires (retired); floor was urgent-care-today" in out
    assert "1 rule added, 1 rule retired" in out


def test_git_refs(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(rules_dir(), repo / "rules")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    Mutant.lower_floor(_at(repo), "RF-LOCKED")
    subprocess.run([*git, "commit", "-qam", "lower"], check=True)
    monkeypatch.chdir(repo)
    result = run_cli("rules", "diff", "HEAD~1", "HEAD", "--cases", str(CASES_DIR))
    assert result.exit_code == 0, result.output
    assert listed_cases(result.stdout) == {"V38"}
    assert re.search(r"OLD: git HEAD~1 \(commit [0-9a-f]{12}, rules/\)", result.stdout)
    same = run_cli("rules", "diff", "HEAD", "rules", "--cases", str(CASES_DIR))
    assert "No differences" in same.stdout
    bad = run_cli("rules", "diff", "no-such-ref", "HEAD")
    assert bad.exit_code == 2 and "neither a folder nor a git ref" in bad.stderr


def _at(repo):
    """A Mutant over an existing folder (the repo's rules/), edited in place."""
    mutant = Mutant.__new__(Mutant)
    mutant.root = repo / "rules"
    return mutant


def test_html_sign_off_page_is_self_contained_and_reproducible(tmp_path):
    lowered = Mutant(tmp_path).lower_floor("RF-LOCKED")
    pages = []
    for n in (1, 2):
        target = tmp_path / f"diff{n}.html"
        args = ["rules", "diff", str(rules_dir()), str(lowered.root), "--cases", str(CASES_DIR), "--html", str(target)]
        result = run_cli(*args)
        assert result.exit_code == 0
        pages.append(target.read_bytes())
    assert pages[0] == pages[1]
    html = pages[0].decode("utf-8")
    assert "V38" in html and "RF-LOCKED" in html and "Sign-off" in html and "Signature" in html
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", html)  # nothing to fetch
    again = run_cli("rules", "diff", str(rules_dir()), str(lowered.root), "--html", str(tmp_path / "diff1.html"))
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_advice_reworded_names_the_advice(tmp_path):
    new = Mutant(tmp_path).replace_in("advice", "keep-walking", "Keep walking as you do.", "Keep on walking as you do.")
    result = run_cli("rules", "diff", str(rules_dir()), str(new.root), "--cases", str(CASES_DIR))
    v01 = result.stdout.split("  V01 (")[1].split("\n  V")[0]
    assert "advice reworded: keep-walking" in v01 and "keep-walking: advice item changed (text)" in v01
    assert json.dumps(result.stdout)  # plain text


def test_sign_off_page_has_no_accessibility_violations(tmp_path):
    import browser

    browser.require_tools_or_skip(axe=True)
    target = tmp_path / "diff.html"
    lowered = Mutant(tmp_path).lower_floor("RF-LOCKED")
    run_cli("rules", "diff", str(rules_dir()), str(lowered.root), "--cases", str(CASES_DIR), "--html", str(target))
    violations = browser.axe_violations(target)
    assert not violations, browser.format_violations(violations)


def test_governance_warnings_and_new_changelog_entries(tmp_path):
    careless = Mutant(tmp_path / "a").lower_floor("RF-LOCKED")
    out = " ".join(run_cli("rules", "diff", str(rules_dir()), str(careless.root)).stdout.split())
    assert "rule RF-LOCKED: changed, but its 'since' still names an older version" in out
    assert "the knowledge-base version is still" in out
    careful = Mutant(tmp_path / "b").lower_floor("RF-LOCKED")
    careful.edit_block("rule", "RF-LOCKED", lambda b: re.sub(r'^since = ".*"$', 'since = "9.0.0"', b, flags=re.M))
    meta = careful.root / "knowledge-base.toml"
    text = re.sub(r'^version = ".*"$', 'version = "9.0.0"', meta.read_text(encoding="utf-8"), count=1, flags=re.M)
    entry = '\n[[changelog]]\nversion = "9.0.0"\nwhat = "Locked knee: see a doctor soon."\nwhy = "A test."\n'
    meta.write_text(text + entry + 'policy = "docs/policy.md"\nchanged = ["RF-LOCKED"]\n', encoding="utf-8")
    from triage.governance.check import check_knowledge_base

    assert check_knowledge_base(load_knowledge_base(careful.root)) == []
    out = run_cli("rules", "diff", str(rules_dir()), str(careful.root)).stdout
    assert "Governance warnings" not in out
    assert "Changelog entries in NEW only:\n  9.0.0 (no date): Locked knee: see a doctor soon." in out


def test_cases_it_could_not_read_are_counted_with_why(tmp_path):
    """Issue 23: a corpus the knowledge bases cannot read (1.1 answers under 1.2) is never
    reported as "0 of N cases change" and nothing else."""
    corpus = tmp_path / "old"
    corpus.mkdir()
    for path in CASES:
        answers = {k: v for k, v in load_case(path)["answers"].items() if k != "calf_pain"}
        (corpus / path.name).write_text(json.dumps({**load_case(path), "answers": answers}), encoding="utf-8")
    result = run_cli("rules", "diff", str(rules_dir()), str(rules_dir()), "--cases", str(corpus))
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert f"Cases that could not be read: {len(CASES)} of {len(CASES)}" in said
    assert f"{len(CASES)} cases: calf_pain: required" in said
    assert "No differences" not in said
    readable = run_cli("rules", "diff", str(rules_dir()), str(rules_dir()), "--cases", str(CASES_DIR))
    assert "could not be read" not in readable.stdout and "No differences" in readable.stdout
