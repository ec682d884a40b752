"""Drive LHC-Forms (npm `lforms`, in .cache/lforms) in headless Chromium over CDP.

A throwaway HTTP server on 127.0.0.1 (a free port) serves LHC-Forms' prebuilt web
component and a blank page; our Questionnaire is rendered with LForms.Util.addFormToPage,
filled by clicking its radio buttons and typing into its boxes, and the QuestionnaireResponse
is exported with LForms.Util.getFormFHIRData. Install with scripts/install-test-deps.sh.
"""

from __future__ import annotations

import contextlib
import functools
import json
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from browser import ROOT, BrowserToolError, _CdpPipe

LFORMS_DIST = ROOT / ".cache" / "lforms" / "package" / "dist" / "lforms"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link rel="stylesheet" href="lforms/webcomponent/styles.css">
<script src="lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="lforms/webcomponent/runtime.js" type="module"></script>
<script src="lforms/webcomponent/polyfills.js" type="module"></script>
<script src="lforms/webcomponent/main.js" type="module"></script>
<script src="lforms/fhir/R4/lformsFHIR.min.js" defer></script>
</head><body><div id="form"></div></body></html>"""


def lforms_missing() -> str | None:
    if not (LFORMS_DIST / "webcomponent" / "main.js").is_file():
        return f"LHC-Forms not found in {LFORMS_DIST}; run scripts/install-test-deps.sh"
    return None


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


class _Root:
    """Serves /index.html (the page) and /lforms/... (the package), nothing else."""

    def __init__(self, folder: Path) -> None:
        (folder / "index.html").write_text(PAGE, encoding="utf-8")
        (folder / "lforms").symlink_to(LFORMS_DIST, target_is_directory=True)
        handler = functools.partial(_Quiet, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/index.html"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class LFormsPage:
    def __init__(self, cdp: _CdpPipe, url: str) -> None:
        self.cdp, self.url = cdp, url
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        cdp.send("Page.enable", session=self.session)

    def js(self, expression: str, *, awaited: bool = False) -> Any:
        result = self.cdp.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": awaited, "returnByValue": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            detail = result["exceptionDetails"]
            raise BrowserToolError(f"in the page: {detail.get('exception', {}).get('description') or detail}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str, timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        while not self.js(expression):
            if time.monotonic() > end:
                raise BrowserToolError(f"timed out waiting for {what}")
            time.sleep(0.02)

    def render(self, questionnaire: dict[str, Any]) -> None:
        self.cdp.deadline = time.monotonic() + 120  # each case gets its own time budget
        self.cdp.send("Page.navigate", {"url": self.url}, session=self.session)
        self.cdp.wait_event("Page.loadEventFired", self.session)
        self.wait_for("!!(window.LForms && LForms.Util && LForms.Util.addFormToPage && LForms.FHIR)", "LHC-Forms")
        self.js(
            f"LForms.Util.addFormToPage({json.dumps(questionnaire)}, 'form', {{fhirVersion: 'R4'}}).then(() => 1)",
            awaited=True,
        )

    def shown(self) -> list[str]:
        """The linkIds of the question items LHC-Forms shows now, in page order."""
        return self.js("[...document.querySelectorAll('[id^=\"item-\"]')].map(e => e.id.slice(5).replace(/\\/1$/, ''))")

    def choose(self, link: str, index: int) -> None:
        """Click the index-th radio button of a question (its answerOption order)."""
        selector = json.dumps('input[name="radiogroup_%s/1"]' % link)  # noqa: UP031 (quotes inside)
        self.js(f"document.querySelectorAll({selector})[{index}].click()")

    def tick(self, link: str, value: bool) -> None:
        self.js(f"document.getElementById({json.dumps(f'{link}/1|{str(value).lower()}')}).click()")

    def type(self, link: str, text: str) -> None:
        """Focus the box, type like a keyboard (CDP Input.insertText), leave the box."""
        self.js(f"document.getElementById({json.dumps(f'{link}/1')}).focus()")
        self.cdp.send("Input.insertText", {"text": text}, session=self.session)
        self.js(f"document.getElementById({json.dumps(f'{link}/1')}).blur()")

    def response(self) -> dict[str, Any]:
        return self.js("LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4')")


@contextlib.contextmanager
def lforms_page(timeout: float = 120.0) -> Iterator[LFormsPage]:
    with tempfile.TemporaryDirectory(prefix="lforms-") as folder:
        (Path(folder) / "www").mkdir()
        root = _Root(Path(folder) / "www")
        profile = Path(folder) / "profile"
        profile.mkdir()
        cdp = _CdpPipe(str(profile), time.monotonic() + timeout)
        try:
            yield LFormsPage(cdp, root.url)
        finally:
            cdp.close()
            root.close()
