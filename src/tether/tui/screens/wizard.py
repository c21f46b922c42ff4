"""The advisor wizard: one question a step (back, next, progress), then the recommendation, saved as a milestone.

It drives `tether.advisor.engine.Advisor` exactly as `tether advise` does: the same questions in
the same order, the same applicability, the same validation and the same assessment.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Markdown, OptionList, ProgressBar, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from tether.advisor.answers import AnswerProblem, Answers, AnswerValue, parse_typed
from tether.advisor.engine import Advisor, Assessment, QuestionView, context_of
from tether.advisor.lens import Question, QuestionKind
from tether.store.assessments import latest_milestone, save_milestone
from tether.tui.assessment_view import assessment_markdown
from tether.tui.messages import AdvisorLoaded, MilestoneSaved, WorkFailed
from tether.tui.screens.base import TetherScreen
from tether.tui.widgets.footer import FittingFooter
from tether.tui.widgets.ticklist import TickList


class WizardScreen(TetherScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Dashboard"),
        Binding("ctrl+b", "back", "Back"),
        Binding("ctrl+n", "next", "Next"),
        Binding("ctrl+s", "save", "Save milestone"),
    ]

    def __init__(self) -> None:
        super().__init__(id="wizard")
        self.advisor: Advisor | None = None
        self.answers: Answers = {}
        self.previous: Answers = {}
        self.position = 0
        self.assessment: Assessment | None = None
        self.saved: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="wizard-head"):
            yield Static("Advisor — loading the questionnaire…", id="progress-label")
            yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="progress")
        with VerticalScroll(id="question"):
            yield Static(id="section")
            yield Static(id="title")
            yield Static(id="help")
            yield Vertical(id="answer")
            yield Static(id="problem")
        with VerticalScroll(id="result"):
            yield Markdown(id="result-text")
        with Horizontal(id="wizard-buttons"):
            yield Button("Back", id="back")
            yield Button("Next", id="next", variant="primary")
            yield Button("Save as milestone", id="save", variant="success")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#result").display = False
        self.query_one("#save").display = False
        self.start()

    @work(thread=True, exclusive=True, group="advisor", exit_on_error=False)
    def start(self) -> None:
        app = self.tether
        try:
            advisor = Advisor.load(app.settings.workspace.root)
            with app.access.use() as store:
                latest = latest_milestone(store)
        except Exception as exc:
            self.post_message(WorkFailed("load the questionnaire", exc))
            return
        self.post_message(AdvisorLoaded(advisor, dict(latest["answers"]) if latest else {}))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save(self, data: dict[str, Any]) -> None:
        app = self.tether
        try:
            with app.access.use() as store:
                number = save_milestone(store, data, app.now())
        except Exception as exc:
            self.post_message(WorkFailed("save the milestone", exc))
            return
        self.post_message(MilestoneSaved(number))

    @on(AdvisorLoaded)
    async def _loaded(self, message: AdvisorLoaded) -> None:
        self.advisor, self.previous = message.advisor, message.previous
        self.position = self._applicable_from(0, 1)
        await self._show_question()

    @on(MilestoneSaved)
    def _saved(self, message: MilestoneSaved) -> None:
        result = self.saved = message.number
        hint = f"; compare: tether advise --diff {result - 1} {result}" if result > 1 else ""
        self.notify(f"saved as milestone {result}{hint}", title="milestone saved")
        if self.tether.settings.throwaway_store:
            self.notify(self.tether.settings.throwaway_store, title="this store is temporary", timeout=20)
        self._show_result()
        self.tether.refresh_now()

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        message.stop()
        self.notify(str(message.error), title=f"advisor: could not {message.what}", severity="error")

    # -- the questions ---------------------------------------------------------------------

    def views(self) -> list[QuestionView]:
        assert self.advisor is not None
        return self.advisor.questions(self.answers)

    def _applicable_from(self, start: int, step: int) -> int:
        """The first question at or after `start` (going by `step`) that applies given the answers so far."""
        views = self.views()
        index = start
        while 0 <= index < len(views) and views[index].not_applicable is not None:
            self.answers.pop(views[index].question.id, None)
            index += step
        return index

    def _current(self) -> QuestionView | None:
        views = self.views()
        return views[self.position] if 0 <= self.position < len(views) else None

    async def _show_question(self) -> None:
        view = self._current()
        if view is None:
            return
        views = self.views()
        question = view.question
        applicable = [v for v in views if v.not_applicable is None]
        number = next(i for i, v in enumerate(applicable, 1) if v.question.id == question.id)
        label = Text(f"Advisor — question {number} of {len(applicable)}", style="bold")
        label.append(f"   {view.section}", style="dim")
        self.query_one("#progress-label", Static).update(label)
        bar = self.query_one(ProgressBar)
        bar.update(total=len(applicable), progress=number - 1)
        self.query_one("#section", Static).update(Text(view.section, style="dim"))
        required = "" if question.required else "  (optional: leave empty to skip)"
        self.query_one("#title", Static).update(Text(question.title + required, style="bold"))
        self.query_one("#help", Static).update(question.help)
        self.query_one("#problem", Static).update("")
        box = self.query_one("#answer", Vertical)
        await box.remove_children()
        widget = self._answer_widget(question, self.answers.get(question.id, self.previous.get(question.id)))
        await box.mount(widget)
        widget.focus()
        self.query_one("#back", Button).disabled = number == 1

    def _answer_widget(self, question: Question, value: AnswerValue | None) -> Widget:
        if question.kind is QuestionKind.SINGLE:
            options = OptionList(
                *(Option(_choice_prompt(c.title, c.help), id=c.id) for c in question.choices),
                id=f"answer-{question.id}",
                classes="choice",
            )
            ids = [c.id for c in question.choices]
            options.highlighted = ids.index(value) if isinstance(value, str) and value in ids else 0
            return options
        if question.kind is QuestionKind.MULTIPLE:
            chosen = value if isinstance(value, list) else []
            return TickList(
                *(Selection(_choice_prompt(c.title, c.help), c.id, c.id in chosen) for c in question.choices),
                id=f"answer-{question.id}",
            )
        shown = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
        if question.kind is QuestionKind.NUMBER:
            return Input(
                value=shown,
                placeholder="a number, such as 1200",
                type="number",
                id=f"answer-{question.id}",
                classes="typed",
            )
        return Input(value=shown, placeholder="a few words", id=f"answer-{question.id}", classes="typed")

    def _read(self, question: Question) -> AnswerValue | None:
        """The answer in the step's widget, validated by the engine; AnswerProblem when it does not fit."""
        if question.kind is QuestionKind.SINGLE:
            options = self.query_one(f"#answer-{question.id}", OptionList)
            if options.highlighted is None:
                raise AnswerProblem("choose one")
            return self.advisor_or_fail().validate(question.id, question.choices[options.highlighted].id)
        if question.kind is QuestionKind.MULTIPLE:
            picked = list(self.query_one(f"#answer-{question.id}", SelectionList).selected)
            if not picked:
                if question.required:
                    raise AnswerProblem("choose at least one (space toggles a choice)")
                return None
            return self.advisor_or_fail().validate(question.id, picked)
        return parse_typed(question, self.query_one(f"#answer-{question.id}", Input).value)

    def advisor_or_fail(self) -> Advisor:
        assert self.advisor is not None
        return self.advisor

    async def action_next(self) -> None:
        if self.assessment is not None:
            return
        view = self._current()
        if view is None:
            return
        question = view.question
        try:
            value = self._read(question)
        except AnswerProblem as exc:
            self.query_one("#problem", Static).update(Text(str(exc), style="bold red"))
            return
        if value is None and question.required:
            self.query_one("#problem", Static).update(Text("an answer is needed here", style="bold red"))
            return
        if value is None:
            self.answers.pop(question.id, None)
        else:
            self.answers[question.id] = value
        following = self._applicable_from(self.position + 1, 1)
        if following >= len(self.views()):
            self._finish()
            return
        self.position = following
        await self._show_question()

    async def action_back(self) -> None:
        if self.advisor is None:
            return
        if self.assessment is not None:
            self.assessment, self.saved = None, None
            self._show_steps(True)
            await self._show_question()
            return
        earlier = self._applicable_from(self.position - 1, -1)
        if earlier >= 0:
            self.position = earlier
            await self._show_question()

    def _finish(self) -> None:
        advisor = self.advisor_or_fail()
        try:
            self.assessment = advisor.assess(self.answers, context_of(self.tether.settings.workspace))
        except AnswerProblem as exc:
            self.query_one("#problem", Static).update(Text(str(exc), style="bold red"))
            return
        self.saved = None
        self._show_steps(False)
        self._show_result()
        self.query_one("#result").focus()

    def _show_steps(self, steps: bool) -> None:
        self.query_one("#question").display = steps
        self.query_one("#result").display = not steps
        self.query_one("#next").display = steps
        self.query_one("#save").display = not steps

    def _show_result(self) -> None:
        if self.assessment is None:
            return
        data = self.assessment.model_dump(mode="json")
        self.query_one("#result-text", Markdown).update(assessment_markdown(data, self.saved))
        total = self.query_one(ProgressBar).total or 1
        self.query_one(ProgressBar).update(progress=total)
        label = Text("Advisor — recommendation", style="bold")
        label.append("   ctrl+s saves it as a milestone; ctrl+b goes back to the questions", style="dim")
        self.query_one("#progress-label", Static).update(label)
        self.query_one("#save", Button).disabled = self.saved is not None

    def action_save(self) -> None:
        if self.assessment is None or self.saved is not None:
            return
        self.save(self.assessment.model_dump(mode="json"))

    def action_leave(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#next")
    async def _next_pressed(self) -> None:
        await self.action_next()

    @on(Button.Pressed, "#back")
    async def _back_pressed(self) -> None:
        await self.action_back()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(OptionList.OptionSelected, ".choice")
    async def _chosen(self) -> None:
        await self.action_next()

    @on(Input.Submitted, ".typed")
    async def _typed(self) -> None:
        await self.action_next()

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Next question", "Answer and go on", self.action_next)
        yield SystemCommand("Previous question", "Go back one step", self.action_back)
        yield SystemCommand("Save the assessment as a milestone", "After the last question", self.action_save)
        yield SystemCommand("Leave the advisor", "Back to the dashboard", self.action_leave)


def _choice_prompt(title: str, help_text: str) -> Text:
    text = Text(title)
    if help_text:
        text.append(f" — {help_text}", style="dim")
    return text
