"""The installed console script in a real terminal: tmux runs `deassist chat`, we type, read the screen, quit."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.tui.conftest import SHOP

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """A tmux server of our own (its socket in a temp dir), one window of 120x40."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, timeout=30, check=False)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "chat").stdout

    def wait_for(self, seen: Callable[[str], bool], what: str, limit: float = 90.0) -> str:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            screen = self.screen()
            if seen(screen):
                return screen
            if self.tmux("has-session", "-t", "chat").returncode != 0:
                raise AssertionError(f"deassist chat ended before showing {what}")
            time.sleep(0.2)
        size = self.tmux("display", "-p", "-t", "chat", "#{window_width}x#{window_height}").stdout.strip()
        raise AssertionError(f"the terminal ({size}) never showed {what}:\n{self.screen()}")

    def running(self) -> bool:
        return self.tmux("has-session", "-t", "chat").returncode == 0


def test_chat_answers_in_a_real_terminal_and_quits_keeping_the_session(deassist_bin: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    terminal = Terminal(tmp_path / "tmux.sock")
    command = f"{deassist_bin} chat --data {SHOP} --model offline --session smoke"
    started = terminal.tmux(
        "new-session", "-d", "-s", "chat", "-x", "120", "-y", "40", "-c", str(ROOT),
        "-e", f"DEASSIST_HOME={home}", "-e", "ANTHROPIC_API_KEY=", "-e", "TERM=xterm-256color", command,
    )
    assert started.returncode == 0, started.stderr
    try:
        terminal.wait_for(lambda s: "ready" in s and "customers" in s and "session smoke" in s, "the open session")
        terminal.tmux("send-keys", "-t", "chat", "-l", "How many orders are there?")
        terminal.tmux("send-keys", "-t", "chat", "Enter")
        terminal.wait_for(lambda s: "Run this query?" in s and "FROM orders" in s, "the approval modal")
        terminal.tmux("send-keys", "-t", "chat", "y")
        screen = terminal.wait_for(lambda s: "agents: data-engineer" in s and "ready" in s, "the answer")
        assert "order_count" in screen and "300" in screen
        terminal.tmux("send-keys", "-t", "chat", "C-q")
        deadline = time.monotonic() + 30
        while terminal.running() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not terminal.running(), "deassist chat did not quit on Ctrl+Q"
    finally:
        terminal.tmux("kill-server")
    with sqlite3.connect(home / "sessions.sqlite") as db:
        threads = {row[0] for row in db.execute("SELECT DISTINCT thread_id FROM checkpoints")}
    assert "smoke" in threads
