"""Benchmark: `deassist chat` start-up to first paint, and whether streaming keeps up with 50 tokens/s.

Start-up: fresh processes, each running an app headless until its first screen is painted (Textual's
auto-pilot starts then); measured from the process launch, so imports count. The baseline, in the
same run, is a bare Textual App with one Static. Target: the chat app paints within 1 s. The
session (LangGraph, the catalog) opens after the first paint; when it is ready is reported too.

Streaming: the real chat app (headless, 120x40) receives TextDelta events from a thread at 50
tokens/s, as a session's worker hands them over; the lag of a token is the time from its sending
to the end of the Markdown update that holds it. The baselines, in the same run, are the same feed
into a bare app that sets one Static to the text so far, and into a bare app that appends it to
one Markdown. The chat keeps up when its lag stays bounded (the last token within 1 s) instead of
growing with the stream.

    python evals/bench/tui_startup.py [--repeat 5] [--tokens 500] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "assistant" / "examples" / "shop"

# Each child writes "painted <seconds since launch>" (and the chat app "session <seconds>") to the fd in argv[2].
BASELINE_CHILD = """
import os, sys, time
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
async def painted(pilot):
    os.write(int(sys.argv[2]), f"painted {time.time() - float(sys.argv[1]):.4f}\\n".encode())
    pilot.app.exit()
Bare().run(headless=True, size=(120, 40), auto_pilot=painted)
"""

CHAT_CHILD = """
import os, sys, time
from collections.abc import Callable
from pathlib import Path
from assistant.session import SessionConfig
from assistant.tui.app import ChatApp
launched = float(sys.argv[1])
app = ChatApp(SessionConfig(model="offline", sources=[sys.argv[3]], session="bench", home=Path(sys.argv[4])))
async def painted(pilot):
    os.write(int(sys.argv[2]), f"painted {time.time() - launched:.4f}\\n".encode())
    while app.session is None and time.time() - launched < 60:
        await pilot.pause(0.01)
    os.write(int(sys.argv[2]), f"session {time.time() - launched:.4f}\\n".encode())
    app.exit()
app.run(headless=True, size=(120, 40), auto_pilot=painted)
"""


def launch(code: str, *args: str) -> dict[str, float]:
    """Run a child and read the timings it reports through a pipe."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, f"{time.time():.6f}", str(write), *args],
        cwd=ROOT,
        pass_fds=(write,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    os.close(write)
    with os.fdopen(read) as reports:
        lines = reports.read().split()
    _, err = proc.communicate(timeout=120)
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"child failed ({proc.returncode}): {err.decode()[-2000:]}")
    return {lines[i]: float(lines[i + 1]) for i in range(0, len(lines), 2)}


def startup(repeat: int) -> None:
    baseline, chat, session = [], [], []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(repeat):
            baseline.append(launch(BASELINE_CHILD)["painted"])
            timings = launch(CHAT_CHILD, str(SHOP), home)
            chat.append(timings["painted"])
            session.append(timings["session"])
    base, mine = statistics.median(baseline), statistics.median(chat)
    print(f"start-up to first paint (median of {repeat} fresh processes, headless 120x40)")
    print(f"  bare Textual app (baseline): {base * 1000:7.0f} ms")
    print(f"  deassist chat:               {mine * 1000:7.0f} ms   ratio {mine / base:.2f}x   target <= 1000 ms: {'met' if mine <= 1 else 'MISSED'}")
    print(f"  session open (offline, shop catalog): {statistics.median(session) * 1000:7.0f} ms after launch")


WORDS = (("Orders grew **12%** in March; the `orders` table holds 300 rows. " * 4) + "\n\n- top customer: Ada\n- second: Grace\n\n").split(" ")


def feed(post: Callable[[str], object], tokens: int, rate: float, sent: list[tuple[float, int]]) -> None:
    """Post `tokens` words at `rate` a second, from this (worker) thread, noting when each left."""
    total = 0
    started = time.perf_counter()
    for i in range(tokens):
        text = WORDS[i % len(WORDS)] + " "
        total += len(text)
        time.sleep(max(0.0, started + i / rate - time.perf_counter()))
        sent.append((time.perf_counter(), total))
        post(text)


def lags(sent: list[tuple[float, int]], shown: list[tuple[float, int]]) -> list[float]:
    """Per token: from its sending to the first update that covers it."""
    return [next(t for t, covered in shown if covered >= upto) - when for when, upto in sent]


