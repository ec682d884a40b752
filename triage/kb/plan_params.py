"""The walking plan's numbers and words: rules/plan.toml as one immutable record.

Loaded only when a plan is made or checked (never by `triage assess`), once per knowledge
base and file content. Shape is checked here, every problem at once (KnowledgeBaseError);
`triage rules check` checks the citations (triage/governance/plan_check.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from .digest import sha256
from .records import Citation, KnowledgeBase, KnowledgeBaseError

PLAN_FILE = "plan.toml"

# The wording keys the code fills in (rules/plan.toml [walking_plan.wording]).
WORDING_KEYS = (
    "own_choice", "minimum", "pace_comfortable", "pace_brisk", "later_week", "strengthening", "backward_walking",
    "safety_net", "rest", "check_in_when", "q_walks_done", "q_why_no_walks", "q_pain_during", "q_next_morning",
    "q_changes", "now_prefix", "now_intro", "outcome_up", "outcome_repeat", "outcome_back", "outcome_escalate",
    "rerun_escalates", "two_red_weeks", "finished", "reason_fewer_walks", "reason_amber", "reason_no_walks",
    "reason_red_flag", "reason_changes", "reason_no_backward", "colour_green", "colour_amber", "colour_red",
    "colour_none", "early", "nothing_new", "week_head", "walks", "walk_days", "print_plan", "safety_net_lead",
)  # fmt: skip


class PlanParameters(NamedTuple):
    sha256: str  # of plan.toml's bytes: "the parameters' sha256" in every plan file
    weeks: int
    days_per_week: int
    max_urgency: int
    minimum_for: tuple[str, ...]
    target: int  # minutes a week
    ladder: tuple[tuple[int, int], ...]  # (walks, minutes a walk)
    start_by_tolerance: dict[str, int]  # walking_tolerance choice -> minutes a walk
    start_pain_free: int
    start_unknown: int
    comfortable_weeks: int
    walk_days: dict[int, tuple[int, ...]]  # walks a week -> days of the plan week
    strength_days: tuple[int, ...]
    backward_for: tuple[str, ...]
    backward_minutes: int
    backward_days: tuple[int, ...]
    green_max: int
    amber_max: int
    amber_above_baseline: int
    up_walks_done: tuple[int, int]  # (numerator, denominator) of the planned walks
    red_weeks_to_escalate: int
    escalate_to: str
    earliest_day: int
    injury_window_days: int
    asks_again: tuple[str, ...]
    wording: dict[str, str]
    next_morning_choices: tuple[tuple[str, str], ...]
    changes_choices: tuple[tuple[str, str], ...]
    citations: dict[str, tuple[Citation, ...]]  # section -> its citations
    own_choice: tuple[str, ...]  # the sections marked as the project's own choice
    safety_net_signs: tuple[str, ...] = ()  # wording safety_net as a list, under safety_net_lead


def load_plan_parameters(kb: KnowledgeBase) -> PlanParameters:
    """The plan parameters of this knowledge base (its plan.toml); KnowledgeBaseError if unusable."""
    return _parse(plan_file_bytes(kb))


def plan_file_bytes(kb: KnowledgeBase) -> bytes:
    """plan.toml's bytes (the parsers below are cached by them); KnowledgeBaseError if unreadable."""
    try:
        return (Path(kb.root) / PLAN_FILE).read_bytes()
    except OSError as error:
        raise KnowledgeBaseError([f"{PLAN_FILE}: cannot be read ({error.strerror or error})"]) from None


def walking_plan_table(data: bytes) -> dict[str, Any]:
    """plan.toml's [walking_plan] table; KnowledgeBaseError if it is not TOML or has none."""
    import tomllib

    try:
        table = tomllib.loads(data.decode("utf-8")).get("walking_plan")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise KnowledgeBaseError([f"{PLAN_FILE}: {error}"]) from None
    if not isinstance(table, dict):
        raise KnowledgeBaseError([f"{PLAN_FILE}: no [walking_plan] table"])
    return table


@cache
def _parse(data: bytes) -> PlanParameters:
    return _Reader(walking_plan_table(data), sha256(data).hexdigest()).read()


