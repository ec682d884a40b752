"""Parse a knowledge-base folder (rules/*.toml) into the records of records.py.

Only shape is checked here (types, ids, known keys), and every problem is collected before
one KnowledgeBaseError lists them all; `triage rules check` checks meaning. Imported only
when a knowledge base is parsed: a start that finds the parsed knowledge base in its cache
(cache.py) never needs TOML.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .changelog import as_date, parse_changelog
from .conditions import Condition, ConditionError, parse_condition
from .digest import fingerprint
from .records import (
    WORDING_KEYS,
    Advice,
    Citation,
    Disposition,
    Headline,
    KnowledgeBase,
    KnowledgeBaseError,
    Question,
    Rule,
    Source,
)

_META = ("status", "reviewed", "since")  # governance metadata on every rule and advice item


class Parser:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []

    def load(self) -> KnowledgeBase:
        if not self.root.is_dir():
            raise KnowledgeBaseError([f"{self.root}: no such knowledge-base folder"])
        tables: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        meta: dict[str, Any] = {}
        for path in sorted(self.root.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                self.problems.append(f"{path.name}: {error}")
                continue
            for key, value in data.items():
                if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                    tables.setdefault(key, []).extend((path.name, item) for item in value)
                elif key == "wording" and isinstance(value, dict) and isinstance(meta.get(key), dict):
                    # [wording] may be split over files (wording.toml, wording-screens.toml)
                    for twice in sorted(set(value) & set(meta[key])):
                        self.problems.append(f"{path.name}: [wording] {twice} is set in another file too")
                    meta[key] = {**meta[key], **value}
                else:
                    meta[key] = value
        questions = tuple(self._question(f, t) for f, t in tables.get("question", []))
        all_rules = tuple(self._rule(f, t) for f, t in tables.get("rule", []))
        all_advice = {t.get("id", "?"): self._advice(f, t) for f, t in tables.get("advice", [])}
        rules = tuple(r for r in all_rules if r.status != "retired")
        advice = {k: a for k, a in all_advice.items() if a.status != "retired"}
        changelog, changelog_problems = parse_changelog([t for _, t in tables.get("changelog", [])])
        dispositions = tuple(self._disposition(f, t, rank) for rank, (f, t) in enumerate(tables.get("disposition", [])))
        sources = {t.get("key", "?"): self._source(f, t) for f, t in tables.get("source", [])}
        self._unique("question", [q.id for q in questions])
        self._unique("rule", [r.id for r in all_rules])
        self._unique("advice", [f"{t.get('id')}" for _, t in tables.get("advice", [])])
        self._unique("source", [f"{t.get('key')}" for _, t in tables.get("source", [])])
        if not dispositions:
            self.problems.append("no [[disposition]] ladder found")
        wording = meta.get("wording", {})
        if not isinstance(wording, dict) or not all(isinstance(v, str) for v in wording.values()):
            self.problems.append("[wording]: every entry must be text")
            wording = {}
        missing = [key for key in WORDING_KEYS if key not in wording]
        if missing:
            self.problems.append(f"[wording]: missing {', '.join(missing)}")
        labels = meta.get("question_labels", {})
        if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
            self.problems.append("[question_labels]: every entry must be text")
            labels = {}
        points_to = meta.get("safety_net_points_to", {})
        if not isinstance(points_to, dict) or not all(type(v) is int for v in points_to.values()):
            self.problems.append("[safety_net_points_to]: every entry must be a whole number")
            points_to = {}
        self.problems += [
            f"[safety_net_points_to]: {key} is not an advice item" for key in points_to if key not in all_advice
        ]
        report_summary = tuple(self._summary_line(t) for _, t in tables.get("report_summary", []))
        units = meta.get("question_units", {})
        if not isinstance(units, dict) or not all(v in ("length", "mass") for v in units.values()):
            self.problems.append('[question_units]: every entry must be "length" or "mass"')
            units = {}
        numeric = {q.id for q in questions if q.type in ("integer", "number")}
        self.problems += [f"[question_units]: {key} is not a number question" for key in units if key not in numeric]
        unit_notes = meta.get("advice_unit_notes", {})
        if not isinstance(unit_notes, dict) or not all(isinstance(v, str) for v in unit_notes.values()):
            self.problems.append("[advice_unit_notes]: every entry must be text")
            unit_notes = {}
        self.problems += [f"[advice_unit_notes]: {key} is not advice" for key in unit_notes if key not in all_advice]
        ids = {q.id for q in questions}
        self.problems += [f"[question_labels]: {key} is not a question" for key in labels if key not in ids]
        if self.problems:
            raise KnowledgeBaseError(self.problems)
        return KnowledgeBase(
            root=self.root,
            version=str(meta.get("version", "0")),
            sha256=fingerprint(self.root),
            questions=questions,
            rules=rules,
            advice=advice,
            dispositions=dispositions,
            safety_net=tuple(meta.get("safety_net", ())),
            ask_before_stop=tuple(str(q) for q in meta.get("ask_before_urgent_stop", ())),
            under_18=tuple(str(a) for a in meta.get("under_18", ())),
            sources=sources,
            fhir={k: v for k, v in meta.items() if k.startswith("fhir") and isinstance(v, dict)},
            wording=wording,
            question_by_id={q.id: q for q in questions},
            disposition_by_id={d.id: d for d in dispositions},
            retired_rules=tuple(r for r in all_rules if r.status == "retired"),
            retired_advice={k: a for k, a in all_advice.items() if a.status == "retired"},
            changelog=changelog,
            changelog_problems=tuple(changelog_problems),
            labels=labels,
            safety_net_points_to=points_to,
            report_summary=report_summary,
            units=units,
            advice_unit_notes=unit_notes,
        )

    def _summary_line(self, t: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        heading = self._get("screens.toml: report_summary", t, "heading", str)
        ids = self._get(f"screens.toml: report_summary {heading}", t, "questions", list)
        if not all(isinstance(i, str) for i in ids):
            self.problems.append(f"screens.toml: report_summary {heading}: questions must be ids")
            ids = []
        return heading, tuple(ids)

    def _unique(self, what: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                self.problems.append(f"{what} id {item!r} is used more than once")
            seen.add(item)

    def _get(self, where: str, table: dict[str, Any], key: str, kind: type, default: Any = ...) -> Any:
        if key not in table:
            if default is ...:
                self.problems.append(f"{where}: missing '{key}'")
                return kind()
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problems.append(f"{where}: '{key}' should be {kind.__name__}, not {value!r}")
            return kind() if default is ... else default
        return value

    def _condition(self, where: str, table: dict[str, Any], key: str) -> Condition:
        try:
            return parse_condition(table, key)
        except ConditionError as error:
            self.problems.append(f"{where}: {error}")
            return ()

    def _citations(self, where: str, table: dict[str, Any]) -> tuple[Citation, ...]:
        cites = []
        for item in self._get(where, table, "cite", list, []):
            if not isinstance(item, dict) or "source" not in item:
                self.problems.append(f"{where}: each citation needs a source: {item!r}")
                continue
            cites.append(Citation(str(item["source"]), item.get("quote"), item.get("locator")))
        return tuple(cites)

    def _question(self, file: str, t: dict[str, Any]) -> Question:
        where = f"{file}: question {t.get('id', '?')}"
        choices = tuple(tuple(pair) for pair in self._get(where, t, "choices", list, []))
        return Question(
            id=self._get(where, t, "id", str),
            type=self._get(where, t, "type", str),
            text=self._get(where, t, "text", str),
            help=self._get(where, t, "help", str, ""),
            required=self._get(where, t, "required", bool, False),
            red_flag=self._get(where, t, "red_flag", bool, False),
            min=self._get(where, t, "min", float, None),
            max=self._get(where, t, "max", float, None),
            min_length=self._get(where, t, "min_length", int, None),
            max_length=self._get(where, t, "max_length", int, None),
            choices=choices,  # type: ignore[arg-type]
            asked_when=self._condition(where, t, "asked_when"),
            history=self._get(where, t, "history", bool, False),
        )

    def _rule(self, file: str, t: dict[str, Any]) -> Rule:
        where = f"{file}: rule {t.get('id', '?')}"
        known = {
            *("id", "title", "because", "when", "when_any", "finding", "floor"),
            *("compute", "advice", "cite", "max_urgency", *_META),
        }
        if set(t) - known:
            self.problems.append(f"{where}: unknown key(s) {sorted(set(t) - known)}")
        when = self._condition(where, t, "when")
        if not when:
            self.problems.append(f"{where}: needs 'when' or 'when_any'")
        return Rule(
            id=self._get(where, t, "id", str),
            title=self._get(where, t, "title", str),
            because=self._get(where, t, "because", str),
            when=when,
            cite=self._citations(where, t),
            file=file,
            finding=self._get(where, t, "finding", str, None),
            floor=self._get(where, t, "floor", str, None),
            compute=self._get(where, t, "compute", str, None),
            advice=tuple(self._get(where, t, "advice", list, [])),
            max_urgency=self._get(where, t, "max_urgency", int, 4),
            **self._meta(t),
        )

    def _advice(self, file: str, t: dict[str, Any]) -> Advice:
        where = f"{file}: advice {t.get('id', '?')}"
        lead = self._get(where, t, "text", str)
        points = tuple(str(p) for p in self._get(where, t, "points", list, []))
        # With points, ``text`` is the lead ("Call 999 if:") and the whole is also one sentence.
        text = f"{lead} {'; '.join(points)}." if points else lead
        return Advice(
            id=self._get(where, t, "id", str),
            group=self._get(where, t, "group", str),
            text=text,
            max_urgency=self._get(where, t, "max_urgency", int),
            cite=self._citations(where, t),
            details=self._get(where, t, "details", str, ""),
            unless=self._condition(where, t, "unless"),
            **self._meta(t),
            min_urgency=self._get(where, t, "min_urgency", int, 0),
            lead=lead if points else "",
            points=points,
            points_to=self._get(where, t, "points_to", str, None),
        )

    @staticmethod
    def _meta(t: dict[str, Any]) -> dict[str, str | None]:
        """status, reviewed, since as given (or None): judged by `triage rules check`, not here."""
        reviewed = t.get("reviewed")
        return {
            "status": None if t.get("status") is None else str(t["status"]),
            "reviewed": as_date(reviewed) or (None if reviewed is None else str(reviewed)),
            "since": None if t.get("since") is None else str(t["since"]),
        }

    def _disposition(self, file: str, t: dict[str, Any], rank: int) -> Disposition:
        where = f"{file}: disposition {t.get('id', '?')}"
        return Disposition(
            id=self._get(where, t, "id", str),
            urgency=self._get(where, t, "urgency", int),
            rank=rank,
            title=self._get(where, t, "title", str),
            timeframe=self._get(where, t, "timeframe", str),
            summary=self._get(where, t, "summary", str),
            advice=tuple(self._get(where, t, "advice", list, [])),
            headlines=tuple(
                Headline(self._condition(where, h, "when"), str(h.get("title", "")), str(h.get("summary", "")))
                for h in self._get(where, t, "headline", list, [])
            ),
        )

    def _source(self, file: str, t: dict[str, Any]) -> Source:
        where = f"{file}: source {t.get('key', '?')}"
        return Source(
            key=self._get(where, t, "key", str),
            kind=self._get(where, t, "kind", str),
            title=self._get(where, t, "title", str),
            file=self._get(where, t, "file", str, None),
        )
