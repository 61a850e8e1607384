"""An X server for the real-window figures: the one in DISPLAY, or a virtual screen (Xvfb) of the
window's size started for the run and stopped after it."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from .common import WINDOW_SIZE

MISSING = ("no X server: DISPLAY is not set and Xvfb is not installed (Debian: apt-get install xvfb "
           "libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1), so the real-window figures are null")


def _free_display() -> int:
    n = 99
    while Path(f"/tmp/.X{n}-lock").exists() or Path(f"/tmp/.X11-unix/X{n}").exists():
        n += 1
    return n


@contextlib.contextmanager
def x_display() -> Iterator[tuple[dict[str, str] | None, str]]:
    """(environment for a Qt child on an X server, how the server was found); the environment is None
    when there is no X server to use."""
    base = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "QT_SCALE_FACTOR")}
    base.update(QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="1")
    if os.environ.get("DISPLAY"):
        yield dict(base), f"DISPLAY {os.environ['DISPLAY']}"
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        yield None, MISSING
        return
    n = _free_display()
    width, height = WINDOW_SIZE
    proc = subprocess.Popen([xvfb, f":{n}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{n}").exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        if proc.poll() is not None:
            yield None, f"Xvfb :{n} did not start (exit {proc.returncode}): the real-window figures are null"
            return
        yield dict(base, DISPLAY=f":{n}"), f"Xvfb :{n}, {width}x{height}x24"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
