"""A headless chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
JSON messages ended by a NUL byte on file descriptors 3 and 4), standard library only, to
lay a page out at a given window width and measure what the layout cuts off.

A window narrower than 500 px cannot be asked for on the command line (chromium keeps its
windows at least that wide), so the width is set with Emulation.setDeviceMetricsOverride."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

# Run in the page after it loaded: every element that hides part of its content behind a
# scroll bar or a clip, and every element that reaches past the window's edges.
LAYOUT_CHECK = """
(() => {
  const cut = [];
  const name = (el) => {
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls;
  };
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1)
    cut.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
    const style = getComputedStyle(el);
    if (style.display === "none") continue;
    if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== "visible")
      cut.push(`${name(el)} hides ${el.scrollWidth - el.clientWidth} px of its content`);
    const box = el.getBoundingClientRect();
    if (box.width > 0 && (box.right > width + 1 || box.left < -1))
      cut.push(`${name(el)} reaches past the window: ${box.left | 0}..${box.right | 0}`);
  }
  const tables = [...document.querySelectorAll("table")].map((t) => ({
    cls: t.className, width: Math.round(t.getBoundingClientRect().width),
    last: Math.round(t.querySelector("tbody tr > :last-child")?.getBoundingClientRect().right ?? 0),
  }));
  const verdicts = [...document.querySelectorAll("tr[data-verdict]")].map((r) => r.dataset.verdict);
  return {width: window.innerWidth, client: width, cut, tables, verdicts};
})()
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless chromium; `layout(url, width)` measures a page at that width."""

    def __init__(self, profile: Path) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # Above 9, so that moving them to 3 and 4 in the child cannot overwrite each other.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child_r, from_child_w)]
        for fd in (to_child_r, from_child_w):
            os.close(fd)

        def wire() -> None:  # in the child, before exec: the protocol's descriptors
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--remote-debugging-pipe",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--mute-audio",
        ]
        self.process = subprocess.Popen(
            [str(chromium()), *flags, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,  # only 3 and 4 are inheritable: the rest closes on exec
            preexec_fn=wire,
        )
        for fd in high:
            os.close(fd)
        self._buffer = b""
        self._next = 0
        self._events: list[dict[str, Any]] = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t["targetId"] for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page, flatten=True)["sessionId"]
        self.call("Page.enable", session=self.session)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def _read(self, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _wait_for(self, event: str) -> None:
        while True:
            found = next((e for e in self._events if e.get("method") == event), None)
            if found is not None:
                self._events.remove(found)
                return
            self._events.append(self._read())

    def layout(self, url: str, width: int, height: int = 900) -> dict[str, Any]:
        """The page at `url` laid out in a window `width` px wide: LAYOUT_CHECK's findings."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=self.session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self._events.clear()
        self.call("Page.navigate", session=self.session, url=url)
        self._wait_for("Page.loadEventFired")
        result = self.call(
            "Runtime.evaluate", session=self.session, expression=LAYOUT_CHECK, returnByValue=True
        )
        return result["result"]["value"]

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_child, self._from_child):
            os.close(fd)
