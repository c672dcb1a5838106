"""The Python bridge of the helloworld integration.

XSOAR runs only Python integrations, so integration.yml carries this script. It starts the Rust
binary (`helloworld xsoar`) in the same container and serves its calls with the real `demisto`
functions, over the JSON-lines host protocol described in docs/host-protocol.md: the binary says
`hello`, the bridge answers `start` (command, args, params, calling context), then each
`demisto.*` call is one line from the binary; lines with a `seq` get exactly one reply line.
`done` ends the run.

The bridge is generic: it knows the protocol, not the commands. Whatever goes wrong on the
binary's side (it cannot start, exits early, prints a line that is not JSON, never finishes), the
run ends with one clear error naming the exit status and the last lines of the binary's stderr,
secrets masked: an error entry for normal commands, a raised exception for the commands the
server runs itself (as CommonServerPython's return_error does).

`long-running-execution` is the exception: it must never end on a failure. The binary sends a
`heartbeat` at least every 10 s; a binary that falls silent for HEARTBEAT_TIMEOUT_SECONDS is
hung, and is killed. A binary that fails or hangs is reported in module health and started
again after a growing wait. XSOAR's own heartbeat to the server is sent by the `demisto` object
that runs this script; nothing here replaces it.
"""

import collections
import json
import os
import queue
import subprocess
import threading
import time

try:
    demisto  # noqa: B018 -- XSOAR injects `demisto` as a global
except NameError:
    import demistomock as demisto  # outside XSOAR: tests and local runs

PROTOCOL = 1
DEFAULT_BINARY = "/usr/local/bin/helloworld"
LONG_RUNNING = "long-running-execution"
SERVER_COMMANDS = frozenset(
    ["fetch-incidents", LONG_RUNNING, "fetch-credentials", "fetch-indicators"]
)
# The binary says hello at once; only a broken image makes it wait. Overridable for tests.
HELLO_TIMEOUT_SECONDS = float(os.environ.get("HELLOWORLD_BRIDGE_HELLO_TIMEOUT", "60"))
# A long-running binary silent for this long is hung. Overridable for tests.
HEARTBEAT_TIMEOUT_SECONDS = float(os.environ.get("HELLOWORLD_BRIDGE_HEARTBEAT_TIMEOUT", "60"))
# The first wait before starting a failed long-running binary again; it doubles up to the max.
RESTART_BACKOFF_SECONDS = float(os.environ.get("HELLOWORLD_BRIDGE_RESTART_BACKOFF", "1"))
MAX_RESTART_BACKOFF_SECONDS = 60
EXIT_GRACE_SECONDS = 5
STDERR_TAIL_LINES = 20
SECRET_PARAM_WORDS = ("key", "password", "secret", "token", "credentials")
MASK = "<XX_REPLACED>"


class BridgeError(Exception):
    """A failure of the binary or of the protocol, worded for the user. `kill`: stop it at once."""

    def __init__(self, reason, kill=False):
        super().__init__(reason)
        self.kill = kill


class VersionConflict(Exception):
    """setIntegrationContextVersioned refused a stale version."""


