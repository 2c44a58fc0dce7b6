"""GUI entry point. Heavy modules (pyqtgraph, the engine, pandas) load only when needed."""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path


def run_gui(plan_path: str | None) -> int:
    """Open `plan_path` (or the bundled sample plan) maximised; returns the exit code.

    Exit code 2 with one line on stderr when the window cannot open here (no display, Qt's X11
    libraries missing): checked before Qt is started, since Qt itself would abort.
    """
    from PySide6.QtWidgets import QApplication

    from planner.ui.platform_check import gui_start_problem

    if QApplication.instance() is None:
        problem = gui_start_problem()
        if problem is not None:
            print(f"hedge-planner: {problem}", file=sys.stderr)
            return 2

    from PySide6.QtCore import Qt, QTimer

    from planner.model.errors import PlanFileError
    from planner.model.planfile import load_plan, plan_from_json
    from planner.ui import plain_text
    from planner.ui.document import PlanDocument
    from planner.ui.main_window import APPLICATION, ORGANISATION, MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    try:
        if plan_path is None:
            sample = files("planner.resources").joinpath("sample.hplan")
            plan = plan_from_json(sample.read_text(encoding="utf-8"), "sample.hplan")
        else:
            plan = load_plan(plan_path)
    except (PlanFileError, OSError) as exc:
        plain_text.critical(None, APPLICATION, str(exc))
        return 2
    window = MainWindow(PlanDocument(plan))
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if plan_path is not None:
        window.file_actions.set_current_path(Path(plan_path))
    window.showMaximized()
    # After a crash the last session's autosave is offered back once the window is up.
    QTimer.singleShot(0, window.file_actions.offer_recovery)
    return app.exec()
