"""CORS (triage/web/cors.py): off by default; with `--cors-origin`, a page from that origin
may call /api/ and /fhir/. In-process headers, then a real page on a second local origin in
Chromium fetching the Questionnaire and running $next-question, allowed and refused."""

from __future__ import annotations

import contextlib
import http.server
import threading

import pytest
from helpers import run_cli
from web_helpers import launch_chromium, running_server

from triage.kb.load import load_knowledge_base

flask = pytest.importorskip("flask")
from triage.web import create_app  # noqa: E402

KB = load_knowledge_base()
OTHER = "http://127.0.0.1:9"  # an origin for the in-process tests


def test_off_by_default_no_cors_header_anywhere():
    client = create_app().test_client()
    for path in ("/api/v1/questions", "/fhir/metadata", "/"):
        reply = client.get(path, headers={"Origin": OTHER})
        assert "Access-Control-Allow-Origin" not in reply.headers


def test_allowed_origin_gets_the_headers_and_a_preflight():
    client = create_app(config={"CORS_ORIGINS": [OTHER + "/"]}).test_client()
    reply = client.get("/fhir/metadata", headers={"Origin": OTHER})
    assert reply.headers["Access-Control-Allow-Origin"] == OTHER and "Origin" in reply.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in reply.headers  # nothing to share: no cookies here
    preflight = client.options(
        "/fhir/Questionnaire/knee-triage/$next-question",
        headers={"Origin": OTHER, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200 and "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    other = client.get("/fhir/metadata", headers={"Origin": "http://127.0.0.1:10"})
    assert "Access-Control-Allow-Origin" not in other.headers
    page = client.get("/", headers={"Origin": OTHER})
    assert "Access-Control-Allow-Origin" not in page.headers  # the pages and their cookie: never
    error = client.get("/fhir/nothing", headers={"Origin": OTHER})
    assert error.status_code == 404 and error.headers["Access-Control-Allow-Origin"] == OTHER


def test_a_bad_origin_stops_the_start():
    with pytest.raises(ValueError, match="not an origin"):
        create_app(config={"CORS_ORIGINS": ["http://x.example/path"]})
    result = run_cli("serve", "--cors-origin", "example.com", "--port", "1")
    assert result.exit_code == 2 and "--cors-origin" in result.output


@contextlib.contextmanager
def second_origin():
    """A blank page on another port of 127.0.0.1: another origin."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<!doctype html><title>clinic</title><p>A clinic's page</p>")

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


CLIENT_JS = """async (base) => {
  try {
    const q = await (await fetch(base + "/fhir/Questionnaire/knee-triage")).json();
    const reply = await fetch(base + "/fhir/Questionnaire/knee-triage/$next-question", {
      method: "POST",
      headers: {"Content-Type": "application/fhir+json"},
      body: JSON.stringify({resourceType: "QuestionnaireResponse", status: "in-progress"}),
    });
    const next = await reply.json();
    const shown = next.contained[0].item;
    return {ok: true, title: q.title, first: shown[shown.length - 1].linkId};
  } catch (error) {
    return {ok: false, error: String(error)};
  }
}"""


def test_a_page_on_another_origin_calls_fhir_only_when_allowed():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if __import__("browser").chromium_path() is None:
        pytest.skip("chromium missing: run scripts/install-test-deps.sh")
    with second_origin() as clinic, playwright_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page()
            page.goto(clinic + "/")
            with running_server(extra=("--cors-origin", clinic)) as allowed:
                result = page.evaluate(CLIENT_JS, allowed)
                assert result["ok"], result
                assert result["first"] == KB.questions[0].id and result["title"]
            with running_server() as closed:
                result = page.evaluate(CLIENT_JS, closed)
                assert not result["ok"] and "Failed to fetch" in result["error"]
        finally:
            browser.close()
