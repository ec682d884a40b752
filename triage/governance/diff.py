"""What changes between two knowledge bases: the rules, advice and questions, and the cases.

`compare_items` lists what was added, removed, retired or changed, field by field (the
conditions in plain words, side by side). `compare_cases` runs each case through both
knowledge bases and keeps the ones whose disposition, urgency, findings or advice
change, each with the rules behind the change: the rules that fired in one version only,
and the rules that fired in both but conclude something else now (a floor, a finding, advice).
No I/O: triage/cli/governance.py reads the folders, git refs and case files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..answers import AnswersError, unwrap_case
from ..assessment import Assessment, assess
from ..kb.conditions import describe_condition
from ..kb.records import Advice, KnowledgeBase, Question, Rule

# What a changed rule's conclusions are: if one of these changed, a case it fires for can change.
CONCLUSIONS = ("floor", "finding", "compute", "advice")


@dataclass(frozen=True)
class ItemChange:
    kind: str  # rule | advice | question | disposition
    id: str
    change: str  # added | removed | retired | changed | un-retired
    fields: tuple[tuple[str, str, str], ...]  # (field, old, new); for added or removed, one side is ""


@dataclass(frozen=True)
class CaseChange:
    id: str
    file: str
    changes: tuple[str, ...]  # plain lines: "disposition: a (1) -> b (2)", "advice added: x", ...
    behind: tuple[str, ...]  # "RULE-ID: why", the rules behind the change
    old_disposition: str | None
    new_disposition: str | None
    direction: str  # up | down | same | invalid


@dataclass(frozen=True)
class KbDiff:
    old: KnowledgeBase
    new: KnowledgeBase
    items: tuple[ItemChange, ...]
    cases: tuple[CaseChange, ...]
    case_count: int
    # Cases neither knowledge base could read (invalid under both, for the same reasons):
    # (id, file, problems). Never counted as "no change" in silence.
    unreadable: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.items and not self.cases and not self.unreadable

    def unreadable_reasons(self, limit: int = 5) -> list[str]:
        """Why, most common first: each first problem with the number of cases it stopped."""
        tally: dict[str, int] = {}
        for _, _, problems in self.unreadable:
            reason = problems[0] if problems else "invalid"
            tally[reason] = tally.get(reason, 0) + 1
        ranked = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
        lines = [f"{n} case{'s' if n != 1 else ''}: {reason}" for reason, n in ranked[:limit]]
        if len(ranked) > limit:
            lines.append(f"and {len(ranked) - limit} other reasons")
        return lines


# --- the knowledge base itself ---------------------------------------------------------------


def _cites(item: Rule | Advice) -> str:
    return "; ".join(f"{c.source}: {c.quote or c.locator or ''}".rstrip(": ") for c in item.cite)


def rule_fields(rule: Rule) -> dict[str, str]:
    return {
        "status": rule.status or "",
        "title": rule.title,
        "when": describe_condition(rule.when),
        "floor": rule.floor or "",
        "finding": rule.finding or "",
        "compute": rule.compute or "",
        "advice": ", ".join(rule.advice),
        "because": rule.because,
        "shown up to urgency": str(rule.max_urgency),
        "cite": _cites(rule),
        "reviewed": rule.reviewed or "",
        "since": rule.since or "",
    }


def advice_fields(item: Advice) -> dict[str, str]:
    return {
        "status": item.status or "",
        "group": item.group,
        "text": item.text,
        "details": item.details,
        "max_urgency": str(item.max_urgency),
        "unless": describe_condition(item.unless),
        "cite": _cites(item),
        "reviewed": item.reviewed or "",
        "since": item.since or "",
    }


def question_fields(q: Question) -> dict[str, str]:
    numbers = " ".join(f"{k} {v:g}" for k, v in (("min", q.min), ("max", q.max)) if v is not None)
    return {
        "text": q.text,
        "type": q.type + (f" ({numbers})" if numbers else ""),
        "choices": ", ".join(v for v, _ in q.choices),
        "asked when": describe_condition(q.asked_when) or "always",
        "required": "yes" if q.required else "no",
        "red flag": "yes" if q.red_flag else "no",
    }


def _compare(kind: str, old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[ItemChange]:
    changes = []
    for item_id in [*old, *(i for i in new if i not in old)]:
        before, after = old.get(item_id), new.get(item_id)
        if before == after:
            continue
        if before is None or after is None:
            shown = after if before is None else before
            assert shown is not None
            fields = tuple((k, "" if before is None else v, v if before is None else "") for k, v in shown.items() if v)
            changes.append(ItemChange(kind, item_id, "added" if before is None else "removed", fields))
            continue
        fields = tuple((k, before.get(k, ""), after.get(k, "")) for k in after if before.get(k, "") != after.get(k, ""))
        change = "changed"
        if before.get("status") != "retired" and after.get("status") == "retired":
            change = "retired"
        elif before.get("status") == "retired" and after.get("status") != "retired":
            change = "un-retired"
        changes.append(ItemChange(kind, item_id, change, fields))
    return changes


def compare_items(old: KnowledgeBase, new: KnowledgeBase) -> list[ItemChange]:
    def rules(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
        return {r.id: rule_fields(r) for r in (*kb.rules, *kb.retired_rules)}

    def advice(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
        return {a.id: advice_fields(a) for a in (*kb.advice.values(), *kb.retired_advice.values())}

    def questions(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
        return {q.id: question_fields(q) for q in kb.questions}

    def ladder(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
        return {
            d.id: {"rank": str(d.rank), "urgency": str(d.urgency), "title": d.title, "advice": ", ".join(d.advice)}
            for d in kb.dispositions
        } | {"(safety net)": {"advice": ", ".join(kb.safety_net)}}

    return [
        *_compare("rule", rules(old), rules(new)),
        *_compare("advice", advice(old), advice(new)),
        *_compare("question", questions(old), questions(new)),
        *_compare("disposition", ladder(old), ladder(new)),
    ]


# --- the cases -------------------------------------------------------------------------------


def _run(answers: Any, kb: KnowledgeBase) -> Assessment | list[str]:
    try:
        return assess(unwrap_case(answers), kb=kb)
    except AnswersError as error:
        return error.problems


def _label(result: Assessment) -> str:
    return f"{result.disposition.id} ({result.urgency})"


def _set_lines(what: str, before: list[str], after: list[str]) -> list[str]:
    added, removed = [x for x in after if x not in before], [x for x in before if x not in after]
    return [f"{what} {how}: {', '.join(xs)}" for how, xs in (("added", added), ("removed", removed)) if xs]


def _behind(old: Assessment, new: Assessment) -> list[str]:
    """The rules behind a change: fired in one version only, or fired in both with other conclusions."""
    old_rules = {r.id: r for r in old.fired}
    new_rules = {r.id: r for r in new.fired}
    old_all = {r.id: r for r in (*old.kb.rules, *old.kb.retired_rules)}
    new_all = {r.id: r for r in (*new.kb.rules, *new.kb.retired_rules)}
    lines = []
    for rule_id in [*old_rules, *(r for r in new_rules if r not in old_rules)]:
        before, after = old_rules.get(rule_id), new_rules.get(rule_id)
        if before and after:
            changed = [
                f"{f} {_shown(getattr(before, f))} -> {_shown(getattr(after, f))}"
                for f in CONCLUSIONS
                if getattr(before, f) != getattr(after, f)
            ]
            if changed:
                lines.append(f"{rule_id}: fires in both; {'; '.join(changed)}")
            continue
        if after:
            status = "new rule" if rule_id not in old_all else _why_now(old_all[rule_id], after)
            lines.append(f"{rule_id}: now fires ({status}); floor {after.floor or '-'}")
        elif before:
            gone = new_all.get(rule_id)
            status = "removed" if gone is None else "retired" if gone.status == "retired" else _why_now(before, gone)
            lines.append(f"{rule_id}: no longer fires ({status}); floor was {before.floor or '-'}")
    return lines


def _advice_behind(old: Assessment, new: Assessment, ids: list[str]) -> list[str]:
    """Advice items that came, went or changed in this result whose own definition changed."""
    lines = []
    for item_id in dict.fromkeys(ids):
        before = old.kb.advice.get(item_id) or old.kb.retired_advice.get(item_id)
        after = new.kb.advice.get(item_id) or new.kb.retired_advice.get(item_id)
        if before is None or after is None or after.status == "retired":
            lines.append(f"{item_id}: advice item {'added' if before is None else 'removed or retired'}")
            continue
        old_fields, new_fields = advice_fields(before), advice_fields(after)
        changed = [f for f in ("text", "details", "unless", "max_urgency") if old_fields[f] != new_fields[f]]
        if changed:
            lines.append(f"{item_id}: advice item changed ({', '.join(changed)})")
    return lines


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) or "none"
    return str(value) if value else "-"


def _why_now(before: Rule, after: Rule) -> str:
    if before.status == "retired":
        return "un-retired"
    if before.when != after.when:
        return f"conditions changed: {describe_condition(before.when)} -> {describe_condition(after.when)}"
    return "conditions unchanged; what it depends on changed"


def compare_case(
    case_id: str, file: str, answers: Any, old_kb: KnowledgeBase, new_kb: KnowledgeBase
) -> CaseChange | None:
    old, new = _run(answers, old_kb), _run(answers, new_kb)
    if isinstance(old, list) or isinstance(new, list):
        if isinstance(old, list) and isinstance(new, list) and old == new:
            return None  # invalid under both, for the same reasons: no change
        sides = (("OLD", old), ("NEW", new))
        lines = [f"invalid under {side}: {'; '.join(r)}" for side, r in sides if isinstance(r, list)]
        lines += [f"{side}: {_label(r)}" for side, r in sides if not isinstance(r, list)]
        names = [None if isinstance(r, list) else r.disposition.id for r in (old, new)]
        return CaseChange(case_id, file, tuple(lines), (), names[0], names[1], "invalid")
    lines: list[str] = []
    if old.disposition.id != new.disposition.id or old.urgency != new.urgency:
        lines.append(f"disposition: {_label(old)} -> {_label(new)}")
    lines += _set_lines("finding", list(old.findings), list(new.findings))
    old_advice = {a.id: a for a in old.advice}
    new_advice = {a.id: a for a in new.advice}
    lines += _set_lines("advice", list(old_advice), list(new_advice))
    reworded = [
        a
        for a in old_advice
        if a in new_advice
        and (old_advice[a].text, old_advice[a].details) != (new_advice[a].text, new_advice[a].details)
    ]
    lines += [f"advice reworded: {', '.join(reworded)}"] if reworded else []
    if not lines:
        return None
    moved_advice = [a for a in [*old_advice, *new_advice] if (a in old_advice) != (a in new_advice) or a in reworded]
    behind = _behind(old, new) + _advice_behind(old, new, moved_advice)
    if not behind:  # the same rules and advice items: the ladder changed
        behind = ["no rule: the ladder (a disposition's own advice or order) changed"]
    direction = "same"
    if new.urgency != old.urgency or new.disposition.rank != old.disposition.rank:
        direction = "up" if (new.urgency, new.disposition.rank) > (old.urgency, old.disposition.rank) else "down"
    return CaseChange(case_id, file, tuple(lines), tuple(behind), old.disposition.id, new.disposition.id, direction)


def compare(old: KnowledgeBase, new: KnowledgeBase, cases: list[tuple[str, str, Any]]) -> KbDiff:
    """``cases``: (id, file, answers or case object) for each case in the corpus."""
    changed: list[CaseChange] = []
    unreadable: list[tuple[str, str, tuple[str, ...]]] = []
    for case_id, file, answers in cases:
        change = compare_case(case_id, file, answers, old, new)
        if change is not None:
            changed.append(change)
            continue
        problems = _run(answers, new)
        if isinstance(problems, list):  # invalid under both, for the same reasons
            unreadable.append((case_id, file, tuple(problems)))
    return KbDiff(old, new, tuple(compare_items(old, new)), tuple(changed), len(cases), tuple(unreadable))
