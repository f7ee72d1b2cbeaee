"""Helpers shared by the browser smoke test and the bench scripts for running a KetaClinic server
on loopback: a free port, a clean environment, pid records for .ci/run, and password redaction."""

import os
import socket


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env() -> dict[str, str]:
    """The environment minus KETACLINIC_* settings, so only the script's flags configure the server."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KETACLINIC_")}


def record_pid(pid: int, present: bool) -> None:
    """Tell .ci/run which servers are running, so its exit trap can stop a leftover one."""
    directory = os.environ.get("KETACLINIC_CI_PID_DIR")
    if not directory:
        return
    path = os.path.join(directory, str(pid))
    try:
        if present:
            open(path, "w").close()
        elif os.path.exists(path):
            os.remove(path)
    except OSError:
        pass


def redact(url: str) -> str:
    """A database URL with its password masked, for printing."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return url
