"""Chunked request bodies (no Content-Length) read whole, up to a cap, before Flask sees them.

Werkzeug stops reading a chunked body at the size limit and hands the app the first 64 KB,
so a large body was cut off and read as "invalid JSON". Here the body is read up to the
largest limit any route allows, plus one byte, and given to Flask with its Content-Length:
a body over a route's limit then gets that route's 413, as one sent with a length does.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def buffer_chunked(app: WSGIApp, largest: int) -> WSGIApp:
    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
            stream = environ["wsgi.input"]
            body = bytearray()
            while len(body) <= largest:
                piece = stream.read(min(64 * 1024, largest + 1 - len(body)))
                if not piece:
                    break
                body += piece
            environ["CONTENT_LENGTH"] = str(len(body))  # over `largest`: every route says 413
            environ["wsgi.input"] = io.BytesIO(b"" if len(body) > largest else bytes(body))
            del environ["wsgi.input_terminated"], environ["HTTP_TRANSFER_ENCODING"]  # Werkzeug: a length now
        return app(environ, start_response)

    return wrapped