class _Reader:
    def __init__(self, table: dict[str, Any], digest: str):
        self.table = table
        self.digest = digest
        self.problems: list[str] = []

    def get(self, section: str, key: str, kind: type) -> Any:
        where = self.table if section == "" else self.table.get(section, {})
        value = where.get(key) if isinstance(where, dict) else None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.problems.append(
                f"{PLAN_FILE}: walking_plan.{section + '.' if section else ''}{key} must be {kind.__name__}"
            )
            return kind()
        return value

    def ints(self, section: str, key: str) -> tuple[int, ...]:
        values = self.get(section, key, list)
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
            self.problems.append(f"{PLAN_FILE}: walking_plan.{section}.{key} must be whole numbers")
            return ()
        return tuple(values)

    def safety_net_signs(self, wording: dict) -> tuple[str, ...]:
        """The safety net's signs, for a list under its lead: joined, word for word the sentence."""
        signs = wording.get("safety_net_signs")
        if not isinstance(signs, list) or len(signs) < 2 or not all(isinstance(x, str) and x.strip() for x in signs):
            self.problems.append(
                f"{PLAN_FILE}: walking_plan.wording.safety_net_signs must be a list of 2 or more signs"
            )
            return ()
        joined = f"{str(wording.get('safety_net_lead', '')).removesuffix(':')} {', or '.join(signs)}."
        if joined != wording.get("safety_net"):
            self.problems.append(
                f"{PLAN_FILE}: walking_plan.wording safety_net_lead and safety_net_signs, joined with ', or ', "
                f"must be safety_net word for word: {joined!r}"
            )
        return tuple(signs)

    def pairs(self, section: str, key: str) -> tuple[tuple[str, str], ...]:
        values = self.get(section, key, list)
        if not all(isinstance(v, list) and len(v) == 2 and all(isinstance(s, str) for s in v) for v in values):
            self.problems.append(f"{PLAN_FILE}: walking_plan.{section}.{key} must be [value, words] pairs")
            return ()
        return tuple((a, b) for a, b in values)

    def read(self) -> PlanParameters:
        g = self.get
        ladder = tuple(tuple(step) for step in g("ladder", "steps", list) if isinstance(step, list) and len(step) == 2)
        if not ladder or not all(isinstance(n, int) and n > 0 for step in ladder for n in step):
            self.problems.append(f"{PLAN_FILE}: walking_plan.ladder.steps must be [walks, minutes] pairs")
            ladder = ((3, 10),)
        walks = g("days", "walks", dict)
        walk_days = {int(k): tuple(v) for k, v in walks.items() if k.isdigit() and isinstance(v, list)}
        missing = sorted({w for w, _ in ladder} - set(walk_days))
        if missing:
            self.problems.append(f"{PLAN_FILE}: walking_plan.days.walks has no days for {missing} walks")
        wording = self.table.get("wording", {})
        wording = wording if isinstance(wording, dict) else {}
        lacking = [k for k in WORDING_KEYS if not isinstance(wording.get(k), str)]
        if lacking:
            self.problems.append(f"{PLAN_FILE}: walking_plan.wording lacks {', '.join(lacking)}")
        sections = {"": self.table, **{k: v for k, v in self.table.items() if isinstance(v, dict)}}
        citations = {
            name or "walking_plan": tuple(
                Citation(str(c.get("source")), c.get("quote"), c.get("locator"))
                for c in section.get("cite", [])
                if isinstance(c, dict)
            )
            for name, section in sections.items()
        }
        own = tuple(name or "walking_plan" for name, section in sections.items() if section.get("own_choice") is True)
        up = self.ints("outcomes", "up_walks_done")
        params = PlanParameters(
            sha256=self.digest,
            weeks=g("", "weeks", int),
            days_per_week=g("", "days_per_week", int),
            max_urgency=g("who", "max_urgency", int),
            minimum_for=tuple(g("who", "minimum_for", list)),
            target=g("target", "minutes_per_week", int),
            ladder=ladder,  # type: ignore[arg-type]
            start_by_tolerance=dict(g("start", "by_walking_tolerance", dict)),
            start_pain_free=g("start", "pain_free", int),
            start_unknown=g("start", "unknown", int),
            comfortable_weeks=g("pace", "first_weeks_comfortable", int),
            walk_days=walk_days,
            strength_days=self.ints("days", "strengthening"),
            backward_for=tuple(g("backward_walking", "for", list)),
            backward_minutes=g("backward_walking", "minutes", int),
            backward_days=self.ints("backward_walking", "days"),
            green_max=g("traffic_light", "green_max", int),
            amber_max=g("traffic_light", "amber_max", int),
            amber_above_baseline=g("traffic_light", "amber_above_baseline", int),
            up_walks_done=(up[0], up[1]) if len(up) == 2 and up[1] > 0 else (1, 1),
            red_weeks_to_escalate=g("outcomes", "red_weeks_to_escalate", int),
            escalate_to=g("outcomes", "escalate_to", str),
            earliest_day=g("outcomes", "earliest_day", int),
            injury_window_days=g("outcomes", "injury_window_days", int),
            asks_again=tuple(g("changes", "asks_again", list)),
            wording={k: v for k, v in wording.items() if isinstance(v, str)},
            next_morning_choices=self.pairs("wording", "next_morning_choices"),
            changes_choices=self.pairs("wording", "changes_choices"),
            citations=citations,
            own_choice=own,
            safety_net_signs=self.safety_net_signs(wording),
        )
        for minutes in (*params.start_by_tolerance.values(), params.start_pain_free, params.start_unknown):
            if (3, minutes) not in ladder:
                self.problems.append(f"{PLAN_FILE}: start at 3 x {minutes} minutes is not a step of the ladder")
        if self.problems:
            raise KnowledgeBaseError(self.problems)
        return params
