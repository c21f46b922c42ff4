"""The advisor wizard with Pilot: one question a step, back and next, validation, the result, a saved milestone."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Markdown, OptionList, SelectionList, Static

from tests.tui_support import SIZE, make_app, seeded_store, settle
from tether.advisor.engine import Advisor, context_of
from tether.store import open_store
from tether.store.assessments import latest_milestone
from tether.tui.app import TetherApp
from tether.tui.screens.wizard import WizardScreen

TYPED = {"systems_touched": "3", "monthly_volume": "1200", "team_size": "25", "use_case": "draft replies to leads"}


def wizard(app: TetherApp) -> WizardScreen:
    assert isinstance(app.screen, WizardScreen)
    return app.screen


def question_id(app: TetherApp) -> str:
    focused = app.focused
    assert focused is not None and focused.id is not None and focused.id.startswith("answer-"), focused
    return focused.id.removeprefix("answer-")


async def answer_current(pilot: Pilot[None], app: TetherApp) -> str:
    """Answer the question on screen the way a user would: the first choice, a tick, or typed text."""
    qid = question_id(app)
    focused = app.focused
    if isinstance(focused, Input):
        focused.value = TYPED[qid]
        await pilot.press("enter")
    elif isinstance(focused, SelectionList):
        await pilot.press("space", "ctrl+n")
    elif isinstance(focused, OptionList):
        await pilot.press("enter")
    await pilot.pause()
    return qid


async def open_wizard(pilot: Pilot[None], app: TetherApp) -> None:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)


async def test_complete_the_questionnaire_and_save_a_milestone(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    app = make_app(ws, path)
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot, app)
        screen = wizard(app)
        asked = []
        while screen.assessment is None:
            asked.append(await answer_current(pilot, app))
            assert len(asked) < 40
        advisor = Advisor.load(ws.root)
        # One step per applicable question, in the engine's order; none answered twice.
        applicable = [v.question.id for v in advisor.questions(screen.answers) if v.not_applicable is None]
        assert asked == applicable
        assert "self_hosting" not in asked  # not applicable without developers (the first choice)
        expected = advisor.assess(screen.answers, context_of(ws))
        assert screen.assessment == expected
        text = screen.query_one("#result-text", Markdown).source
        assert f"# Recommendation: {expected.recommendation.primary}" in text
        assert "## Why" in text and "## Estimate" in text and "## Roadmap" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.saved == 1
        assert "Saved as milestone 1." in screen.query_one("#result-text", Markdown).source
        await pilot.press("ctrl+s")  # saving twice does not make a second milestone
        await settle(pilot)
    with open_store(path) as store:
        saved = latest_milestone(store)
    assert saved is not None and saved["number"] == 1
    assert saved["recommendation"]["primary"] == str(expected.recommendation.primary)
    assert saved["answers"] == expected.model_dump(mode="json")["answers"]


async def test_back_returns_to_the_previous_answer(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot, app)
        assert question_id(app) == "dev_resources"
        await pilot.press("down", "down", "enter")  # a development team
        assert question_id(app) == "workflow_complexity"
        label = str(wizard(app).query_one("#progress-label", Static).render())
        assert label.startswith("Advisor — question 2 of")
        await pilot.press("ctrl+b")
        assert question_id(app) == "dev_resources"
        options = app.focused
        assert isinstance(options, OptionList) and options.highlighted == 2  # the answer given is kept
        await pilot.press("ctrl+b")  # already at the first question
        assert question_id(app) == "dev_resources"


async def test_a_bad_number_is_explained_and_not_accepted(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot, app)
        await pilot.press("enter", "enter")
        assert question_id(app) == "systems_touched"
        box = app.focused
        assert isinstance(box, Input)
        box.value = "5000"
        await pilot.press("enter")
        assert question_id(app) == "systems_touched"
        problem = str(wizard(app).query_one("#problem", Static).render())
        assert "at most" in problem
        box.value = ""
        await pilot.press("enter")
        assert "an answer is needed" in str(wizard(app).query_one("#problem", Static).render())


async def test_a_saved_milestone_is_offered_as_the_starting_point(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    app = make_app(ws, path)
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot, app)
        await pilot.press("down", "down", "enter")
        while wizard(app).assessment is None:
            await answer_current(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("a")
        await settle(pilot)
        options = app.focused
        assert isinstance(options, OptionList) and options.highlighted == 2


async def test_the_multi_select_ticks_chosen_items_and_leaves_the_others_empty() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets.selection_list import Selection

    from tether.tui.widgets.ticklist import CHOSEN, TickList

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield TickList(Selection("HubSpot", "hubspot", True), Selection("Slack", "slack", False))

    app = One()
    async with app.run_test(size=(40, 6)) as pilot:
        ticks = app.query_one(TickList)
        lines = [ticks.render_line(y).text for y in range(2)]
        assert CHOSEN in lines[0] and "HubSpot" in lines[0]
        assert CHOSEN not in lines[1] and "X" not in lines[1]
        ticks.toggle("slack")
        await pilot.pause()
        assert CHOSEN in ticks.render_line(1).text
