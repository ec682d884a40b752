"""The gunicorn worker `triage serve` runs: gunicorn's sync worker (one request per process at
a time, so each experta engine is only ever used by one thread) with three changes.

- **A read deadline.** A client has READ_TIMEOUT seconds in all to send its request, however
  slowly it trickles in; then it gets 408 (an idle connection, such as a browser's
  preconnect, is closed without a word) and the worker is free. One slow client can hold a
  worker for at most that long, not forever. (Many slow clients can still keep every worker
  busy: put a buffering proxy in front, docs/deploy.md.)
- **Errors the server answers itself** (400, 408, 414, 431: before Flask sees the request)
  carry the same security headers as every other response, and a JSON problem list.
- **Stopping drains.** Ctrl-C (SIGINT) stops gracefully like SIGTERM: the request in hand is
  finished, and the connections already waiting in the listen queue are served, not reset.
  A second Ctrl-C (gunicorn's quick shutdown) stops at once.
"""

from __future__ import annotations

import contextlib
import errno
import json
import signal
import socket
import time
from typing import Any

from gunicorn import http, util
from gunicorn.workers.sync import SyncWorker

from .headers import SECURITY_HEADERS

READ_TIMEOUT = 10.0  # seconds for a whole request (64 KB takes about 10 s at 50 kbit/s)

# What a person reads for each status gunicorn answers itself; never an echo of the request.
MESSAGES = {
    400: "the request could not be read",
    408: "the request was not sent in time",
    413: "the request body is too large",
    414: "the request line is too long",
    431: "there are too many request headers, or one is too long",
    500: "something went wrong on our side",
    501: "this transfer coding is not supported",
}


def error_bytes(status: int, reason: str) -> bytes:
    """A whole HTTP response: the security headers and a JSON problem list, as the API sends."""
    problem = MESSAGES.get(status, MESSAGES[400] if status < 500 else MESSAGES[500])
    body = json.dumps({"error": reason, "problems": [problem]}).encode("ascii")
    lines = [f"HTTP/1.1 {status} {reason}", "Connection: close", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in SECURITY_HEADERS]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def write_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """Replaces gunicorn.util.write_error in our workers (same signature; ``mesg`` unused:
    gunicorn's messages quote the request)."""
    util.write_nonblock(sock, error_bytes(status_int, reason))


class SlowClient(OSError):
    """The request was not read within READ_TIMEOUT."""


class _Deadline:
    """The client socket as the request parser sees it: every read waits only until the deadline."""

    def __init__(self, sock: socket.socket, seconds: float):
        self._sock = sock
        self._end = time.monotonic() + seconds
        self.received = 0  # bytes read: none means an idle connection (a browser's preconnect)

    def recv(self, size: int, *flags: int) -> bytes:
        left = self._end - time.monotonic()
        if left <= 0:
            raise SlowClient(errno.ETIMEDOUT, "request not read in time")
        self._sock.settimeout(left)
        try:
            data = self._sock.recv(size, *flags)
            self.received += len(data)
            return data
        except TimeoutError:
            raise SlowClient(errno.ETIMEDOUT, "request not read in time") from None
        finally:
            self._sock.settimeout(None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class TriageWorker(SyncWorker):
    read_timeout = READ_TIMEOUT  # `triage serve --read-timeout` sets it before the workers start

    def init_process(self) -> None:
        util.write_error = write_error  # type: ignore[assignment]  # this worker process only
        super().init_process()

    def init_signals(self) -> None:
        super().init_signals()
        signal.signal(signal.SIGINT, self.handle_exit)  # Ctrl-C reaches every process: drain, as SIGTERM

    def run(self) -> None:
        super().run()
        self._drain()

    def _drain(self) -> None:
        """Serve the connections already queued, then exit (the arbiter has stopped listening)."""
        for listener in self.sockets:
            while True:
                try:
                    client, addr = listener.accept()
                except OSError:
                    break  # EAGAIN: nobody waiting
                client.setblocking(True)
                util.close_on_exec(client)
                self.handle(listener, client, addr)

    def handle(self, listener: Any, client: socket.socket, addr: Any) -> None:
        """SyncWorker.handle, with the read deadline and a 408 for a client too slow."""
        req = None
        reading = _Deadline(client, self.read_timeout)
        try:
            parser = http.get_parser(self.cfg, reading, addr)
            req = next(parser)
            self.handle_request(listener, req, client, addr)
        except SlowClient:
            if reading.received:  # a request begun and not finished; an idle one is just closed
                self.log.info("Request not read within %g s: answered 408", self.read_timeout)
                with contextlib.suppress(OSError):
                    write_error(client, 408, "Request Timeout", "")
        except http.errors.NoMoreData:
            pass  # the client went away before sending a request
        except StopIteration:
            pass
        except OSError as error:
            if error.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
        except BaseException as error:  # gunicorn's own handling, as in SyncWorker
            self.handle_error(req, client, addr, error)
        finally:
            util.close_graceful(client)
