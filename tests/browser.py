"""Headless-Chromium and poppler helpers for tests.

Print HTML to PDF, read PDFs (text, page count, PNG of a page) and run an
offline axe-core accessibility check. Install the tools with
``scripts/install-test-deps.sh``; no pip packages are needed (axe is driven
over Chromium's DevTools protocol on a pipe, so no port is opened).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AXE_JS_DEFAULT = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DEFAULT_AXE_TAGS: tuple[str, ...] = (
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
)
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1280,1024",
)
INSTALL_HINT = "run scripts/install-test-deps.sh"


class BrowserToolError(RuntimeError):
    """A browser or PDF tool failed."""


class BrowserToolsMissing(BrowserToolError):
    """A required tool (chromium, poppler, axe-core) is not installed."""


# --------------------------------------------------------------------------
# Tool discovery
# --------------------------------------------------------------------------


def chromium_path() -> str | None:
    """Return the Chromium executable ($CHROMIUM, /usr/bin/chromium or PATH)."""
    env = os.environ.get("CHROMIUM")
    if env and os.access(env, os.X_OK):
        return env
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def axe_js_path() -> Path | None:
    """Return the local axe.min.js ($AXE_CORE_JS or .cache/axe), if present."""
    env = os.environ.get("AXE_CORE_JS")
    path = Path(env) if env else AXE_JS_DEFAULT
    return path if path.is_file() else None


def missing_tools(*, axe: bool = True) -> list[str]:
    """List the missing tools needed by this module (empty if all present)."""
    missing = [] if chromium_path() else ["chromium"]
    missing += [t for t in ("pdftotext", "pdfinfo", "pdftoppm") if not shutil.which(t)]
    if axe and axe_js_path() is None:
        missing.append(f"axe-core ({AXE_JS_DEFAULT})")
    return missing


def require_tools(*, axe: bool = True) -> None:
    """Raise BrowserToolsMissing naming every missing tool."""
    missing = missing_tools(axe=axe)
    if missing:
        raise BrowserToolsMissing(f"missing: {', '.join(missing)}; {INSTALL_HINT}")


def require_tools_or_skip(*, axe: bool = True) -> None:
    """In a test: fail if tools are missing under CI, otherwise skip."""
    import pytest

    missing = missing_tools(axe=axe)
    if not missing:
        return
    msg = f"missing: {', '.join(missing)}; {INSTALL_HINT}"
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


def _chromium() -> str:
    path = chromium_path()
    if path is None:
        raise BrowserToolsMissing(f"chromium not found; {INSTALL_HINT}")
    return path


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BrowserToolsMissing(f"{name} not found (poppler-utils); {INSTALL_HINT}")
    return path


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BrowserToolError(f"timed out after {timeout}s: {cmd[0]}") from exc
    if proc.returncode != 0:
        err = proc.stderr.strip()[-2000:]
        raise BrowserToolError(f"{Path(cmd[0]).name} exited {proc.returncode}: {err}")
    return proc


def _kill_group(proc: subprocess.Popen[Any]) -> None:
    """Kill the process group of a Chromium we started (it has its own session)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def html_to_pdf(html: Path, pdf: Path, *, timeout: float = 60.0) -> None:
    """Print a self-contained HTML file to PDF with headless Chromium."""
    html = Path(html).resolve()
    pdf = Path(pdf).resolve()
    if not html.is_file():
        raise FileNotFoundError(html)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-pdf-", ignore_cleanup_errors=True) as profile:
        cmd = [
            _chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise BrowserToolError(f"chromium --print-to-pdf timed out after {timeout}s") from exc
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise BrowserToolError(f"chromium failed to print {html} (exit {proc.returncode}): {err.strip()[-2000:]}")
    with pdf.open("rb") as fh:
        if fh.read(5) != b"%PDF-":
            raise BrowserToolError(f"chromium wrote a non-PDF file: {pdf}")


def pdf_text(pdf: Path, *, layout: bool = True, timeout: float = 30.0) -> str:
    """Return the PDF's text via ``pdftotext -layout``."""
    cmd = [_tool("pdftotext"), *(["-layout"] if layout else []), str(pdf), "-"]
    return _run(cmd, timeout).stdout


def pdf_page_count(pdf: Path, *, timeout: float = 30.0) -> int:
    """Return the number of pages reported by ``pdfinfo``."""
    out = _run([_tool("pdfinfo"), str(pdf)], timeout).stdout
    match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    if match is None:
        raise BrowserToolError(f"pdfinfo gave no page count for {pdf}")
    return int(match.group(1))


def pdf_page_fill(pdf: Path, *, bottom_margin_pt: float = 15 / 25.4 * 72, timeout: float = 30.0) -> list[float]:
    """How full each page is: from the top of the page to the bottom of its lowest word, over
    the page's height less the bottom margin (where the page footer is, not counted).
    1.0 is a full page; a page holding only a line or two near the top is under 0.1."""
    out = _run([_tool("pdftotext"), "-bbox", str(pdf), "-"], timeout).stdout
    fills = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.DOTALL):
        height = float(page.group(2))
        usable = height - bottom_margin_pt
        bottoms = [float(y) for y in re.findall(r'<word [^>]*yMax="([\d.]+)"', page.group(3))]
        bottoms = [y for y in bottoms if y <= usable]
        fills.append(max(bottoms, default=0.0) / usable)
    return fills


