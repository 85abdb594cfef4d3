"""A throwaway PostgreSQL server on a free loopback port, for the data-layer tests."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root, so a root CI runs the server as the postgres user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def throwaway_postgres():
    """Yield a SQLAlchemy URL, or None when PostgreSQL is not installed."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="ddat-pg-"))
    data, port = root / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    run = lambda *args: subprocess.run(_as_postgres([str(a) for a in args]), check=True, capture_output=True)  # noqa: E731
    try:
        run(bin_dir / "initdb", "-D", data, "-U", "ddat", "--auth=trust", "-E", "UTF8")
        run(
            bin_dir / "pg_ctl", "-D", data, "-l", root / "log", "-w", "start",
            "-o", f"-h 127.0.0.1 -p {port} -k {root} -F",
        )  # fmt: skip
        run(bin_dir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "ddat", "ddat")
        yield f"postgresql+psycopg://ddat@127.0.0.1:{port}/ddat"
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