class Binary:
    """The running binary: its stdin, a queue of its stdout lines and the tail of its stderr."""

    def __init__(self, path):
        try:
            self.process = subprocess.Popen(
                [path, "xsoar"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, bufsize=1, encoding="utf-8", errors="replace",
            )
        except OSError as error:
            raise BridgeError(
                f"Cannot start the helloworld binary at {path}: {error}. Set HELLOWORLD_BINARY, "
                f"or run the integration in its Docker image, which has it at {DEFAULT_BINARY}"
            )
        self.last_heard = time.monotonic()
        self.lines = queue.Queue()
        self.stderr_tail = collections.deque(maxlen=STDERR_TAIL_LINES)
        # Both pipes are drained on threads, so a chatty binary never blocks on a full pipe.
        self.stderr_reader = start_thread(self._read_stderr)
        start_thread(self._read_stdout)

    def _read_stdout(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _read_stderr(self):
        for line in self.process.stderr:
            self.stderr_tail.append(line.rstrip("\n"))

    def receive(self, deadline, awaited):
        """The next message; BridgeError on end of output, a line that is not JSON, or timeout."""
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            waited = time.monotonic() - self.last_heard
            raise BridgeError(f"did not send {awaited} within {waited:.0f} s", kill=True)
        self.last_heard = time.monotonic()
        if line is None:
            raise BridgeError(f"closed its output before sending {awaited}")
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            raise BridgeError(f"printed a line that is not a JSON object: {line.strip()[:500]!r}")
        return message

    def send(self, message):
        """Writes one line. A dead binary is noticed by the next receive, with its exit status."""
        try:
            self.process.stdin.write(json.dumps(message, default=str) + "\n")
            self.process.stdin.flush()
        except (OSError, ValueError):
            pass

    def stop(self, kill=False):
        """Ends the process (closing stdin first, killing it if it lingers); says how it ended."""
        killed = False
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=0 if kill else EXIT_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            killed = True
        self.stderr_reader.join(timeout=2)
        code = self.process.returncode
        if killed:
            return "The bridge stopped it"
        if code < 0:
            return f"It was killed by signal {-code}"
        return f"It ended with exit status {code}"

    def stderr_text(self):
        """The last lines of stderr, as one block."""
        return "\n".join(self.stderr_tail)


def start_thread(target):
    """Runs `target` on a daemon thread, so a stuck pipe never keeps the bridge alive."""
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def secrets(params):
    """The values of params whose names look secret, and a credentials dict's password."""
    found = []
    for name, value in (params or {}).items():
        if isinstance(value, dict):
            found.append(value.get("password"))
        if any(word in name.lower() for word in SECRET_PARAM_WORDS):
            found.append(value)
    return sorted({v for v in found if isinstance(v, str) and v}, key=len, reverse=True)


def mask(text, params):
    """`text` with every secret param value replaced, as CommonServerPython's LOG does."""
    for secret in secrets(params):
        text = text.replace(secret, MASK)
    return text


def answer(message):
    """The one reply line to a request that carries `seq`."""
    seq = message["seq"]
    handler = REQUESTS.get(message.get("type"))
    if handler is None:
        return {"seq": seq, "error": f"unknown request type {message.get('type')!r} "
                                     f"(this bridge speaks host protocol {PROTOCOL})"}
    try:
        return {"seq": seq, "result": handler(message)}
    except VersionConflict as error:
        return {"seq": seq, "error": str(error), "kind": "version_conflict"}
    except Exception as error:  # noqa: BLE001 -- XSOAR's text goes back to the binary
        return {"seq": seq, "error": str(error) or type(error).__name__}


def get_integration_context(_message):
    """The versioned integration context; version -1 (no check) on servers without versions."""
    if hasattr(demisto, "getIntegrationContextVersioned"):
        return demisto.getIntegrationContextVersioned(True)
    return {"context": demisto.getIntegrationContext(), "version": -1}


def set_integration_context(message):
    """Stores the context if nothing was written since `version` (a ValueError says otherwise)."""
    if not hasattr(demisto, "setIntegrationContextVersioned"):
        return demisto.setIntegrationContext(message.get("context"))
    try:
        demisto.setIntegrationContextVersioned(message.get("context"), message.get("version"), True)
    except ValueError as error:
        raise VersionConflict(str(error) or "version conflict")
    return None


REQUESTS = {
    "getLastRun": lambda m: demisto.getLastRun(),
    "setLastRun": lambda m: demisto.setLastRun(m.get("value")),
    "getIntegrationContext": get_integration_context,
    "setIntegrationContext": set_integration_context,
    "createIncidents": lambda m: demisto.createIncidents(
        m.get("incidents"), lastRun=m.get("last_run")
    ),
    "addEntry": lambda m: demisto.addEntry(m.get("investigation_id"), m.get("entry")),
}


def notify(message):
    """Carries out a message that gets no reply."""
    kind = message.get("type")
    if kind == "results":
        if message.get("entries"):  # an empty list has nothing to show
            demisto.results(message.get("entries"))
    elif kind == "incidents":
        demisto.incidents(message.get("incidents"))
    elif kind == "log":
        level = message.get("level")
        log = {"debug": demisto.debug, "error": demisto.error}.get(level, demisto.info)
        log(message.get("message"))
    elif kind == "updateModuleHealth":
        demisto.updateModuleHealth(message.get("message"), message.get("is_error", False))
    elif kind == "heartbeat":
        pass  # its arrival is the point: receive() waits for it with a deadline
    else:
        demisto.info(f"Warning: the helloworld bridge ignored a message of unknown type {kind!r}")


def run_deadline(command, context):
    """When to give up on `done`: just before XSOAR's own timeout, so the cause is not lost.

    Long-running runs never end; they are bounded per message instead (see message_deadline).
    Without a TimeoutDuration, XSOAR's timeout and the binary's own HTTP timeouts bound the run."""
    timeout_ns = context.get("TimeoutDuration")
    if command == LONG_RUNNING or not isinstance(timeout_ns, (int, float)):
        return None
    return time.monotonic() + 0.9 * timeout_ns / 1e9 if timeout_ns > 0 else None


def message_deadline(command, run_end):
    """When the next message must have arrived: a long-running binary must keep talking."""
    if command == LONG_RUNNING:
        return time.monotonic() + HEARTBEAT_TIMEOUT_SECONDS
    return run_end


def check_hello(hello):
    """Refuses anything but a `hello` of our protocol version."""
    if hello.get("type") != "hello":
        raise BridgeError(f"sent {json.dumps(hello)[:500]} instead of `hello`")
    if hello.get("protocol") != PROTOCOL:
        raise BridgeError(
            f"version mismatch: the binary ({hello.get('binary', 'helloworld')}) speaks host "
            f"protocol {hello.get('protocol')}, this bridge speaks host protocol {PROTOCOL}. Use "
            "the integration.yml (bridge) and the Docker image (binary) of the same release"
        )


def run_binary(command, binary):
    """Runs one command through the binary and returns its `done` message."""
    context = (getattr(demisto, "callingContext", None) or {}).get("context") or {}
    hello = binary.receive(time.monotonic() + HELLO_TIMEOUT_SECONDS, "`hello`")
    check_hello(hello)
    binary.send({"type": "start", "protocol": PROTOCOL, "command": command,
                 "args": demisto.args(), "params": demisto.params(), "context": context})
    deadline = run_deadline(command, context)
    awaited = "`done` or a heartbeat" if command == LONG_RUNNING else "`done`"
    while True:
        message = binary.receive(message_deadline(command, deadline), awaited)
        if message.get("type") == "done":
            if message.get("status") not in ("ok", "error", "exception"):
                raise BridgeError(f"sent `done` with an unknown status {message.get('status')!r}")
            return message
        if "seq" in message:
            binary.send(answer(message))
        else:
            notify(message)


def report_failure(command, text):
    """Ends the run with `text`: an error entry, or an exception for server-run commands."""
    if command in SERVER_COMMANDS:
        raise Exception(text) from None  # the unmasked cause must not reach XSOAR's traceback
    demisto.results({"Type": 4, "ContentsFormat": "text", "Contents": text, "EntryContext": None})


def run(command):
    """Runs `command` through a new binary process; returns its `done` and its stderr."""
    binary = Binary(os.environ.get("HELLOWORLD_BINARY") or DEFAULT_BINARY)
    try:
        done = run_binary(command, binary)
    except BridgeError as error:
        ending = binary.stop(error.kill)
        stderr = binary.stderr_text()
        tail = f"\nLast lines of its stderr:\n{stderr}" if stderr else " Its stderr was empty."
        raise BridgeError(f"The helloworld binary failed: {error}. {ending}.{tail}") from None
    except BaseException:
        binary.stop(kill=True)
        raise
    binary.stop()
    return done, binary.stderr_text()


def supervise_long_running(params):
    """Runs the long-running binary again and again: a crash or a hang is logged, reported in
    module health and followed by a new binary after a growing wait. It returns only when the
    binary ends the job itself (`done`), which it does when asked to stop."""
    backoff = RESTART_BACKOFF_SECONDS
    while True:
        started = time.monotonic()
        try:
            return run(LONG_RUNNING)
        except BridgeError as error:
            if time.monotonic() - started > MAX_RESTART_BACKOFF_SECONDS:
                backoff = RESTART_BACKOFF_SECONDS  # it ran well for a while: start over gently
            text = mask(f"{error} Starting it again in {backoff:g} s.", params)
            demisto.error(text)
            demisto.updateModuleHealth(text, True)
        time.sleep(backoff)
        backoff = min(backoff * 2, MAX_RESTART_BACKOFF_SECONDS)


def main():
    """Runs the current command through the binary and reports how it ended."""
    command = demisto.command()
    params = demisto.params()
    try:
        if command == LONG_RUNNING:
            done, stderr = supervise_long_running(params)
        else:
            done, stderr = run(command)
    except BridgeError as error:
        report_failure(command, mask(str(error), params))
        return
    if stderr:
        demisto.debug(mask(f"helloworld stderr:\n{stderr}", params))
    if done["status"] == "exception":
        raise Exception(done.get("message") or "the helloworld binary failed without a message")


if __name__ in ("__main__", "__builtin__", "builtins"):
    main()