def pdf_page_png(pdf: Path, png_prefix: Path, page: int = 1, *, dpi: int = 80, timeout: float = 60.0) -> Path:
    """Render one page to ``<png_prefix>.png`` with pdftoppm and return its path."""
    png_prefix = Path(png_prefix)
    png_prefix.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        _tool("pdftoppm"),
        "-png",
        "-r",
        str(dpi),
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(pdf),
        str(png_prefix),
    ]
    _run(cmd, timeout)
    png = png_prefix.with_name(png_prefix.name + ".png")
    if not png.is_file():
        raise BrowserToolError(f"pdftoppm wrote no {png}")
    return png


# --------------------------------------------------------------------------
# axe-core over the Chrome DevTools Protocol (--remote-debugging-pipe)
# --------------------------------------------------------------------------


def _fd_above_9(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class _CdpPipe:
    """Minimal CDP client: JSON messages, NUL-separated, on fds 3 (in) / 4 (out)."""

    def __init__(self, profile: str, deadline: float) -> None:
        self.deadline = deadline
        self._next_id = 0
        self._buf = b""
        self.events: list[dict[str, Any]] = []
        # A file, not a pipe: a chatty Chromium must never block on stderr.
        self._log = Path(profile) / "chromium-stderr.log"
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Move the child's ends above fd 9 so the 3/4 remapping cannot clash.
        to_chrome_r, from_chrome_w = (_fd_above_9(fd) for fd in (to_chrome_r, from_chrome_w))
        cmd = [
            _chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # Map our pipe ends onto fds 3/4 (bash: dash rejects fds above 9).
        r, w = to_chrome_r, from_chrome_w
        shell = f'exec "$@" 3<&{r} 4>&{w} {r}<&- {w}>&-'
        with self._log.open("wb") as log:
            self.proc = subprocess.Popen(
                ["/bin/bash", "-c", shell, "bash", *cmd],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                pass_fds=(to_chrome_r, from_chrome_w),
                start_new_session=True,
            )
        os.close(to_chrome_r)
        os.close(from_chrome_w)

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise BrowserToolError("axe check timed out")
        return left

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._from_chrome], [], [], self._remaining())
            if not ready:
                continue
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise BrowserToolError(f"chromium closed the DevTools pipe: {self._stderr()}")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
    ) -> dict[str, Any]:
        """Send a command and return its result (events seen meanwhile are kept)."""
        self._next_id += 1
        msg: dict[str, Any] = {
            "id": self._next_id,
            "method": method,
            "params": params or {},
        }
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            self._remaining()
            try:
                data = data[os.write(self._to_chrome, data) :]
            except BrokenPipeError as exc:
                msg = f"chromium exited before {method}: {self._stderr()}"
                raise BrowserToolError(msg) from exc
        while True:
            reply = self._read_message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserToolError(f"CDP {method} failed: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method: str, session: str | None = None) -> dict[str, Any]:
        """Wait for (and consume) an event of the given method."""
        while True:
            for i, event in enumerate(self.events):
                if event["method"] == method and (session is None or event.get("sessionId") == session):
                    return self.events.pop(i)
            reply = self._read_message()
            if "method" in reply:
                self.events.append(reply)

    def _stderr(self) -> str:
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.proc.wait(timeout=2)
        try:
            return self._log.read_text(errors="replace").strip()[-2000:]
        except OSError:
            return ""

    def close(self) -> None:
        """Ask Chromium to quit, then make sure its process group is gone."""
        if self.proc.poll() is None:
            try:
                self.deadline = time.monotonic() + 5
                self.send("Browser.close")
            except (BrowserToolError, OSError):
                pass
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
        _kill_group(self.proc)
        for fd in (self._to_chrome, self._from_chrome):
            with contextlib.suppress(OSError):
                os.close(fd)


_AXE_RUN = """
axe.run(document, %s).then(r => r.violations.map(v => ({
  id: v.id,
  impact: v.impact,
  description: v.description,
  help: v.help,
  helpUrl: v.helpUrl,
  tags: v.tags,
  nodes: v.nodes.length,
  targets: v.nodes.slice(0, 10).map(n => n.target.join(' ')),
})))
"""


def axe_violations(
    html: Path, *, tags: Sequence[str] = DEFAULT_AXE_TAGS, timeout: float = 60.0
) -> list[dict[str, Any]]:
    """Run axe-core offline on an HTML file in headless Chromium.

    Returns axe's violations, each a dict with ``id``, ``impact``,
    ``description``, ``help``, ``helpUrl``, ``tags``, ``nodes`` (count) and
    ``targets`` (CSS selectors of up to 10 offending nodes).
    """
    html = Path(html).resolve()
    if not html.is_file():
        raise FileNotFoundError(html)
    axe_js = axe_js_path()
    if axe_js is None:
        raise BrowserToolsMissing(f"axe-core not found at {AXE_JS_DEFAULT}; {INSTALL_HINT}")
    axe_source = axe_js.read_text(encoding="utf-8")
    options = {
        "runOnly": {"type": "tag", "values": list(tags)},
        "resultTypes": ["violations"],
    }

    with tempfile.TemporaryDirectory(prefix="chromium-axe-", ignore_cleanup_errors=True) as profile:
        cdp = _CdpPipe(profile, time.monotonic() + timeout)
        try:
            target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            cdp.send("Page.enable", session=session)
            nav = cdp.send("Page.navigate", {"url": html.as_uri()}, session=session)
            if nav.get("errorText"):
                raise BrowserToolError(f"cannot load {html}: {nav['errorText']}")
            cdp.wait_event("Page.loadEventFired", session)
            for expr, awaited in (
                (axe_source, False),
                (_AXE_RUN % json.dumps(options), True),
            ):
                res = cdp.send(
                    "Runtime.evaluate",
                    {
                        "expression": expr,
                        "awaitPromise": awaited,
                        "returnByValue": True,
                    },
                    session=session,
                )
                if "exceptionDetails" in res:
                    detail = res["exceptionDetails"]
                    text = detail.get("exception", {}).get("description") or detail.get("text")
                    raise BrowserToolError(f"axe failed in the page: {text}")
            return list(res["result"]["value"])
        finally:
            cdp.close()


def serious_violations(violations: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep only violations whose impact is serious or critical."""
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def format_violations(violations: Sequence[dict[str, Any]]) -> str:
    """One line per violation, for assertion messages."""
    return "\n".join(
        f"{v['id']} [{v.get('impact')}] x{v['nodes']}: {v['help']} -> " + ", ".join(v["targets"]) for v in violations
    )
