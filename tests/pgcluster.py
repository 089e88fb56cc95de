"""Throw-away PostgreSQL servers for the replica and failover tests: a primary made with
initdb and a streaming standby made with pg_basebackup, on loopback ports of their own, in a
folder removed afterwards. Nothing of the machine's own PostgreSQL is touched (its pg_hba
allows no replication). Run as the postgres user when we are root (postgres refuses root)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out and (Path(out) / "pg_basebackup").exists():
            return Path(out)
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "pg_basebackup").exists() and (candidate / "initdb").exists():
            return candidate
    return None


def available() -> bool:
    if bindir() is None:
        return False
    if os.geteuid() == 0:
        return shutil.which("runuser") is not None and _has_user("postgres")
    return True


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    # From a folder the postgres user may enter whatever the caller's is (initdb and
    # pg_ctl fail with "could not identify current directory" otherwise).
    kw.setdefault("cwd", "/")
    out = subprocess.run(_as_postgres(cmd), capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload]
    if out.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {out.stderr or out.stdout}")
    return out


class Server:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.data = folder / f"data-{port}"

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        pg_ctl = str(bindir() / "pg_ctl")  # type: ignore[operator]
        _run(
            [
                pg_ctl,
                "-D",
                str(self.data),
                "-l",
                str(self.folder / f"log-{self.port}.txt"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        pg_ctl = str(bindir() / "pg_ctl")  # type: ignore[operator]
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop"]),
            capture_output=True, check=False, cwd="/",
        )  # fmt: skip

    def promote(self) -> None:
        pg_ctl = str(bindir() / "pg_ctl")  # type: ignore[operator]
        _run([pg_ctl, "-D", str(self.data), "-w", "promote"])

    def sql(self, query: str, db: str = "postgres") -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True, connect_timeout=5) as conn:
            cur = conn.execute(query)
            return cur.fetchall() if cur.description else []


class Pair:
    """A primary and its streaming standby (hot standby: it answers reads)."""

    def __init__(self, *, synchronous: bool = False) -> None:
        self.synchronous = synchronous
        self.folder = Path(tempfile.mkdtemp(prefix="dangvien-pg-", dir="/tmp"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        os.chmod(self.folder, 0o700)
        self.primary = Server(self.folder, free_port())
        self.standby = Server(self.folder, free_port())

    def __enter__(self) -> Pair:
        b = bindir()
        assert b is not None
        _run([str(b / "initdb"), "-D", str(self.primary.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8"])  # fmt: skip
        with (self.primary.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.primary.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.folder}'\nwal_level = replica\nmax_wal_senders = 5\n"
                "hot_standby = on\nfsync = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
                "wal_keep_size = 256MB\n"
            )
        with (self.primary.data / "pg_hba.conf").open("a") as hba:
            hba.write("\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n")
        self.primary.start()
        _run([str(b / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
              "-D", str(self.standby.data), "-R", "-X", "stream", "-c", "fast"])  # fmt: skip
        with (self.standby.data / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.standby.port}\n")
        self.standby.start()
        if self.synchronous:
            # Every commit waits until the standby has it: a write acknowledged to a user
            # survives the primary's loss (what pg_auto_failover sets up for two nodes).
            self.primary.sql("ALTER SYSTEM SET synchronous_standby_names = '*'")
            self.primary.sql("SELECT pg_reload_conf()")
            deadline = time.time() + 30
            while time.time() < deadline:
                state = self.primary.sql("SELECT sync_state FROM pg_stat_replication")
                if state and state[0][0] == "sync":
                    break
                time.sleep(0.1)
            else:
                raise TimeoutError("the standby did not become synchronous")
        return self

    def __exit__(self, *exc: object) -> None:
        self.standby.stop("immediate")
        self.primary.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def caught_up(self, timeout: float = 30) -> None:
        """Wait until the standby has replayed everything the primary wrote so far."""
        target = self.primary.sql("SELECT pg_current_wal_lsn()::text")[0][0]
        deadline = time.time() + timeout
        while time.time() < deadline:
            done = self.standby.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]
            if done:
                return
            time.sleep(0.1)
        raise TimeoutError("the standby did not catch up")
