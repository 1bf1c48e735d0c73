"""Scheduled operation on a real Prefect server.

The slow tests start ``prefect server start`` on 127.0.0.1 (a free port, a temporary
PREFECT_HOME and database), deploy the project's ``prefect.yaml`` with
``prefect deploy --all``, start ``prefect worker start --pool newsmon-local`` in another
folder, and drive monitor runs against the fake news site through the API: the rows
they write, the summary artifact, feed failures as warnings, what the concurrency limit
does when two runs would overlap, the urgent-digest trigger, a run whose database cannot
be opened, and ``newsmon serve`` started and stopped with Ctrl-C. Every process is
started in its own session and stopped by process group; failures print its log.

The quick tests check prefect.yaml itself and what ``newsmon serve`` says without a
server.
"""

from __future__ import annotations

import ast
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect")
NEWSMON = str(BIN / "newsmon")

# Generous: this 2-core machine is shared, and a Prefect server or a flow-run process
# can take tens of seconds to start when it is busy.
SERVER_START_S = 240
COMMAND_S = 300
RUN_S = 300

TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}

# Flows that are not scheduled, and why.
NOT_DEPLOYED = {"process-on-dask": "the Dask scale-out path, run on demand (docs/operations.md)"}


# ----------------------------------------------------------------------------- processes


@dataclass
class Proc:
    """A subprocess in its own session, its output in a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def log(self, tail: int = 12000) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return text[-tail:]

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, grace: float = 60.0) -> int:
        """Signal the whole process group, wait, then SIGKILL whatever is left."""
        pgid = self.popen.pid  # start_new_session: the group id is the leader's pid
        if self.alive():
            _killpg(pgid, sig)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _killpg(pgid, signal.SIGKILL)
                self.popen.wait(timeout=30)
        # Children (flow-run processes) may outlive the leader: leave none behind.
        deadline = time.monotonic() + 15
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.3)
        if _group_alive(pgid):
            _killpg(pgid, signal.SIGKILL)
        return int(self.popen.returncode)


def _killpg(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start(name: str, args: list[str], *, cwd: Path, env: dict[str, str], logs: Path) -> Proc:
    log_path = logs / f"{name}.log"
    with open(log_path, "wb") as out:
        popen = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Proc(name, popen, log_path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ----------------------------------------------------------------------------- the server


@dataclass
class Server:
    url: str  # ends in /api
    env: dict[str, str]
    tmp: Path
    logs: Path
    proc: Proc
    procs: list[Proc] = field(default_factory=list)
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=60)

    def logs_text(self) -> str:
        parts = [f"===== {p.name} =====\n{p.log()}" for p in [self.proc, *self.procs]]
        return "\n".join(parts)

    def api(self, method: str, path: str, **kw: Any) -> Any:
        """One API call. A busy server (its SQLite database locked) answers 503 for a
        while: retry those, like Prefect's own client does."""
        for attempt in range(8):
            try:
                r = self.http.request(method, path, **kw)
            except httpx.TransportError:
                if attempt == 7:
                    raise
            else:
                if r.status_code not in (429, 502, 503, 504):
                    break
            time.sleep(min(2**attempt, 15))
        assert r.status_code < 400, (
            f"{method} {path}: HTTP {r.status_code} {r.text[:500]}\n{self.logs_text()}"
        )
        return r.json() if r.content else None

    def run(self, args: list[str], *, cwd: Path, timeout: float = COMMAND_S) -> str:
        """Run a command to completion; fail with its output and the server's log."""
        try:
            done = subprocess.run(
                args, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"{args} took more than {timeout} s: {exc.output}\n{self.logs_text()}")
        out = done.stdout + done.stderr
        assert done.returncode == 0, f"{args} exited {done.returncode}:\n{out}\n{self.logs_text()}"
        return out

    def start(self, name: str, args: list[str], *, cwd: Path) -> Proc:
        proc = start(name, args, cwd=cwd, env=self.env, logs=self.logs)
        self.procs.append(proc)
        return proc

    def deployment(self, flow: str, name: str, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                r = self.http.get(f"/deployments/name/{flow}/{name}")
                if r.status_code == 200:
                    return dict(r.json())
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"deployment {flow}/{name} never appeared\n{self.logs_text()}")
            time.sleep(1)

    def create_run(self, deployment_id: str, parameters: dict[str, Any]) -> str:
        run = self.api(
            "POST",
            f"/deployments/{deployment_id}/create_flow_run",
            json={"parameters": parameters},
        )
        return str(run["id"])

    def flow_run(self, run_id: str) -> dict[str, Any]:
        return dict(self.api("GET", f"/flow_runs/{run_id}"))

    def wait_for(
        self,
        run_id: str,
        done: Callable[[dict[str, Any]], bool] = lambda r: r["state_type"] in TERMINAL,
        timeout: float = RUN_S,
        what: str = "a terminal state",
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            run = self.flow_run(run_id)
            if done(run):
                return run
            if time.monotonic() > deadline:
                state = run.get("state") or {}
                pytest.fail(
                    f"flow run {run_id} did not reach {what} within {timeout} s "
                    f"(state {run['state_type']}: {state.get('message')})\n{self.logs_text()}"
                )
            time.sleep(1)

    def wait_completed(self, run_id: str) -> dict[str, Any]:
        run = self.wait_for(run_id)
        state = run.get("state") or {}
        assert run["state_type"] == "COMPLETED", (
            f"flow run {run_id} ended {run['state_type']}: {state.get('message')}\n"
            f"{self.logs_text()}"
        )
        return run


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("prefect-server")
    home, logs = tmp / "prefect-home", tmp / "logs"
    home.mkdir()
    logs.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=url,
        PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_UI_ENABLED="false",
        PREFECT_WORKER_QUERY_SECONDS="2",  # workers and `serve` pick runs up quickly
        PREFECT_RUNNER_POLL_FREQUENCY="2",
        PYTHONUNBUFFERED="1",
    )
    args = [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    proc = start("server", args, cwd=tmp, env=env, logs=logs)
    srv = Server(url, env, tmp, logs, proc)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if not proc.alive():
                pytest.fail(f"prefect server exited with {proc.popen.returncode}:\n{proc.log()}")
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"prefect server not healthy in {SERVER_START_S} s:\n{proc.log()}")
            time.sleep(1)
        yield srv
    finally:
        srv.http.close()
        for p in reversed(srv.procs):
            p.stop()
        proc.stop()
        leftovers = [p.name for p in [proc, *srv.procs] if _group_alive(p.popen.pid)]
        assert not leftovers, f"processes left behind: {leftovers}"


