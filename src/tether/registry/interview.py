"""`tether add`'s questions: one at a time, each answer judged at once by the same rules as the file.

An answer is checked by splicing the entry built so far into integrations.yaml in memory and
loading the result (the pydantic models, the system catalogue, unique names) plus the
definition findings of `tether check`; only the problems about the field just asked count.
A refused answer comes back with the reason and, where one is obvious, a suggestion.

Questions that have not been asked yet are stood in for by placeholders, so the name can be
judged before the pattern is known. Answers are kept as the text typed (keyed as in
`--set KEY=VALUE` and the answers file), so they can be saved and resumed as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tether.errors import InputError, Problem
from tether.model.common import Lifecycle, Pattern
from tether.registry.add import add_integration
from tether.registry.check_offers import Offer, offers
from tether.registry.hints import free_slug, pattern_hint
from tether.secrets import find_secret
from tether.workspace.loader import Workspace, load_workspace

YES, NO = "yes", "no"
MIDDLEWARE = ("zapier", "make", "n8n")
SYSTEM_KEYS = ("source", "middleware", "provider", "destinations")


@dataclass(frozen=True)
class Question:
    key: str
    """How the answer is keyed: `name`, `provider`, `checks.zap-ran.period`."""
    label: str
    default: str | None = None
    choices: tuple[str, ...] = ()
    required: bool = False
    field: str = ""
    """The entry's path the answer fills, as problems name it (`ai.provider`, `checks[0].period`)."""
    url: bool = False
    """The answer is a URL a check will call."""

    @property
    def flag(self) -> str:
        """How a script gives this answer."""
        return f"--{FLAGS[self.key]}" if self.key in FLAGS else f"--set {self.key}=VALUE"


# Questions with a flag of their own; every other key is given with --set KEY=VALUE.
FLAGS = {
    "name": "name",
    "title": "title",
    "pattern": "pattern",
    "lifecycle": "lifecycle",
    "owner": "owner",
    "trigger": "trigger",
    "source": "source",
    "middleware": "middleware",
    "provider": "provider",
    "model": "model",
    "destinations": "destination",
}


@dataclass(frozen=True)
class Refusal:
    """Why an answer was not taken, and what would be."""

    reason: str
    suggestion: str | None = None

    def __str__(self) -> str:
        if self.suggestion and f"'{self.suggestion}'" not in self.reason:
            return f"{self.reason} (try '{self.suggestion}')"
        return self.reason


def _yes_no(text: str) -> str | None:
    lowered = text.strip().lower()
    if lowered in ("y", "yes"):
        return YES
    if lowered in ("n", "no"):
        return NO
    return None


