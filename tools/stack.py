"""The production stack on one machine: Varnish in front of two gunicorn nodes and the
task worker, sharing PostgreSQL and Redis. `make stack` (`python -m tools.stack`) runs it
in the foreground; tests and `make bench` use the same `Stack` as a context manager:

    with Stack(port=8080, database_url=..., redis_url=...) as stack:
        stack.url, stack.node_urls, stack.stop_node(0), stack.start_node(0), stack.manage(code)

Each node is its own process group on its own port, as if on its own machine; Varnish runs
with a working directory of its own (never the system instance) and the repository's VCL,
with a backends.vcl written for these nodes. Only loopback addresses are used.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
from psycopg import sql

from tools import loopback

ROOT = loopback.ROOT
VARNISHD = "/usr/sbin/varnishd"
VARNISHADM = "/usr/bin/varnishadm"
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
# The task worker each deployment runs as its own service (django-tasks-db's worker). It
# looks for new tasks every 0.1 s instead of every 1 s, so that a purge reaches Varnish
# well within the second an approval may take to show at the edge.
WORKER_COMMAND = ("db_worker", "--queue-name", "*", "--interval", "0.1")
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
STACK_REDIS_URL = "redis://127.0.0.1:6379/7"  # a database number of its own

# Probes as in a deployment: a node is sick after three failed probes out of five, a
# second apart, each allowed 2 s (a busy node is slow, not dead), and healthy again after
# three good ones.
BACKENDS_VCL = """\
# Written by tools/stack.py for this run: the app nodes behind the director `app`.
probe healthz {{
    .url = "/healthz";
    .interval = 1s;
    .window = 5;
    .threshold = 3;
    .timeout = 2s;
}}
{backends}
sub vcl_init {{
    new app = directors.round_robin();
{members}
}}
"""


def postgres_database(name: str, *, server: str = POSTGRES_SERVER, fresh: bool = False) -> str:
    """The URL of database `name` on `server`, created if missing (dropped first if fresh)."""
    with psycopg.connect(server, autocommit=True) as connection:
        if fresh:
            drop_postgres_database(name, server=server)
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not found.fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(name: str, *, server: str = POSTGRES_SERVER) -> None:
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def wait_for(url: str, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer 200 within {timeout} s")
        time.sleep(0.2)


def kill_group(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Signal a process group (a node and its workers), then wait; SIGKILL if it lingers."""
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Stack:
    def __init__(
        self,
        *,
        port: int = 8080,
        node_ports: tuple[int, ...] | None = None,
        database_url: str,
        redis_url: str = STACK_REDIS_URL,
        env_overrides: dict[str, str] | None = None,
        workers_per_node: int = 2,
    ):
        self.port = port
        self.node_ports = node_ports or (port + 1, port + 2)
        self.workers_per_node = workers_per_node
        self.url = f"http://127.0.0.1:{port}"
        self.node_urls = [f"http://127.0.0.1:{p}" for p in self.node_ports]
        overrides = {
            "REDIS_URL": redis_url,
            "HTTP_CACHE_PURGE_URLS": f"{self.url}/",
            # Mail goes to the worker's log: nothing leaves the machine.
            "DJANGO_MAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            **(env_overrides or {}),
        }
        self.env = loopback.production_env("stack", database_url=database_url, **overrides)
        self.nodes: list[subprocess.Popen | None] = [None] * len(self.node_ports)
        self.worker: subprocess.Popen | None = None
        self.varnish: subprocess.Popen | None = None
        self.run_dir = Path(tempfile.mkdtemp(prefix="meridian-stack-"))
        # varnishd's child runs as an unprivileged user and must reach backends.vcl.
        self.run_dir.chmod(0o755)

    # Lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> "Stack":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        if not Path(VARNISHD).exists():
            raise RuntimeError(f"{VARNISHD} is missing: apt-get install -y varnish varnish-modules")
        loopback.prepare_site(self.env)
        for index in range(len(self.nodes)):
            self.start_node(index)
        self.start_worker()
        self.start_varnish()

    def stop(self) -> None:
        for process in [self.varnish, self.worker, *self.nodes]:
            if process and process.poll() is None:
                kill_group(process)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def start_node(self, index: int) -> None:
        self.nodes[index] = loopback.start_gunicorn(
            self.env,
            port=self.node_ports[index],
            workers=self.workers_per_node,
            log=self.run_dir / f"node{index + 1}.log",
        )

    def stop_node(self, index: int, sig: int = signal.SIGTERM) -> None:
        """Stop node `index` (SIGKILL: as if its machine died), waiting until it is gone."""
        node = self.nodes[index]
        if node:
            kill_group(node, sig)
        self.nodes[index] = None

    def start_worker(self) -> None:
        log = (self.run_dir / "worker.log").open("w")
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", *WORKER_COMMAND],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_varnish(self) -> None:
        backends = "".join(
            f'backend node{i} {{ .host = "127.0.0.1"; .port = "{port}"; .probe = healthz; }}\n'
            for i, port in enumerate(self.node_ports, 1)
        )
        members = "".join(f"    app.add_backend(node{i});\n" for i in range(1, len(self.nodes) + 1))
        (self.run_dir / "backends.vcl").write_text(
            BACKENDS_VCL.format(backends=backends, members=members.rstrip("\n"))
        )
        log = (self.run_dir / "varnish.log").open("w")
        self.varnish = subprocess.Popen(
            [
                VARNISHD,
                "-F",  # in the foreground, so that it is our child and stops with us
                "-n", str(self.run_dir / "varnish"),
                "-a", f"127.0.0.1:{self.port}",
                "-T", "127.0.0.1:0",
                "-f", str(VCL),
                "-p", f"vcl_path={self.run_dir}:/usr/share/varnish/vcl",
                "-s", "malloc,256m",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_for(f"{self.url}/healthz")  # a pass: answered once a probe finds a node
        except RuntimeError:
            log.flush()
            raise RuntimeError(
                f"Varnish did not answer:\n{(self.run_dir / 'varnish.log').read_text()}"
            ) from None

    # Working with it --------------------------------------------------------------------

    def processes(self) -> dict[str, subprocess.Popen]:
        named = {f"node {i + 1}": node for i, node in enumerate(self.nodes) if node}
        named.update({"worker": self.worker, "varnish": self.varnish})
        return {name: process for name, process in named.items() if process}

    def manage(self, code: str, timeout: int = 120) -> str:
        """Run Python in the app's environment (`manage.py shell -c`); return its output."""
        return loopback.manage(self.env, "shell", "-c", code, timeout=timeout)

    def backends_healthy(self) -> list[bool]:
        """What Varnish's probes think of each node, in order."""
        listing = subprocess.run(
            [VARNISHADM, "-n", str(self.run_dir / "varnish"), "backend.list"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        health = dict(re.findall(r"^\S*\.(node\d+)\s+\S+\s+\S+\s+(\w+)", listing, re.M))
        return [health.get(f"node{i}") == "healthy" for i in range(1, len(self.nodes) + 1)]

    def node_worker_pids(self, index: int) -> list[int]:
        node = self.nodes[index]
        return loopback.worker_pids(node) if node else []

    def supervise(self) -> str:
        """Block until a process ends or we are told to stop; say which or why."""
        stopping: list[str] = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda number, _frame: stopping.append(signal.Signals(number).name))
        while not stopping:
            for name, process in self.processes().items():
                if process.poll() is not None:
                    log = self.run_dir / f"{name.replace(' ', '')}.log"
                    tail = "".join(log.read_text().splitlines(keepends=True)[-20:])
                    return f"{name} exited with {process.returncode}:\n{tail}"
            time.sleep(0.5)
        return f"{stopping[0]} received"


def main() -> None:
    port = int(os.environ.get("STACK_PORT", "8080"))
    database_url = os.environ.get("DATABASE_URL") or postgres_database("meridian_stack")
    redis_url = os.environ.get("REDIS_URL") or STACK_REDIS_URL
    print(f"Starting the stack: database {database_url}, cache {redis_url}")
    with Stack(port=port, database_url=database_url, redis_url=redis_url) as stack:
        print(f"Varnish:   {stack.url}/")
        for index, url in enumerate(stack.node_urls, 1):
            print(f"node {index}:    {url}/ (Varnish bypassed)")
        print(f"worker:    {'running' if stack.worker else 'none'}; logs in {stack.run_dir}/")
        print("Ctrl-C stops everything.")
        reason = stack.supervise()
        print(f"\nStopping: {reason}")
    sys.exit(0 if reason.endswith("received") else 1)


if __name__ == "__main__":
    main()
