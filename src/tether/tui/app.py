"""The tether app: the live dashboard and the screens it opens, over the headless core.

The dashboard's data is loaded in a thread worker and the next load is armed only when the last
one has finished (so a slow store never piles up loads); each load costs a fixed number of
queries however many integrations there are. Probing, when this process does it, runs in a
worker thread of its own and writes through its own connection; the dashboard sees its results
exactly as it sees another process's (`tether probe --watch`, `tether serve --probe`): by
reading the store (SQLite in WAL mode) on the refresh timer.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from tether import clock
from tether.pricing import PriceBook
from tether.startup import settled
from tether.tui.data import Clock, Overview, StoreAccess, overview
from tether.tui.messages import OverviewLoaded, WorkFailed
from tether.tui.screens.dashboard import DashboardScreen
from tether.workspace import Workspace

if TYPE_CHECKING:
    from tether.tui.probing import Prober

THEMES = ("textual-dark", "textual-light")


@dataclass
class Settings:
    """Everything the app needs, decided by the command line; screens never read files or the environment."""

    workspace: Workspace
    store_path: str
    clock: Clock = clock.now
    """The time the screens show and query with; tests fix it."""
    env: Mapping[str, str] | None = None
    """What `${ENV}` references expand to when this process probes (None: the process environment)."""
    probe: bool = False
    """Run the probe schedule in this process."""
    probe_interval: float | None = None
    """Override every check's interval (the demo probes every few seconds)."""
    max_jitter: float | None = None
    budget_every: float = 300.0
    refresh_every: float = 2.0
    """Seconds between dashboard loads, counted from the end of the last one (longer when loads are slow)."""
    docs_out: Path = field(default_factory=Path)
    """Where `generate docs` writes (default: reports/ beside integrations.yaml)."""
    detail_span: str = "24h"
    """The span a detail screen's charts open on (1h, 24h, 7d or 30d)."""
    user: str = ""
    """Recorded as who acknowledged an incident."""
    theme: str = THEMES[0]
    title: str = ""
    screenshots: Path = field(default_factory=Path)
    """Where `ctrl+p` → "Save screenshot" writes (default: .tether/screenshots beside integrations.yaml; created)."""
    throwaway_store: str = ""
    """Said where something is saved into a store that is deleted on quit (the demo's): how to keep it."""
    on_first_paint: Callable[[TetherApp], None] | None = None
    """Called once, after the first dashboard with data has been painted (the startup benchmark)."""

    def __post_init__(self) -> None:
        if self.docs_out == Path():
            self.docs_out = self.workspace.root / "reports"
        if not self.title:
            self.title = self.workspace.file.workspace.name
        if self.screenshots == Path():
            self.screenshots = self.workspace.root / ".tether" / "screenshots"

    @property
    def zone(self) -> str:
        return self.workspace.file.workspace.timezone


