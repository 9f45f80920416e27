"""The rules file (rules.toml, or the program's own copy named by TASK_RULES_FILE): read and checked once, when
the app is built, so that a mistake in it stops the portal with a message naming the rule and the field."""

import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from flask import current_app

from portal.items.deadlines import add_business_days
from portal.settings import DeadlineSettings

DEFAULT_FILE = Path(__file__).with_name("rules.toml")


class RuleKey(StrEnum):
    """The clocks the portal knows how to read; the file says how long each runs and what it is called."""

    ELIGIBILITY_NOTICE = "eligibility_notice"
    CERTIFICATION_DUE = "certification_due"
    CERTIFICATION_CURE = "certification_cure"
    DESIGNATION_NOTICE = "designation_notice"
    RECERTIFICATION = "recertification"
    ACCOMMODATION_REVIEW = "accommodation_review"
    TRANSITIONAL_DUTY_END = "transitional_duty_end"
    RESTRICTION_REPORT_ENDS = "restriction_report_ends"
    NEXT_VISIT_PASSED = "next_visit_passed"
    PLAN_MILESTONE = "plan_milestone"
    NO_CONTACT = "no_contact"


class DayCount(StrEnum):
    BUSINESS = "business"
    CALENDAR = "calendar"


@dataclass(frozen=True)
class Rule:
    key: RuleKey
    title: str
    cites: str
    days: int
    count: DayCount
    starts: str
    closes: str
    legal: bool
    enabled: bool

    def due_on(self, start: date, settings: DeadlineSettings) -> date:
        if self.count == DayCount.BUSINESS:
            return add_business_days(start, self.days, settings)
        return start + timedelta(days=self.days)


@dataclass(frozen=True)
class TaskRules:
    version: str
    rules: dict[RuleKey, Rule]

    def __getitem__(self, key: str) -> Rule:
        return self.rules[RuleKey(key)]

    def enabled(self) -> list[Rule]:
        return [rule for rule in self.rules.values() if rule.enabled]


class RulesFileError(ValueError):
    pass


_TEXT_FIELDS = ("title", "cites", "starts", "closes")


def load(path: Path | str | None = None) -> TaskRules:
    path = Path(path or DEFAULT_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesFileError(f"The task rules file {path} cannot be read: {error}") from error
    version = data.get("version")
    if not isinstance(version, str) or not version.strip() or len(version) > 40:
        raise RulesFileError(f"{path}: `version` must be a short text, such as a date.")
    given = data.get("rules")
    if not isinstance(given, dict):
        raise RulesFileError(f"{path}: no [rules.<name>] tables.")
    unknown = sorted(set(given) - {key.value for key in RuleKey})
    if unknown:
        raise RulesFileError(f"{path}: unknown rules {', '.join(unknown)}; known: {', '.join(RuleKey)}.")
    missing = [key.value for key in RuleKey if key.value not in given]
    if missing:
        raise RulesFileError(f"{path}: rules missing: {', '.join(missing)} (turn one off with enabled = false).")
    return TaskRules(version.strip(), {key: _rule(path, key, given[key.value]) for key in RuleKey})


def _rule(path: Path, key: RuleKey, table) -> Rule:
    where = f"{path}: [rules.{key.value}]"
    if not isinstance(table, dict):
        raise RulesFileError(f"{where} must be a table.")
    for field in _TEXT_FIELDS:
        if not isinstance(table.get(field), str) or not table[field].strip():
            raise RulesFileError(f"{where}: `{field}` must be a text.")
    days = table.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 730:
        raise RulesFileError(f"{where}: `days` must be a whole number from 0 to 730.")
    if table.get("count") not in {count.value for count in DayCount}:
        raise RulesFileError(f'{where}: `count` must be "business" or "calendar".')
    if key == RuleKey.ELIGIBILITY_NOTICE and table["count"] != DayCount.BUSINESS:
        # The inbox counts the notice's days with the case (intake), in business days as the regulation does.
        raise RulesFileError(f'{where}: `count` must be "business" (29 CFR 825.300(b)(1) counts business days).')
    for flag in ("legal", "enabled"):
        if not isinstance(table.get(flag), bool):
            raise RulesFileError(f"{where}: `{flag}` must be true or false.")
    return Rule(
        key=key,
        title=table["title"].strip(),
        cites=table["cites"].strip(),
        days=days,
        count=DayCount(table["count"]),
        starts=table["starts"].strip(),
        closes=table["closes"].strip(),
        legal=table["legal"],
        enabled=table["enabled"],
    )


def init_app(app) -> None:
    """After ``settings.init_app``: the deadlines the rules file governs are its own."""
    rules = load(app.config["TASK_RULES_FILE"])
    app.extensions["portal.task_rules"] = rules
    loaded = app.extensions["portal.settings"]
    app.extensions["portal.settings"] = replace(
        loaded,
        deadlines=replace(loaded.deadlines, eligibility_notice_business_days=rules[RuleKey.ELIGIBILITY_NOTICE].days),
    )


def current() -> TaskRules:
    """The rules of the app handling this request or command."""
    rules: TaskRules = current_app.extensions["portal.task_rules"]
    return rules