@dataclass
class Deployed:
    server: Server
    monitor: dict[str, Any]
    digest: dict[str, Any]
    urgent: dict[str, Any]
    worker: Proc
    deploy_output: str


@pytest.fixture(scope="module")
def deployed(server: Server) -> Deployed:
    """prefect.yaml deployed with `prefect deploy --all`; a process worker running."""
    server.run([PREFECT, "work-pool", "create", "newsmon-local", "--type", "process"], cwd=ROOT)
    out = server.run([PREFECT, "--no-prompt", "deploy", "--all"], cwd=ROOT)
    # The worker starts in another folder: the deployment's pull step must find the code.
    elsewhere = server.tmp / "worker-cwd"
    elsewhere.mkdir()
    worker = server.start(
        "worker", [PREFECT, "worker", "start", "--pool", "newsmon-local"], cwd=elsewhere
    )
    return Deployed(
        server,
        server.deployment("monitor", "monitor"),
        server.deployment("digest", "digest"),
        server.deployment("urgent-digest", "urgent-digest"),
        worker,
        out,
    )


# ----------------------------------------------------------------------------- helpers


def _rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def _stored_urls(db: Path) -> set[str]:
    """URLs stored as articles, or on record as not fetched (off-topic from the feed)."""
    rows = _rows(db, "select url, canonical_url from articles")
    rows += _rows(db, "select url, canonical_url from skipped_items")
    return {u for row in rows for u in row if u}


# ----------------------------------------------------------------------------- slow tests


