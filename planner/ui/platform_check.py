"""Before the window opens: is there a display, and can Qt's X11 plugin load?

Qt >= 6.5's xcb plugin links system libraries that a minimal Debian/Ubuntu or Fedora lacks;
without them Qt prints "Could not load the Qt platform plugin xcb" and aborts the process
(DESIGN.md section 7). This module finds that out first, without Qt, and says in one line what
is missing and how to install it. It imports nothing from Qt, so it can run before Qt loads.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["XCB_LIBRARIES", "SystemLibrary", "gui_start_problem", "missing_xcb_libraries"]


@dataclass(frozen=True, slots=True)
class SystemLibrary:
    soname: str
    debian: str
    """Debian/Ubuntu package (apt-get)."""
    fedora: str
    """Fedora/RHEL package (dnf)."""


# What PySide6's libqxcb.so and libQt6XcbQpa.so.6 link against beyond glibc, with the packages
# that ship each library (DESIGN.md section 7 names the usual missing ones first).
XCB_LIBRARIES: tuple[SystemLibrary, ...] = (
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SystemLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SystemLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SystemLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SystemLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SystemLibrary("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    SystemLibrary("libxcb.so.1", "libxcb1", "libxcb"),
    SystemLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SystemLibrary("libX11.so.6", "libx11-6", "libX11"),
    SystemLibrary("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SystemLibrary("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SystemLibrary("libGL.so.1", "libgl1", "libglvnd-glx"),
    SystemLibrary("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
)

Loader = Callable[[str], object]


def _dlopen(soname: str) -> object:
    return ctypes.CDLL(soname)


def missing_xcb_libraries(loader: Loader | None = None) -> list[SystemLibrary]:
    """The libraries of `XCB_LIBRARIES` the dynamic linker cannot load."""
    load = _dlopen if loader is None else loader
    missing = []
    for library in XCB_LIBRARIES:
        try:
            load(library.soname)
        except OSError:
            missing.append(library)
    return missing


def _unique(names: list[str]) -> str:
    return " ".join(dict.fromkeys(names))


def gui_start_problem(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    loader: Loader | None = None,
) -> str | None:
    """Why the window cannot open here, in one line; None if nothing stands in the way.

    Checked only on Linux and only for Qt's X11 plugin (the one that aborts); another
    platform chosen with QT_QPA_PLATFORM (offscreen, wayland, ...) is left to Qt.
    """
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    if not system.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "").strip().lower()
    if chosen and not chosen.startswith("xcb"):
        return None
    if not env.get("DISPLAY"):
        if env.get("WAYLAND_DISPLAY") and not chosen:
            return None
        return (
            "no display to open the window on (DISPLAY is not set: no desktop session or X "
            "server here); without one, use `hedge-planner report PLAN` for the risk report or "
            "`hedge-planner render PLAN -o OUT.pdf` for the payoff snapshot"
        )
    missing = missing_xcb_libraries(loader)
    if not missing:
        return None
    names = ", ".join(library.soname for library in missing)
    debian = _unique([library.debian for library in missing])
    fedora = _unique([library.fedora for library in missing])
    return (
        f"the window cannot open: Qt's X11 (xcb) platform plugin needs system libraries that "
        f"are missing: {names}. Install them with `sudo apt-get install {debian}` "
        f"(Debian/Ubuntu) or `sudo dnf install {fedora}` (Fedora); `hedge-planner report` and "
        "`render` work without them"
    )
