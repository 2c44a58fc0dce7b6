"""First start on a plain Linux: no display or missing X11 libraries give one line, exit 2 (#13.18).

Never Qt's "could not load the Qt platform plugin xcb ... Aborted".
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from planner.ui.platform_check import XCB_LIBRARIES, gui_start_problem, missing_xcb_libraries

X11 = {"DISPLAY": ":0"}


def _loader_missing(*missing: str) -> Callable[[str], object]:
    def load(soname: str) -> object:
        if soname in missing:
            raise OSError(f"{soname}: cannot open shared object file: No such file or directory")
        return object()

    return load


def test_nothing_missing_means_no_problem() -> None:
    assert gui_start_problem(X11, "linux", _loader_missing()) is None


def test_a_missing_library_is_named_with_both_install_commands() -> None:
    load = _loader_missing("libxcb-cursor.so.0", "libxkbcommon-x11.so.0")
    problem = gui_start_problem(X11, "linux", load)
    assert problem is not None
    assert "libxcb-cursor.so.0" in problem and "libxkbcommon-x11.so.0" in problem
    assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0" in problem
    assert "sudo dnf install xcb-util-cursor libxkbcommon-x11" in problem
    assert "\n" not in problem
    # Only what is missing is named.
    assert "libxcb-icccm" not in problem


def test_packages_shared_by_several_libraries_are_named_once() -> None:
    load = _loader_missing("libxcb-randr.so.0", "libxcb-shape.so.0")
    problem = gui_start_problem(X11, "linux", load)
    assert problem is not None
    assert "sudo dnf install libxcb`" in problem
    assert "apt-get install libxcb-randr0 libxcb-shape0`" in problem


def test_every_library_maps_to_packages() -> None:
    sonames = [lib.soname for lib in XCB_LIBRARIES]
    assert len(sonames) == len(set(sonames))
    # DESIGN.md section 7's list is all there.
    for soname in (
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libxcb-image.so.0",
        "libxcb-render-util.so.0",
        "libxcb-randr.so.0",
        "libxcb-shape.so.0",
        "libxcb-xkb.so.1",
        "libxkbcommon-x11.so.0",
    ):
        assert soname in sonames
    every = missing_xcb_libraries(_loader_missing(*sonames))
    assert [lib.soname for lib in every] == sonames
    assert all(lib.debian and lib.fedora for lib in every)


def test_no_display_points_to_report_and_render() -> None:
    problem = gui_start_problem({}, "linux", _loader_missing())
    assert problem is not None
    assert "no display" in problem
    assert "hedge-planner report" in problem and "hedge-planner render" in problem


def test_other_platforms_and_plugins_are_left_to_qt() -> None:
    missing = _loader_missing("libxcb-cursor.so.0")
    assert gui_start_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", missing) is None
    assert gui_start_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", missing) is None
    assert gui_start_problem({}, "darwin", missing) is None
    assert gui_start_problem({}, "win32", missing) is None
    # Asking for xcb explicitly is checked like the default.
    assert gui_start_problem({"QT_QPA_PLATFORM": "xcb", **X11}, "linux", missing) is not None


def _run_app(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the X11 check is Linux-only")
def test_the_app_exits_2_with_one_line_when_a_library_is_missing() -> None:
    """The real entry point, in a fresh process, with libxcb-cursor made to fail to load."""
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = ":0"
    code = (
        "import sys, planner.ui.platform_check as pc\n"
        "real = pc._dlopen\n"
        "def fake(name):\n"
        "    if name == 'libxcb-cursor.so.0':\n"
        "        raise OSError(name)\n"
        "    return real(name)\n"
        "pc._dlopen = fake\n"
        "from planner.cli import main\n"
        "sys.exit(main([]))\n"
    )
    done = _run_app(env, code)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("hedge-planner: the window cannot open")
    assert "libxcb-cursor.so.0" in lines[0] and "apt-get install" in lines[0]
    assert "libxcb-cursor0" in lines[0] and "xcb-util-cursor" in lines[0]
    assert "Aborted" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is Linux-only")
def test_the_app_without_a_display_says_so() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    done = _run_app(env, "import sys; from planner.cli import main; sys.exit(main([]))")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "no display" in done.stderr and "hedge-planner render" in done.stderr