@pytest.mark.slow
def test_prefect_yaml_deploys_with_schedules_limits_and_the_checkout_path(
    deployed: Deployed,
) -> None:
    mon, dig, urg = deployed.monitor, deployed.digest, deployed.urgent
    (sched,) = mon["schedules"]
    assert sched["schedule"]["cron"] == "*/15 * * * *"
    assert sched["schedule"]["timezone"] == "America/Chicago"
    (dsched,) = dig["schedules"]
    assert dsched["schedule"]["cron"] == "0 7 * * *"
    assert dsched["schedule"]["timezone"] == "America/Chicago"
    assert urg["schedules"] == []
    assert mon["global_concurrency_limit"]["limit"] == 1
    assert mon["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
    assert dig["concurrency_options"]["collision_strategy"] == "ENQUEUE"
    assert mon["parameters"]["db"] == "data/newsmon.db"
    assert mon["parameters"]["topic"] == "seeds/chicago-immigration-2025.toml"
    # `pull: null` in the file: prefect deploy recorded the folder it ran in.
    for dep in (mon, dig, urg):
        (step,) = dep["pull_steps"]
        assert step["prefect.deployments.steps.set_working_directory"]["directory"] == str(ROOT)
    assert "prefect worker start --pool 'newsmon-local'" in deployed.deploy_output
    # The urgent digest is an automation on the monitor's completed runs.
    automations = deployed.server.api("POST", "/automations/filter", json={})
    names = [a["name"] for a in automations]
    assert any("urgent-digest" in n for n in names), names


@pytest.mark.slow
def test_worker_runs_the_monitor_and_a_colliding_run_is_cancelled(
    deployed: Deployed, tmp_path: Path
) -> None:
    from demo_site.server import DemoSite

    srv = deployed.server
    db = tmp_path / "monitor.db"
    with DemoSite(phase=1) as site:
        bad_feed = site.base_url.rstrip("/") + "/faults/500"
        params: dict[str, Any] = {
            "feeds": [*site.feed_urls(), bad_feed],
            "db": str(db),
            "allow_private_hosts": True,
            # Not 0: half a second between two pages of the one demo host keeps this run
            # going for ~15 s, long enough for the second run below to collide with it.
            "per_host_delay": 0.5,
        }
        first = srv.create_run(deployed.monitor["id"], params)
        srv.wait_for(
            first,
            lambda r: r["state_type"] in {"PENDING", "RUNNING", *TERMINAL},
            what="PENDING or RUNNING",
        )
        assert srv.flow_run(first)["state_type"] in ("PENDING", "RUNNING"), srv.logs_text()
        # A second run while the first holds the deployment's only slot.
        second = srv.create_run(deployed.monitor["id"], params)
        collided = srv.wait_for(second)
        done = srv.wait_completed(first)
        published = site.published()

    assert collided["state_type"] == "CANCELLED", (
        f"the colliding run ended {collided['state_type']}, not CANCELLED\n{srv.logs_text()}"
    )
    assert "concurrency limit" in (collided["state"]["message"] or ""), collided["state"]
    assert done["end_time"] is not None

    # The rows it wrote.
    stored = _stored_urls(db)
    # (test_monitor_e2e checks each article's row exactly; here: the run wrote them all.
    # A story's second URL, e.g. its AMP page, is recognised before any fetch: no row.)
    missing = [
        a.url
        for a in published
        if a.label != "same_outlet_other_url" and not stored & {a.url, *a.urls}
    ]
    assert not missing, f"articles the run did not store or record: {missing}"
    assert _rows(db, "select count(*) from articles where status = 'seed'") == [(5,)]
    statuses = dict(_rows(db, "select status, count(*) from articles group by status"))
    assert statuses.get("relevant", 0) > 0 and statuses.get("duplicate", 0) > 0, statuses
    # Only the first run touched the database: the cancelled one never started.
    runs = _rows(db, "select status, feeds_polled, errors, summary from runs")
    assert len(runs) == 1, runs
    status, feeds_polled, errors, summary = runs[0]
    assert status == "completed_with_errors"
    assert feeds_polled == len(params["feeds"])
    assert errors >= 1 and "faults/500" in summary
    assert _rows(db, "select stage from failures where url = ?", (bad_feed,)) == [("feed",)]

    # The summary is on the server as a markdown artifact with a stable key.
    artifacts = srv.api(
        "POST", "/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [first]}}}
    )
    keys = {a["key"]: a for a in artifacts}
    assert "monitor-chicago-immigration-2025" in keys, list(keys)
    art = keys["monitor-chicago-immigration-2025"]
    assert art["type"] == "markdown" and "## newsmon run" in art["data"]
    assert "completed_with_errors" in art["data"]

    # The failed feed is a warning in the run's log, not a failed flow.
    logs = srv.api(
        "POST",
        "/logs/filter",
        json={"logs": {"flow_run_id": {"any_": [first]}, "level": {"ge_": 30}}},
    )
    warnings = [entry["message"] for entry in logs if entry["level"] == 30]
    assert any("faults/500" in m for m in warnings), warnings

    # The completed monitor run triggered the urgent digest, on the same database.
    def urgent_runs() -> list[dict[str, Any]]:
        return list(
            srv.api(
                "POST",
                "/flow_runs/filter",
                json={"flow_runs": {"deployment_id": {"any_": [deployed.urgent["id"]]}}},
            )
        )

    deadline = time.monotonic() + RUN_S
    while not (triggered := [r for r in urgent_runs() if r["parameters"].get("db") == str(db)]):
        if time.monotonic() > deadline:
            pytest.fail(f"no urgent-digest run for {db}: {urgent_runs()}\n{srv.logs_text()}")
        time.sleep(2)
    srv.wait_completed(triggered[0]["id"])


@pytest.mark.slow
def test_a_run_that_cannot_open_its_database_fails_loudly(
    deployed: Deployed, tmp_path: Path
) -> None:
    srv = deployed.server
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be\n")
    run_id = srv.create_run(
        deployed.monitor["id"],
        {"db": str(blocker / "newsmon.db"), "feeds": ["http://127.0.0.1:9/feed.xml"]},
    )
    run = srv.wait_for(run_id)
    message = (run.get("state") or {}).get("message") or ""
    assert run["state_type"] == "FAILED", f"{run['state_type']}: {message}\n{srv.logs_text()}"
    assert "StoreError" in message and "cannot create the folder" in message, message


@pytest.mark.slow
def test_newsmon_serve_runs_the_monitor_and_stops_on_ctrl_c(server: Server, tmp_path: Path) -> None:
    from demo_site.server import DemoSite

    db = tmp_path / "served.db"
    with DemoSite(phase=1) as site:
        feed = site.feed_urls()[0]
        serve = server.start(
            "serve",
            [
                NEWSMON,
                "serve",
                "--db",
                str(db),
                "--feed",
                feed,
                "--allow-private-hosts",
                "--per-host-delay",
                "0",
                "--cron",
                "0 0 1 1 *",  # once a year: the test triggers the run itself
                "--no-digest",
            ],
            cwd=tmp_path,
        )
        dep = server.deployment("monitor", "chicago-immigration-2025", timeout=COMMAND_S)
        assert dep["parameters"]["db"] == str(db)
        assert dep["parameters"]["feeds"] == [feed]
        assert dep["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
        run_id = server.create_run(dep["id"], {})
        server.wait_completed(run_id)
    runs = _rows(db, "select status, feeds_polled, new_articles from runs")
    assert len(runs) == 1 and runs[0][:2] == ("completed", 1), runs
    assert runs[0][2] > 0, runs
    fed = _rows(db, "select distinct feed_url from articles where status != 'seed'")
    assert fed == [(feed,)], fed

    assert serve.alive(), serve.log()
    code = serve.stop(signal.SIGINT)  # what Ctrl-C sends
    assert code == 0, f"newsmon serve exited {code} on Ctrl-C:\n{serve.log()}"
    assert "stopped; schedules paused" in serve.log()
    paused = server.api("GET", f"/deployments/{dep['id']}")
    assert paused["paused"] is True


# ----------------------------------------------------------------------------- quick tests


def _prefect_yaml() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "prefect.yaml").read_text()))


