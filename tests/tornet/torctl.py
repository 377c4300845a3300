"""A minimal Tor control-port client (control-spec: a line protocol over TCP).

Used by the network bring-up to read bootstrap status and wait for onion
service descriptor uploads. Synchronous replies and asynchronous "650"
events share one socket; events that arrive while a command waits for its
reply are queued for events().

Raises ControlError on a refused command, OSError on connection problems.
Not thread-safe; one client per thread.
"""

import binascii
import socket
import time


class ControlError(Exception):
    pass


class ControlClient:
    def __init__(self, host: str, port: int, cookie_path: str, timeout: float = 10.0):
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._buf = b""
        self._events: list[str] = []
        with open(cookie_path, "rb") as f:
            cookie = binascii.hexlify(f.read()).decode()
        self.command(f"AUTHENTICATE {cookie}")

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _read_line(self, deadline: float) -> str:
        while b"\r\n" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no reply from the control port")
            self._sock.settimeout(remaining)
            chunk = self._sock.recv(65536)
            if not chunk:
                raise ConnectionError("control port closed the connection")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def _read_reply(self, deadline: float) -> list[str]:
        """One complete reply (all its lines, data blocks folded in)."""
        lines = []
        while True:
            line = self._read_line(deadline)
            if len(line) >= 4 and line[3] == "+":  # data block until "."
                data = [line]
                while True:
                    d = self._read_line(deadline)
                    if d == ".":
                        break
                    data.append(d)
                lines.append("\n".join(data))
                continue
            lines.append(line)
            if len(line) >= 4 and line[3] == " ":
                return lines

    def command(self, cmd: str, timeout: float = 10.0) -> list[str]:
        """Sends `cmd`; returns the reply lines. Events met on the way are queued."""
        self._sock.sendall(cmd.encode() + b"\r\n")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_reply(deadline)
            if reply[0].startswith("650"):
                self._events.extend(reply)
                continue
            if not reply[-1].startswith("250"):
                raise ControlError(f"{cmd.split()[0]}: {' | '.join(reply)}")
            return reply

    def getinfo(self, key: str) -> str:
        for line in self.command(f"GETINFO {key}"):
            prefix = line[4:]
            if prefix.startswith(key + "="):
                return prefix[len(key) + 1:]
        raise ControlError(f"GETINFO {key}: no value")

    def event(self, timeout: float) -> str | None:
        """The next asynchronous event line ("650 ..."), or None on timeout."""
        if self._events:
            return self._events.pop(0)
        deadline = time.monotonic() + timeout
        try:
            reply = self._read_reply(deadline)
        except TimeoutError:
            return None
        self._events.extend(reply[1:])
        return reply[0]


def bootstrap_progress(status: str) -> int:
    """PROGRESS=N from a status/bootstrap-phase value; -1 if absent."""
    for word in status.split():
        if word.startswith("PROGRESS="):
            return int(word[len("PROGRESS="):])
    return -1