class TetherApp(App[None]):
    CSS_PATH = "tether.tcss"
    TITLE = "tether"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("t", "toggle_theme", "Theme"),
    ]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.access = StoreAccess(settings.store_path)
        self.book = PriceBook.load(settings.workspace.root)
        self.overview: Overview | None = None
        self.prober: Prober | None = None
        self.apply_times: list[float] = []
        """Main-thread seconds spent applying each load to the screen (the refresh benchmark reads it)."""
        self._timer: Timer | None = None
        self._painted = False

    def now(self) -> float:
        return self.settings.clock()

    def on_mount(self) -> None:
        self.theme = self.settings.theme
        self._exit_on_sigint()
        self.refresh_overview()
        if self.settings.probe:
            self.start_probing()

    def _exit_on_sigint(self) -> None:
        """SIGINT (kill -INT, or Ctrl-C where the terminal still sends it) quits with exit code 130,
        as every tether command does; in the dashboard the Ctrl-C key itself stays Textual's."""
        import asyncio
        import signal

        if self.is_headless:  # tests and benchmarks drive the app; their loop's SIGINT stays theirs
            return
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not the main thread
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, lambda: self.exit(return_code=130))

    def start_probing(self) -> None:
        """Run the probe schedule in this process (a worker thread), unless it already runs."""
        if self.prober is not None:
            return
        from tether.tui.probing import Prober

        s = self.settings
        self.prober = Prober(
            s.workspace,
            s.store_path,
            s.env,
            interval=s.probe_interval,
            max_jitter=s.max_jitter,
            budget_every=s.budget_every,
        )
        prober = self.prober

        def run() -> None:
            try:
                prober.run()
            except Exception as exc:
                self.post_message(WorkFailed("probe", exc))

        self.run_worker(run, thread=True, group="prober", exit_on_error=False)

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self.prober is not None:
            # Quitting asks the schedule to stop and does not wait for it: the screen goes at once,
            # and whoever ran the app joins the thread after (its last batch is committed first).
            self.prober.stop()
        self.access.close()

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen into a folder that exists (Textual's default, ~/Downloads, may not)."""
        folder = Path(path) if path else self.settings.screenshots
        try:
            folder.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(filename, str(folder))
        except OSError as exc:
            self.notify(f"could not save a screenshot in {folder}: {exc}", severity="error", timeout=20)
            return
        self.notify(saved, title="screenshot saved", timeout=10)

    # -- the refresh loop ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def refresh_overview(self) -> None:
        started = time.perf_counter()
        try:
            with self.access.use() as store:
                loaded = overview(self.settings.workspace, store, self.now(), self.book, self.overview)
        except Exception as exc:  # the store may be locked, moved or mid-migration: say so, try again
            self.post_message(WorkFailed("read the store", exc))
            return
        self.post_message(OverviewLoaded(replace(loaded, elapsed=time.perf_counter() - started)))

    def refresh_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.refresh_overview()

    def _arm(self, elapsed: float) -> None:
        # Armed when the last load has finished; a slow store waits longer, so loads never pile up.
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(max(self.settings.refresh_every, 5 * elapsed), self.refresh_overview)

    @on(OverviewLoaded)
    def _loaded(self, message: OverviewLoaded) -> None:
        if not self.is_running:
            return  # a load that finished while the app was closing: there is nothing left to show it on
        self.overview = message.overview
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen) and screen.is_mounted:
                screen.show(message.overview)
        self._arm(message.overview.elapsed)
        if not self._painted:
            self._painted = True
            self.call_after_refresh(settled)  # what the start made lives as long as the app
            if self.settings.on_first_paint is not None:
                callback = self.settings.on_first_paint
                self.call_after_refresh(lambda: callback(self))

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        if message.what == "probe":
            self.notify(f"probing stopped: {message.error}", severity="error", timeout=30)
            return
        self.notify(f"could not {message.what}: {message.error}", severity="error")
        if message.what == "read the store":
            self._arm(1.0)

    def note_apply(self, seconds: float) -> None:
        self.apply_times.append(seconds)
        del self.apply_times[:-1000]

    # -- navigation (each screen is imported when first opened: the dashboard paints sooner) ---

    def open_detail(self, name: str) -> None:
        from tether.tui.screens.detail import DetailScreen

        self.push_screen(DetailScreen(name, self.settings.detail_span))

    def open_wizard(self) -> None:
        from tether.tui.screens.wizard import WizardScreen

        self.push_screen(WizardScreen())

    def open_incidents(self) -> None:
        from tether.tui.screens.incidents import IncidentsScreen

        self.push_screen(IncidentsScreen())

    def open_registry(self) -> None:
        from tether.tui.screens.registry import RegistryScreen

        self.push_screen(RegistryScreen())

    def get_default_screen(self) -> Screen[Any]:
        return DashboardScreen()

    def open_dashboard(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_help(self) -> None:
        from tether.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Dashboard", "Every integration's health, live", self.open_dashboard)
        yield SystemCommand(
            "Advisor wizard", "Answer the questionnaire; get a recommendation and roadmap", self.open_wizard
        )
        yield SystemCommand(
            "Registry and readiness", "Each integration's readiness checks and fixes", self.open_registry
        )
        yield SystemCommand(
            "Incidents", "Every integration's incidents, open first, with acknowledge", self.open_incidents
        )
        yield SystemCommand("Help", "States, marks and every key", self.action_help)
        yield SystemCommand(
            "Toggle light and dark theme", "Switch between textual-dark and textual-light", self.action_toggle_theme
        )
        yield SystemCommand("Refresh now", "Read the store again", self.refresh_now)
        palette = getattr(screen, "palette", None)
        if callable(palette):
            yield from palette()