def _flow_parameters(entrypoint: str) -> set[str]:
    path, func = entrypoint.split(":")
    tree = ast.parse((ROOT / path).read_text())
    (fn,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == func]
    return {a.arg for a in [*fn.args.args, *fn.args.kwonlyargs]}


def _flows_defined() -> dict[str, str]:
    """Flow name -> entrypoint, for every @flow in flows/*.py (read, not imported)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "flows").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for dec in node.decorator_list:
                if isinstance(dec, ast.Call) and getattr(dec.func, "id", None) == "flow":
                    names = [k.value for k in dec.keywords if k.arg == "name"]
                    name = names[0].value if names and isinstance(names[0], ast.Constant) else None
                    found[str(name or node.name)] = f"flows/{path.name}:{node.name}"
    return found


def test_prefect_yaml_deploys_every_flow() -> None:
    config = _prefect_yaml()
    entrypoints = {d["entrypoint"] for d in config["deployments"]}
    missing = {
        name: ep
        for name, ep in _flows_defined().items()
        if ep not in entrypoints and name not in NOT_DEPLOYED
    }
    assert not missing, f"flows without a deployment in prefect.yaml: {missing}"
    for dep in config["deployments"]:
        assert (ROOT / dep["entrypoint"].split(":")[0]).exists(), dep["entrypoint"]
        assert dep["parameters"], f"{dep['name']}: no parameters"
        unknown = set(dep["parameters"]) - _flow_parameters(dep["entrypoint"])
        assert not unknown, f"{dep['name']}: parameters the flow does not take: {unknown}"
        assert dep.get("schedules") or dep.get("triggers"), f"{dep['name']}: never runs"
        for sched in dep.get("schedules") or []:
            assert sched.get("timezone"), f"{dep['name']}: a schedule without a timezone"
        assert dep["concurrency_limit"]["limit"] == 1


def test_prefect_yaml_monitor_schedule_and_collision_strategy() -> None:
    (monitor,) = [d for d in _prefect_yaml()["deployments"] if d["name"] == "monitor"]
    assert monitor["entrypoint"] == "flows/monitor.py:monitor"
    assert monitor["schedules"][0]["cron"] == "*/15 * * * *"
    assert monitor["concurrency_limit"] == {"limit": 1, "collision_strategy": "CANCEL_NEW"}
    (digest,) = [d for d in _prefect_yaml()["deployments"] if d["name"] == "digest"]
    assert digest["schedules"][0]["cron"] == "0 7 * * *"


def test_prefect_yaml_holds_no_machine_paths() -> None:
    config = _prefect_yaml()
    # `pull: null`: prefect deploy records the folder it runs in (see the comment there).
    assert config["pull"] is None

    def strings(node: Any) -> Iterator[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for k, v in node.items():
                yield from strings(k)
                yield from strings(v)
        elif isinstance(node, list):
            for v in node:
                yield from strings(v)

    absolute = [s for s in strings(config) if s.startswith(("/", "~")) or ":\\" in s]
    assert not absolute, absolute


def test_serve_without_a_server_says_how_to_start_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cli import cli

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))  # no profile with a URL
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(tmp_path / "home" / "profiles.toml"))
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1, result.output
    assert "PREFECT_API_URL is not set" in result.output
    assert "prefect server start" in result.output
    assert "Traceback" not in result.output


def test_serve_with_an_unreachable_server_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cli import cli

    url = f"http://127.0.0.1:{free_port()}/api"
    monkeypatch.setenv("PREFECT_API_URL", url)
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1, result.output
    assert f"cannot reach the Prefect server at {url}" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--cron", "*/5 * * * *", "--interval", "60"], "not both"),
        (["--interval", "0"], "positive"),
        (["--timezone", "Mars/Olympus"], "unknown timezone"),
        (["--cron", "every quarter hour"], "not a cron expression"),
        (["--digest-cron", "7am"], "not a cron expression"),
        (["--topic", "no/such/profile.toml"], "file not found"),
    ],
)
def test_serve_rejects_bad_options(args: list[str], message: str, tmp_path: Path) -> None:
    from cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "x.db"), *args])
    assert result.exit_code == 1, result.output
    assert message in result.output


def test_serve_plan_uses_absolute_paths_and_the_profile_timezone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.deployments import make_plan

    monkeypatch.chdir(tmp_path)
    plan = make_plan(topic=None, db="data/x.db", feeds=("http://127.0.0.1:1/f.xml",))
    assert plan.db == str(tmp_path / "data" / "x.db")
    assert plan.timezone == "America/Chicago"
    assert plan.monitor_cron == "*/15 * * * *" and plan.monitor_interval is None
    assert plan.name == "chicago-immigration-2025"
    assert plan.monitor_parameters()["feeds"] == ["http://127.0.0.1:1/f.xml"]
    every = make_plan(topic=None, db="x.db", interval=600, timezone="UTC")
    assert every.monitor_cron is None and every.monitor_interval == 600
    assert every.timezone == "UTC"