class Interview:
    """The questions `tether add` asks for one new integration, in order, given what is answered."""

    def __init__(
        self,
        path: Path,
        given: dict[str, str] | None = None,
        *,
        chosen_checks: set[str] | None = None,
        extra: dict[str, Any] | None = None,
        findings: Callable[[Workspace], list[Problem]] | None = None,
    ) -> None:
        """`given`: answers from flags or an answers file, judged when their question comes.
        `chosen_checks`: check kinds or names to add without asking (None: ask about each offer).
        `extra`: fields set by flags that are never asked (description, tags, volume, budget).
        `findings`: `tether check`'s definition findings (lint sits a floor above this module)."""
        self.path = path
        # The file must be valid before anything is asked: no answer is ever typed in vain.
        self.ws: Workspace = load_workspace(path)
        self.answers: dict[str, str] = {}
        self.pending: dict[str, str] = dict(given or {})
        self.chosen_checks = chosen_checks
        self.extra = dict(extra or {})
        self.taken = {i.name for i in self.ws.integrations}
        self.matched_choices: set[str] = set()
        self.findings = findings

    # --- the questions -------------------------------------------------------------------
    def _base_questions(self, answers: dict[str, str]) -> list[Question]:
        questions = [
            Question("name", "Name (a slug such as lead-intake)", required=True, field="name"),
            Question("title", "Title (a few words saying what it does)", required=True, field="title"),
            Question("pattern", "Pattern", "automation-bridge", tuple(map(str, Pattern)), True, "pattern"),
            Question("lifecycle", "Lifecycle", "planned", tuple(map(str, Lifecycle)), True, "lifecycle"),
            Question("owner", "Owner (name or email)", field="owner"),
            Question("trigger", "Trigger (what starts it)", field="trigger"),
            Question("source", "Source system (where the trigger comes from)", field="source"),
        ]
        if (
            answers.get("pattern") == Pattern.AUTOMATION_BRIDGE
            or "middleware" in self.pending
            or "middleware" in answers
        ):
            questions.append(Question("middleware", "Middleware platform", "zapier", MIDDLEWARE, field="middleware"))
        questions.append(Question("provider", "AI provider", "anthropic", field="ai.provider"))
        if answers.get("provider"):
            questions.append(Question("model", "Model id (e.g. claude-sonnet-4-6)", field="ai.model"))
        questions.append(Question("destinations", "Destinations (systems, comma separated)", field="destinations"))
        return questions

    def offers(self) -> list[Offer]:
        """The checks that fit what is answered so far."""
        return offers(self._entry(self.answers, with_checks=False), self.ws.systems)

    def _check_questions(self, answers: dict[str, str]) -> list[Question]:
        questions: list[Question] = []
        for offer in offers(self._entry(answers, with_checks=False), self.ws.systems):
            key = f"checks.{offer.name}"
            index = self._check_index(answers, offer.name)
            # A check that needs nothing more is judged whole when chosen; else at its last need.
            whole = "" if offer.needs else f"checks[{index}]"
            questions.append(Question(key, f"Add {offer.label}?", YES, (YES, NO), True, whole))
            if answers.get(key) == YES:
                questions.extend(
                    Question(
                        f"{key}.{n.field}", n.label, n.default, (), not n.optional, f"checks[{index}].{n.field}", n.url
                    )
                    for n in offer.needs
                )
        return questions

    def next_question(self) -> Question | None:
        """The first question not answered yet, or None when the entry is complete."""
        while True:
            decided = False
            for question in self._base_questions(self.answers) + self._check_questions(self.answers):
                if question.key in self.answers:
                    continue
                if question.key.count(".") == 1 and self.chosen_checks is not None and question.key not in self.pending:
                    # Checks chosen by --check are added without asking (the others left out); a chosen
                    # check may bring questions of its own, so the list is read again.
                    self.answers[question.key] = self._chosen(question.key.removeprefix("checks."))
                    decided = True
                    break
                return question
            if not decided:
                return None

    def _chosen(self, offer_name: str) -> str:
        offer = next(o for o in self.offers() if o.name == offer_name)
        hits = {offer.kind, offer.name} & (self.chosen_checks or set())
        self.matched_choices |= hits
        return YES if hits else NO

    def take_given(self, question: Question) -> str | None:
        """The answer a flag or the answers file gave this question, if any (judged like a typed one)."""
        return self.pending.pop(question.key, None)

    # --- judging an answer ---------------------------------------------------------------
    def answer(self, question: Question, text: str) -> Refusal | None:
        """Record the answer if the rules take it; else say why not (nothing is recorded)."""
        value = text.strip()
        secret = find_secret(value)
        if secret is not None:
            # Said before any rule quotes the answer back: a pasted key is never echoed or saved.
            return Refusal(
                f"this looks like {secret.label}; secrets are never written to integrations.yaml: export it "
                f"(export {secret.suggested_env}=...) and, where a variable is asked for, answer with its name"
            )
        if question.choices == (YES, NO):
            normal = _yes_no(value)
            if normal is None:
                return Refusal(f"{value!r}: answer yes or no", YES)
            value = normal
        if not value and question.required:
            return Refusal("an answer is needed here", question.default)
        if question.url and value and not value.startswith(("http://", "https://", "${")):
            # The file's URL type lets an `${ENV}` supply the scheme; typed here, a URL without one is a slip.
            return Refusal(f"{value!r} has no scheme; a URL starts with http:// or https://", f"https://{value}")
        trial = {**self.answers, question.key: value}
        refusal = self._judge(question, value, trial)
        if refusal is None:
            self.answers[question.key] = self._canonical(question.key, value)
        return refusal

    def keep(self, question: Question, text: str) -> None:
        """Record an answer unjudged: a script's refused answer, so the questions after it are still judged."""
        self.answers[question.key] = text.strip()

    def _canonical(self, key: str, value: str) -> str:
        """A system as the catalogue names it (`claude` is written `anthropic`), so rules keyed by id apply."""
        if key not in SYSTEM_KEYS:
            return value
        names = [self.ws.systems.resolve(v.strip()) for v in value.split(",") if v.strip()]
        return ", ".join(s.id for s in names if s is not None)

    def _judge(self, question: Question, value: str, trial: dict[str, str]) -> Refusal | None:
        if not question.field:
            return None
        problems = self._problems(self._entry(trial, placeholders=True))
        mine = [p for p in problems if _about(p.message, question.field)]
        if question.key.count(".") == 2 and self._last_need(question, trial):
            # Rules on the check as a whole (e.g. Salesforce needs an instance) are judged at its last need.
            whole = question.field.partition(".")[0]
            mine += [p for p in problems if p.message.startswith(f"{whole}:")]
        if not mine:
            return None
        head, _, rest = mine[0].message.partition(": ")
        message = rest if rest and " " not in head else mine[0].message
        if question.key == "name":
            taken = "already the name" in message
            reason = message if taken else f"{value!r} is not a slug: lowercase letters, digits and dashes"
            return Refusal(reason, free_slug(value, self.taken))
        if question.key == "pattern":
            system_named, suggestion = pattern_hint(value, self.ws.systems)
            return Refusal(system_named or message, suggestion)
        return Refusal(message)

    def _last_need(self, question: Question, trial: dict[str, str]) -> bool:
        _, offer_name, field = question.key.split(".")
        for offer in offers(self._entry(trial, with_checks=False), self.ws.systems):
            if offer.name == offer_name and offer.needs:
                return offer.needs[-1].field == field
        return False

    def _problems(self, entry: dict[str, Any]) -> list[Problem]:
        """What the file's rules and `tether check`'s definition findings say about the entry, each
        message starting with the entry's path it is about."""
        try:
            added = add_integration(self.path, entry, write=False)
        except InputError as exc:
            return list(exc.problems)
        if self.findings is None:
            return []
        ws = load_workspace(self.path, text=added.text)
        prefix = f"integrations[{len(ws.integrations) - 1}]"
        findings: list[Problem] = []
        for finding in self.findings(ws):
            head, _, message = finding.message.partition(": ")
            if head != prefix and not head.startswith(prefix + "."):
                continue
            # A finding on the entry as a whole names, in backticks, the key that would answer it.
            path = head[len(prefix) :].lstrip(".")
            path = "owner" if "`owner:`" in message else "ai.model" if "`model:`" in message else path
            findings.append(Problem("new entry", finding.line, finding.col, f"{path}: {message}"))
        return findings

    # --- the entry ---------------------------------------------------------------------
    def _check_index(self, answers: dict[str, str], offer_name: str) -> int:
        chosen = [o.name for o in offers(self._entry(answers, with_checks=False), self.ws.systems)]
        chosen = [n for n in chosen if answers.get(f"checks.{n}") == YES]
        return chosen.index(offer_name) if offer_name in chosen else len(chosen)

    def _entry(
        self, answers: dict[str, str], *, with_checks: bool = True, placeholders: bool = False
    ) -> dict[str, Any]:
        """The integration as the answers define it, in the order a reader expects its keys."""
        entry: dict[str, Any] = {}
        stand_in = {"name": free_slug("new integration", self.taken), "title": "-", "pattern": "custom-app"}
        for key in ("name", "title"):
            value = answers.get(key) or (stand_in[key] if placeholders else None)
            if value:
                entry[key] = value
        pattern = answers.get("pattern") or (stand_in["pattern"] if placeholders else None)
        for key, value in (
            ("description", self.extra.get("description")),
            ("owner", answers.get("owner")),
            ("tags", self.extra.get("tags")),
            ("pattern", pattern),
            ("lifecycle", answers.get("lifecycle")),
            ("trigger", answers.get("trigger")),
            ("source", answers.get("source")),
        ):
            if value:
                entry[key] = value
        if answers.get("provider"):
            model = {"model": answers["model"]} if answers.get("model") else {}
            entry["ai"] = {"provider": answers["provider"], **model}
        destinations = [d.strip() for d in answers.get("destinations", "").split(",") if d.strip()]
        if destinations:
            entry["destinations"] = destinations
        for key in ("volume", "budget"):
            if key in self.extra:
                entry[key] = self.extra[key]
        if answers.get("middleware"):
            entry["middleware"] = {"platform": answers["middleware"]}
        if with_checks:
            checks = self._checks(answers, entry)
            if checks:
                entry["checks"] = checks
        return entry

    def _checks(self, answers: dict[str, str], entry: dict[str, Any]) -> list[dict[str, Any]]:
        checks: list[dict[str, Any]] = []
        for offer in offers(entry, self.ws.systems):
            key = f"checks.{offer.name}"
            if answers.get(key) != YES:
                continue
            values = {n.field: answers[f"{key}.{n.field}"] for n in offer.needs if f"{key}.{n.field}" in answers}
            checks.append(offer.build(values))
        return checks

    def entry(self) -> dict[str, Any]:
        """The new integration, once every question is answered."""
        return self._entry(self.answers)

    def saved(self) -> dict[str, str]:
        """Everything answered or given so far, to be written to an answers file."""
        return {**self.answers, **{k: v for k, v in self.pending.items() if k not in self.answers}}


def _about(message: str, field: str) -> bool:
    """Whether a problem's message is about this field (or something inside it)."""
    return any(message.startswith(field + sep) for sep in (":", ".", "["))
