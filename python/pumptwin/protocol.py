"""A client of the live wire protocol (docs/protocol.md): newline-delimited JSON over TCP.

One reader thread takes every message the server sends as it comes (so that the server's
per-client queue never fills and drops samples) and files it: samples, events, the latest
snapshot and status, the answers to requests by id, and the end of the run.
"""

import json
import socket
import threading
import time

from .errors import IncompatibleServer, TwinError, TwinExited

PROTOCOL = "pumptwin-live"
PROTOCOL_VERSION = 1
# The revision this package is written against: it reads the hello's signal catalogue with
# `motor_phase_current_ma` and the history a client gets when it joins (revision 2) and sends
# `acknowledge_alarms`, the scenario's word (revision 3), reads each signal's `view` (revision 4)
# and programs flexible schedules and periodic boluses, every action a scenario's (revision 5).
# Later revisions only add messages and fields, which it ignores.
PROTOCOL_REVISION = 5


class Connection:
    """One client connection: hello, requests answered by `ack`/`error`, streamed messages."""

    def __init__(self, host, port, client_name, timeout_s):
        self.timeout_s = timeout_s
        self._socket = socket.create_connection((host, port), timeout=timeout_s)
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = self._socket.makefile("rb")
        self._changed = threading.Condition()
        self._answers = {}
        self._next_id = 1
        self.samples = []        # (t, values) of every full sample, in order
        self.events = []         # event messages, in order
        self.snapshot = None     # the latest snapshot message
        self.status = None       # the latest status message
        self.statuses = 0        # statuses received so far
        self.end = None          # the `end` message once the run has ended
        self.closed_reason = None
        self.fatal = None        # an `error` without an id: the server closed this connection

        self.history_end = None  # the end of what the run logged before this client joined

        try:
            self.hello = self._read_message()
            self._check_hello(self.hello)
            self._socket.settimeout(None)
            self._thread = threading.Thread(target=self._read_all, name="pumptwin-reader",
                                            daemon=True)
            self._thread.start()
            # With the history: the events a twin logs before any client can join.
            self.request({"type": "hello", "version": PROTOCOL_VERSION, "client": client_name,
                          "history": True})
            self.wait_for(lambda: self.history_end is not None, "the run's history")
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _check_hello(hello):
        if hello.get("type") != "hello" or hello.get("protocol") != PROTOCOL:
            raise IncompatibleServer(f"the server is not a {PROTOCOL} server: it said "
                                     f"{json.dumps(hello)[:200]}")
        version = hello.get("version")
        revision = hello.get("revision", 0)
        if version != PROTOCOL_VERSION or not isinstance(revision, int) or \
                revision < PROTOCOL_REVISION:
            raise IncompatibleServer(
                f"the server speaks {PROTOCOL} version {version} revision {revision}; this "
                f"pumptwin needs version {PROTOCOL_VERSION}, revision {PROTOCOL_REVISION} or "
                f"later (use the pumptwin package of the same checkout as pumpbench)")

    def _read_message(self):
        line = self._reader.readline()
        if not line:
            raise TwinExited("the twin closed the connection")
        return json.loads(line)

    def _send(self, message):
        self._socket.sendall((json.dumps(message) + "\n").encode())

    def _read_all(self):
        reason = "the twin closed the connection"
        try:
            for line in self._reader:
                self._file(json.loads(line))
        except (OSError, ValueError) as error:
            reason = f"the connection to the twin failed: {error}"
        with self._changed:
            self.closed_reason = reason
            self._changed.notify_all()

    def _file(self, message):
        kind = message.get("type")
        with self._changed:
            if kind == "sample":
                if message.get("full"):
                    self.samples.append((message["t"], message["v"]))
                return  # no waiter waits on samples
            if kind == "event":
                self.events.append(message)
            elif kind == "snapshot":
                self.snapshot = message
            elif kind == "status":
                self.status = message
                self.statuses += 1
            elif kind == "end":
                self.end = message
            elif kind == "history_end":
                self.history_end = message
            elif kind in ("ack", "error"):
                if message.get("id") is not None:
                    # Messages come in the order the server sent them: a status counted after
                    # this one was published after the command was handled.
                    message["statuses_before"] = self.statuses
                    self._answers[message["id"]] = message
                elif kind == "error":
                    self.fatal = message
            self._changed.notify_all()

    def wait_for(self, condition, what, timeout_s=None):
        """Waits until condition() holds (called under the lock); raises if the connection
        ends first or the time runs out."""
        deadline = time.monotonic() + (timeout_s if timeout_s is not None else self.timeout_s)
        with self._changed:
            while not condition():
                if self.fatal is not None:
                    raise TwinError(self.fatal.get("message", "error"), self.fatal.get("code"))
                if self.closed_reason is not None:
                    raise TwinExited(f"{self.closed_reason} while waiting for {what}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TwinError(f"no answer from the twin within "
                                    f"{timeout_s or self.timeout_s:g} s while waiting for {what}")
                self._changed.wait(min(left, 0.5))

    def request(self, message, timeout_s=None):
        """Sends a client message with a fresh id and returns its `ack`; an `error` or an ack
        with ok false raises TwinError with the twin's message."""
        with self._changed:
            request_id = self._next_id
            self._next_id += 1
        self._send(dict(message, id=request_id))
        self.wait_for(lambda: request_id in self._answers, f"the answer to {message['type']}",
                      timeout_s)
        with self._changed:
            answer = self._answers.pop(request_id)
        if answer["type"] == "error":
            raise TwinError(answer.get("message", "error"), answer.get("code"))
        if not answer.get("ok", False):
            raise TwinError(answer.get("message", "refused"))
        return answer

    def locked(self):
        return self._changed

    def close(self):
        try:
            self._socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._socket.close()