def stream_into_chat(tokens: int, rate: float) -> list[float]:
    from textual.await_complete import AwaitComplete
    from textual.widgets import Markdown

    from assistant.events import TextDelta
    from assistant.session import SessionConfig
    from assistant.tui.app import ChatApp, SessionEvent

    shown: list[tuple[float, int]] = []  # (when a Markdown update finished, characters it covers)
    sent: list[tuple[float, int]] = []
    original = Markdown.append

    def timed_append(self: Markdown, markdown: str) -> AwaitComplete:
        pending = original(self, markdown)
        covered = len(self.source)

        async def finished() -> None:
            await pending
            shown.append((time.perf_counter(), covered))

        return AwaitComplete(finished())

    async def run() -> None:
        with tempfile.TemporaryDirectory() as home:
            app = ChatApp(SessionConfig(model="offline", sources=[str(SHOP)], session="bench", home=Path(home)), cursor_blink=False)
            async with app.run_test(size=(120, 40)) as pilot:
                while app.session is None:
                    await pilot.pause(0.05)
                post = lambda text: app.post_message(SessionEvent(TextDelta("data-engineer", text)))
                feeder = threading.Thread(target=feed, args=(post, tokens, rate, sent))
                feeder.start()
                while feeder.is_alive() or not shown or shown[-1][1] < sent[-1][1]:
                    await pilot.pause(0.05)

    Markdown.append = timed_append  # type: ignore[method-assign]
    try:
        asyncio.run(run())
    finally:
        Markdown.append = original  # type: ignore[method-assign]
    return lags(sent, shown)


def stream_into_bare(markdown: bool, tokens: int, rate: float) -> list[float]:
    """The baselines: the same feed into a bare app holding one widget, a Static set to the text so
    far, or a Markdown appended to token by token (Textual's Markdown without the chat's layout)."""
    from textual.app import App, ComposeResult
    from textual.message import Message
    from textual.widgets import Markdown, Static

    shown: list[tuple[float, int]] = []
    sent: list[tuple[float, int]] = []

    class Token(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Bare(App[None]):
        text = ""

        def compose(self) -> ComposeResult:
            yield Markdown() if markdown else Static()

        async def on_token(self, message: Token) -> None:
            self.text += message.text
            if markdown:
                widget = self.query_one(Markdown)
                await widget.append(message.text)
            else:
                self.query_one(Static).update(self.text)
            shown.append((time.perf_counter(), len(self.text)))

    async def run() -> None:
        app = Bare()
        async with app.run_test(size=(120, 40)) as pilot:
            feeder = threading.Thread(target=feed, args=(lambda text: app.post_message(Token(text)), tokens, rate, sent))
            feeder.start()
            while feeder.is_alive() or not shown or shown[-1][1] < sent[-1][1]:
                await pilot.pause(0.05)

    asyncio.run(run())
    return lags(sent, shown)


def describe(name: str, lag: list[float]) -> float:
    p95 = sorted(lag)[int(0.95 * (len(lag) - 1))]
    print(f"  {name}: mean {statistics.mean(lag) * 1000:4.0f} ms, p95 {p95 * 1000:4.0f} ms, max {max(lag) * 1000:4.0f} ms, last token {lag[-1] * 1000:4.0f} ms")
    return p95


def streaming(tokens: int, rate: float) -> None:
    print(f"streaming {tokens} tokens at {rate:.0f} tokens/s ({tokens / rate:.0f} s), headless 120x40: lag from a token's sending to the widget holding it")
    base = describe("bare app, one Static (baseline)  ", stream_into_bare(False, tokens, rate))
    describe("bare app, one Markdown appended  ", stream_into_bare(True, tokens, rate))
    lag = stream_into_chat(tokens, rate)
    mine = describe("deassist chat, streamed Markdown", lag)
    # A renderer slower than the feed builds a backlog that grows with the stream: by the last token
    # of a 10 s stream it would be seconds behind. Bounded lag at the end means it keeps up.
    keeps_up = lag[-1] < 1.0 and statistics.mean(lag[-len(lag) // 5 :]) < 1.0
    print(f"  p95 ratio {mine / base:.1f}x; keeps up with {rate:.0f} tokens/s (no growing backlog, last token < 1 s): {'yes' if keeps_up else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0)
    args = parser.parse_args()
    startup(args.repeat)
    streaming(args.tokens, args.rate)


if __name__ == "__main__":
    main()
