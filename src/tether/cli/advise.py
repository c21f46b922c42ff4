"""Advisor commands: advise (questionnaire → recommendation, risks, estimate, roadmap) and roadmap."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli.common import fail, load, options, print_json, user_errors

if TYPE_CHECKING:
    from tether.advisor.answers import Answers
    from tether.advisor.diff import EstimateChange, RoadmapChange
    from tether.advisor.engine import Advisor
    from tether.store import Store
    from tether.workspace import Workspace

WIDTH = 100


def register(app: typer.Typer) -> None:
    app.command("advise")(advise)
    app.command("roadmap")(roadmap)


def _workspace(ctx: typer.Context) -> Workspace | None:
    """The workspace when there is one: the advisor also works before `tether init`. A file named
    by --file or TETHER_FILE must be there: advice without the workspace meant would mislead."""
    from tether.workspace import find_workspace_file

    named = options(ctx).file is not None or bool(os.environ.get("TETHER_FILE"))
    if named or find_workspace_file(explicit=options(ctx).file).is_file():
        return load(ctx)
    return None


def _store(ctx: typer.Context, ws: Workspace | None) -> Store:
    from tether.cli.common import open_db
    from tether.store import open_store

    explicit = options(ctx).db or (Path(os.environ["TETHER_DB"]) if os.environ.get("TETHER_DB") else None)
    if ws is not None and explicit is None:
        return open_db(ctx, ws)
    return open_store(explicit or Path.cwd() / ".tether" / "tether.db")


def _say(text: str = "", indent: int = 0, err: bool = False) -> None:
    pad = " " * indent
    if not text:
        typer.echo("", err=err)
        return
    typer.echo(
        textwrap.fill(text, WIDTH, initial_indent=pad, subsequent_indent=pad + "  ", break_on_hyphens=False), err=err
    )


def _read_piped(advisor: Advisor) -> Answers:
    """Answers from piped stdin, one a line (advisor.piped has the rule), and what each line answered."""
    from tether.advisor.explain import answer_words
    from tether.advisor.piped import match_lines

    with user_errors():
        answers, matched = match_lines(advisor.lens, sys.stdin.read().splitlines())
    for m in matched:
        if m.not_applicable is not None:
            aside = f"; line {m.set_aside.number} ({m.set_aside.text.strip()!r}) set aside" if m.set_aside else ""
            _say(f"{m.question.id}: not asked, not applicable ({m.not_applicable}){aside}", err=True)
        elif m.line is None:
            _say(f"{m.question.id}: no line left for it{', not answered' if m.question.required else ''}", err=True)
        else:
            shown = "skipped" if m.value is None else answer_words(m.question, m.value)
            _say(f"{m.question.id}: {shown} (line {m.line.number})", err=True)
    return answers


def _ask_all(advisor: Advisor) -> Answers:
    """Ask each question in order on the terminal; a bad answer is asked again with the reason."""
    from tether.advisor.answers import AnswerProblem, parse_typed
    from tether.advisor.lens import QuestionKind

    answers: Answers = {}
    section = ""
    for view in advisor.questions(answers):
        # Applicability depends on earlier answers, so ask again for this question's view.
        current = next(v for v in advisor.questions(answers) if v.question.id == view.question.id)
        question = current.question
        if current.section != section:
            section = current.section
            _say(f"— {section} —", err=True)
        if current.not_applicable is not None:
            _say(f"{question.title} (not applicable: {current.not_applicable})", err=True)
            continue
        _say(question.title, err=True)
        if question.help:
            _say(question.help, indent=2, err=True)
        for i, choice in enumerate(question.choices, 1):
            _say(f"{i}) {choice.title} [{choice.id}]", indent=2, err=True)
        hint = {
            QuestionKind.SINGLE: "a number or id",
            QuestionKind.MULTIPLE: "numbers or ids, comma separated",
            QuestionKind.NUMBER: "a number",
            QuestionKind.TEXT: "a few words",
        }[question.kind]
        optional = "" if question.required else ", Enter to skip"
        while True:
            # Ctrl-C or Ctrl-D here is click's Abort, left to the top level: the user stopped, nothing is saved.
            typed: str = typer.prompt(f"  {question.id} ({hint}{optional})", default="", show_default=False, err=True)
            try:
                value = parse_typed(question, typed)
            except AnswerProblem as exc:
                _say(f"  {exc}", err=True)
                continue
            if value is None and question.required:
                _say("  an answer is needed here", err=True)
                continue
            break
        if value is not None:
            answers[question.id] = value
    return answers


def advise(
    ctx: typer.Context,
    answers_file: Annotated[
        Path | None,
        typer.Option("--answers", help="A YAML file of answers (question id: choice id, list, number or text)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The assessment as JSON.")] = False,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Save the assessment as the next milestone.")] = True,
    diff: Annotated[
        tuple[int, int] | None,
        typer.Option("--diff", help="Compare two saved milestones: --diff A B.", show_default=False),
    ] = None,
) -> None:
    """Recommend how to connect AI to your stack: asks the questions (or reads --answers), then
    prints the recommendation with its reasons, the risks, a monthly cost estimate and a roadmap.

    At a terminal each question is asked in turn, and an answer that does
    not fit is asked again.

    Piped, stdin gives one answer a line. A line `id: answer` (such as
    `budget: budget_moderate`) answers that question wherever it stands. Any
    other line answers the next open question in the order they are asked at
    a terminal: a question that does not apply given earlier answers
    (self_hosting with dev_none) is not asked and takes no line, and an
    empty line skips an optional question. A line that does not fit its
    question stops with an error naming the question and the line (exit 2).

    Answers may be partial, in --answers FILE or piped: questions left out
    are listed as not answered, with the answers to each that would change
    the recommendation.
    """
    from tether.advisor.answers import AnswerProblem, load_answers
    from tether.advisor.engine import Advisor, context_of

    ws = _workspace(ctx)
    with user_errors():
        advisor = Advisor.load(ws.root if ws else None)
    if diff is not None:
        _diff(ctx, ws, advisor, diff, as_json)
        return
    if answers_file is not None:
        with user_errors():
            answers = load_answers(answers_file, advisor.lens)
    elif sys.stdin.isatty():
        answers = _ask_all(advisor)
    else:
        answers = _read_piped(advisor)
    try:
        assessment = advisor.assess(answers, context_of(ws))
    except AnswerProblem as exc:
        fail(f"error: {exc}")
    data: dict[str, Any] = assessment.model_dump(mode="json")
    number = None
    if save:
        from tether.clock import now
        from tether.store.assessments import save_milestone

        with _store(ctx, ws) as store:
            number = save_milestone(store, data, now())
    if as_json:
        print_json({"milestone": number, **data})
        return
    _print_assessment(data)
    if number is not None:
        _say()
        hint = f" Compare with the one before: tether advise --diff {number - 1} {number}" if number > 1 else ""
        _say(f"Saved as milestone {number}.{hint}")


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _print_assessment(data: dict[str, Any]) -> None:
    rec = data["recommendation"]
    _say(f"RECOMMENDATION: {rec['primary']}")
    if rec["complementary"]:
        _say(f"together with: {', '.join(rec['complementary'])}", indent=2)
    open_questions = data["not_answered"]
    if open_questions:
        changing = [q["question"] for q in open_questions if q["could_change"]]
        _say(
            f"made without {len(open_questions)} answer{'s' if len(open_questions) != 1 else ''}; "
            + (
                f"answering {' or '.join(changing)} could change it (see NOT ANSWERED)"
                if changing
                else "none of them alone would change it"
            ),
            indent=2,
        )
    _say()
    _say("WHY — the rules that fired on your answers:")
    for i, step in enumerate(rec["trace"], 1):
        _say(f"{i}. {step['text']}", indent=2)
    if data["not_applicable"]:
        _say()
        _say("NOT APPLICABLE:")
        for qid, reason in data["not_applicable"].items():
            _say(f"{qid}: {reason}", indent=2)
    _print_not_answered(data["not_answered"])
    _say()
    _say(f"RISKS ({len(data['risks'])}):" if data["risks"] else "RISKS: none found")
    for risk in data["risks"]:
        _say(f"{risk['level']:<6} {risk['title']} [{risk['id']}]", indent=2)
        _say(f"because: {'; '.join(risk['because'])}", indent=9)
        _say(f"improvement plan: {risk['improvement_plan']}", indent=9)
        if risk.get("departs_from"):
            _say(f"departs from the decision table's line for: {', '.join(risk['departs_from'])}", indent=9)
    _print_estimate(data["estimate"])
    _print_roadmap(data["roadmap"])


def _print_not_answered(open_questions: list[dict[str, Any]]) -> None:
    if not open_questions:
        return
    _say()
    _say("NOT ANSWERED — the recommendation was made without these:")
    for question in open_questions:
        _say(f"{question['question']}: {question['title']}", indent=2)
        if not question["could_change"]:
            _say("no answer to it alone would change the recommendation", indent=4)
        for other in question["could_change"]:
            beside = f" with {', '.join(other['complementary'])}" if other["complementary"] else " alone"
            _say(f"{' or '.join(other['answers'])} → {other['primary']}{beside}", indent=4)


def _print_estimate(est: dict[str, Any]) -> None:
    _say()
    _say(
        f"ESTIMATE — a month, USD list prices: {est['runs_per_month']:,} runs, {est['actions_per_run']} "
        f"action steps a run, {est['model']} at {est['input_tokens_per_run']:,} in / "
        f"{est['output_tokens_per_run']:,} out tokens a run"
    )
    for pattern in est["patterns"]:
        mark = " (recommended)" if pattern["recommended"] else ""
        _say(f"{pattern['pattern']}{mark}: {_money(pattern['monthly_usd'])}", indent=2)
        for item in pattern["items"]:
            dated = f" — {item['source']}, as of {item['as_of']}" if item["source"] else ""
            note = f" ({item['note']})" if item["note"] else ""
            _say(f"{_money(item['monthly_usd']):>10}  {item['what']}{note}{dated}", indent=4)
        if pattern["alternatives"]:
            others = "; ".join(f"{a['what']} {_money(a['monthly_usd'])}" for a in pattern["alternatives"])
            _say(f"or instead: {others}", indent=4)


def _print_roadmap(road: dict[str, Any]) -> None:
    _say()
    primary = road.get("primary")
    _say(
        f"ROADMAP — month 1 starts with the primary pattern, {primary}"
        if primary and not road.get("opening_reason")
        else "ROADMAP"
    )
    if road.get("opening_reason"):
        _say(road["opening_reason"], indent=2)
    for month in road["months"]:
        cost = month.get("monthly_usd")
        priced = f", {_money(cost)} a month" if cost is not None else ""
        _say(f"{month['label']}: {month['title']} [{month['pattern']}{priced}]", indent=2)
        if month["goal"]:
            _say(f"goal: {month['goal']}", indent=4)
        for task in month["tasks"]:
            _say(f"[ ] {task}", indent=4)
        for action in month["must_do"]:
            _say(f"[ ] MUST DO ({action['level']} risk: {action['title']}): {action['improvement_plan']}", indent=4)
        for merged in month["merged"]:
            _say(f"merged in: {merged['title']} — {merged['reason']}", indent=4)
    for skipped in road["skipped"]:
        _say(f"Skipped: {skipped['title']} — {skipped['reason']}", indent=2)
    if road["checklist"]:
        _say("Every month:", indent=2)
        for habit in road["checklist"]:
            _say(f"[ ] {habit}", indent=4)


def _diff(ctx: typer.Context, ws: Workspace | None, advisor: Advisor, pair: tuple[int, int], as_json: bool) -> None:
    from tether.advisor.diff import diff_milestones
    from tether.store.assessments import milestone, milestone_numbers

    with _store(ctx, ws) as store:
        found = [milestone(store, n) for n in pair]
        numbers = milestone_numbers(store)
    for n, row in zip(pair, found, strict=True):
        if row is None:
            saved = ", ".join(map(str, numbers)) or "none yet (run tether advise)"
            fail(f"error: no milestone {n}; saved milestones: {saved}")
    before, after = found
    assert before is not None and after is not None
    result = diff_milestones(advisor.lens, before, after)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    _say(f"MILESTONE {result.before} → {result.after}")
    rec = result.recommendation
    if rec.changed:
        _say(
            f"Recommendation changed: {rec.primary_before} (+ {', '.join(rec.complementary_before) or 'nothing'}) → "
            f"{rec.primary_after} (+ {', '.join(rec.complementary_after) or 'nothing'})",
            indent=2,
        )
    else:
        _say(f"Recommendation unchanged: {rec.primary_after}", indent=2)
    _say(f"Answers changed ({len(result.answers)}):" if result.answers else "Answers: unchanged", indent=2)
    for change in result.answers:
        _say(f"{change.title} ({change.question}): {change.before} → {change.after}", indent=4)
    for label, risks in (("Risks resolved", result.risks_resolved), ("New risks", result.risks_new)):
        _say(f"{label} ({len(risks)}):" if risks else f"{label}: none", indent=2)
        for risk in risks:
            _say(f"{risk.level:<6} {risk.title} [{risk.id}]", indent=4)
    for level_change in result.risks_changed:
        _say(f"Risk level changed: {level_change.title}: {level_change.before} → {level_change.after}", indent=2)
    _print_estimate_change(result.estimate)
    _print_roadmap_change(result.roadmap)


def _print_estimate_change(est: EstimateChange) -> None:
    if not est.changed:
        _say("Estimate: unchanged", indent=2)
        return
    _say("Estimate changed:", indent=2)
    for figure in est.basis:
        _say(f"{figure.what}: {figure.before} → {figure.after}", indent=4)
    for cost in est.patterns:
        flags = ""
        if cost.recommended_before != cost.recommended_after:
            flags = " (now recommended)" if cost.recommended_after else " (no longer recommended)"
        before = "—" if cost.before_usd is None else _money(cost.before_usd)
        after = "—" if cost.after_usd is None else _money(cost.after_usd)
        _say(f"{cost.pattern}: {before} → {after} a month{flags}", indent=4)


def _print_roadmap_change(road: RoadmapChange) -> None:
    if not road.changed:
        _say("Roadmap: unchanged", indent=2)
        return
    if road.opening_before != road.opening_after:
        _say(f"Roadmap changed: month 1 was {road.opening_before}, now {road.opening_after}", indent=2)
    else:
        _say(f"Roadmap changed (month 1 still {road.opening_after}):", indent=2)
    if road.opening_reason_after:
        _say(road.opening_reason_after, indent=4)
    for month in road.months:
        place = f"{month.before} → {month.after}" if month.before != month.after else month.after
        _say(f"{month.title} [{month.id}]: {place}", indent=4)
        for task in month.tasks_added:
            _say(f"+ {task}", indent=6)
        for task in month.tasks_removed:
            _say(f"- {task}", indent=6)


def roadmap(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="The roadmap as JSON.")] = False,
) -> None:
    """Print the current roadmap: the one from the latest saved milestone (tether advise saves one)."""
    from tether.store.assessments import latest_milestone

    ws = _workspace(ctx)
    with _store(ctx, ws) as store:
        latest = latest_milestone(store)
    if latest is None:
        fail("no milestone yet: run `tether advise` first", code=1)
    if as_json:
        print_json({"milestone": latest["number"], **latest["roadmap"]})
        return
    _say(f"From milestone {latest['number']}, recommendation {latest['recommendation']['primary']}.")
    _print_roadmap(latest["roadmap"])
