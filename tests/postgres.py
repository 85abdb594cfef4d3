"""A throwaway PostgreSQL server on a free loopback port, for the data-layer tests."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
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


def _run(*args) -> None:
    subprocess.run(_as_postgres([str(a) for a in args]), check=True, capture_output=True)


@dataclass(frozen=True)
class PostgresServer:
    """A running server that a test can also stop and start again, on the same port and data."""

    url: str
    bin_dir: Path
    root: Path
    port: int

    def start(self) -> None:
        _run(
            self.bin_dir / "pg_ctl", "-D", self.root / "data", "-l", self.root / "log", "-w", "start",
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self.root} -F",
        )  # fmt: skip

    def stop(self) -> None:
        """As an administrator would: open connections are ended, committed work is kept."""
        _run(self.bin_dir / "pg_ctl", "-D", self.root / "data", "-m", "fast", "-w", "stop")


@contextmanager
def postgres_server():
    """Yield a PostgresServer, or None when PostgreSQL is not installed."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="ddat-pg-"))
    data, port = root / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    server = PostgresServer(f"postgresql+psycopg://ddat@127.0.0.1:{port}/ddat", bin_dir, root, port)
    try:
        _run(bin_dir / "initdb", "-D", data, "-U", "ddat", "--auth=trust", "-E", "UTF8")
        server.start()
        _run(bin_dir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "ddat", "ddat")
        yield server
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def throwaway_postgres():
    """Yield a SQLAlchemy URL, or None when PostgreSQL is not installed."""
    with postgres_server() as server:
        yield server.url if server else None
