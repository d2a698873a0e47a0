"""A real JupyterHub on 127.0.0.1 for the hub test and the hub benchmark (not for students).

JupyterHub and its proxy (``configurable-http-proxy``, installed by ``make hub-proxy``), the
dummy authenticator (any name logs in), the simple local-process spawner (each student's server
is a process with its own home folder), and ``jupyterhub-idle-culler`` as a hub service, all in
one temporary directory, on random free ports of 127.0.0.1. Each single-user server loads
``deploy/jupyter_server_config.py``, as the deployed image does, and finds ``helpers`` in the
student's own copy of the course through ``PYTHONPATH``, as ``deploy/README.md`` tells admins.

:class:`LocalHub` starts and stops the whole thing (stopping kills whatever is left of the
processes it started, by their ids); :class:`Student` is one student with their own HTTP session:
they log in, follow the nbgitpuller link, and use their server's REST and kernel APIs.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import psutil
import requests

from tools.hub_link import TARGET

ROOT = Path(__file__).resolve().parents[1]
PROXY_DIR = ROOT / ".venv" / "hub-proxy"  # `make hub-proxy` installs the npm package here
PROXY = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
SERVER_CONFIG = ROOT / "deploy" / "jupyter_server_config.py"
LOOPBACK = {"127.0.0.1", "::1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_tools() -> list[str]:
    """What the local hub needs and this machine lacks, each with how to get it."""
    missing = []
    if shutil.which("node") is None:
        missing.append("Node.js (Debian: `apt-get install nodejs npm`)")
    if not PROXY.exists():
        missing.append("configurable-http-proxy (`make hub-proxy` installs it from npm)")
    if shutil.which("git") is None:
        missing.append("git")
    try:
        import jupyterhub  # noqa: F401
        import jupyterhub_idle_culler  # noqa: F401
        import nbgitpuller  # noqa: F401
    except ImportError as error:
        missing.append(f"{error.name} (`make setup` installs it)")
    return missing


class LocalHub:
    """JupyterHub + proxy + idle culler on 127.0.0.1, everything under ``workdir``.

    ``idle_timeout`` and ``cull_every`` are the culler's settings in seconds; activity is
    reported every ``activity_interval`` seconds so that the culler sees it in time.
    ``singleuser_python`` is the Python of the students' environment (default: this one), e.g.
    a venv built from deploy/requirements.txt as the image is.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        idle_timeout: int = 3600,
        cull_every: int = 300,
        activity_interval: int = 2,
        python: str = sys.executable,
        singleuser_python: str | None = None,
    ):
        if idle_timeout < 1:
            raise ValueError(f"idle_timeout must be at least 1 second, got {idle_timeout}")
        if cull_every < 1:
            raise ValueError(f"cull_every must be at least 1 second, got {cull_every}")
        self.workdir = Path(workdir)
        self.homes = self.workdir / "home"
        self.idle_timeout, self.cull_every = idle_timeout, cull_every
        self.activity_interval = activity_interval
        self.python = python
        self.singleuser_python = singleuser_python or python
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)  # the test's own admin service
        self.process: subprocess.Popen | None = None
        self._seen: dict[int, psutil.Process] = {}  # every process of the hub's tree seen so far
        self._log = None

    # -- start and stop -------------------------------------------------------------------

    def config(self) -> str:
        singleuser = Path(self.singleuser_python).parent / "jupyterhub-singleuser"
        server_config = self.workdir / "singleuser-config"
        return textwrap.dedent(f"""\
            # Written by tools/local_hub.py: a throwaway hub on 127.0.0.1.
            from pathlib import Path

            c = get_config()  # noqa: F821
            c.JupyterHub.ip = "127.0.0.1"
            c.JupyterHub.port = {self.port}
            c.JupyterHub.hub_ip = "127.0.0.1"
            c.JupyterHub.hub_port = {self.hub_port}
            c.JupyterHub.db_url = "sqlite:///{self.workdir / "jupyterhub.sqlite"}"
            c.JupyterHub.cookie_secret_file = "{self.workdir / "cookie_secret"}"
            c.JupyterHub.pid_file = "{self.workdir / "jupyterhub.pid"}"
            c.JupyterHub.last_activity_interval = {self.activity_interval}
            c.ConfigurableHTTPProxy.command = ["{PROXY}"]
            c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.api_port}"
            c.ConfigurableHTTPProxy.pid_file = "{self.workdir / "proxy.pid"}"
            c.ConfigurableHTTPProxy.debug = False

            c.JupyterHub.authenticator_class = "dummy"
            c.JupyterHub.spawner_class = "simple"
            c.SimpleLocalProcessSpawner.home_dir_template = "{self.homes}/{{username}}"
            c.Spawner.cmd = ["{singleuser}"]
            # Every student's server runs as the one user this runs as, root in CI's container.
            c.Spawner.args = ["--ServerApp.allow_root=True"]
            c.Spawner.ip = "127.0.0.1"
            c.Spawner.default_url = "/lab"
            c.Spawner.start_timeout = 120
            c.Spawner.http_timeout = 120
            c.Spawner.environment = {{
                # helpers come from the student's own copy, so the lecturer's updates reach them
                "PYTHONPATH": lambda spawner: str(Path(spawner.home_dir) / "{TARGET}"),
                # deploy/jupyter_server_config.py, as the image has it in its config path
                "JUPYTER_CONFIG_PATH": "{server_config}",
                "JUPYTERHUB_ACTIVITY_INTERVAL": "{self.activity_interval}",
            }}

            c.JupyterHub.services = [
                {{
                    "name": "idle-culler",
                    "command": [
                        "{self.python}", "-m", "jupyterhub_idle_culler",
                        "--timeout={self.idle_timeout}", "--cull-every={self.cull_every}",
                    ],
                }},
                {{"name": "course-test", "api_token": "{self.token}"}},
            ]
            c.JupyterHub.load_roles = [
                {{
                    "name": "idle-culler",
                    "scopes": [
                        "list:users", "read:users:activity", "read:servers", "delete:servers"
                    ],
                    "services": ["idle-culler"],
                }},
                {{"name": "course-test", "scopes": ["admin:users", "admin:servers",
                  "tokens", "list:users", "read:users"], "services": ["course-test"]}},
            ]
            """)

    def start(self, timeout: float = 90) -> LocalHub:
        missing = missing_tools()
        if missing:
            raise RuntimeError("the local hub needs " + " and ".join(missing))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.homes.mkdir(exist_ok=True)
        config_dir = self.workdir / "singleuser-config"
        config_dir.mkdir(exist_ok=True)
        shutil.copy(SERVER_CONFIG, config_dir / "jupyter_server_config.py")
        (self.workdir / "jupyterhub_config.py").write_text(self.config())
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
        env["PATH"] = f"{Path(self.python).parent}{os.pathsep}{env.get('PATH', '')}"
        self._log = open(self.workdir / "jupyterhub.log", "w")  # noqa: SIM115 -- closed in stop()
        self.process = subprocess.Popen(
            [self.python, "-m", "jupyterhub", "-f", "jupyterhub_config.py"],
            cwd=self.workdir,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() can end all of it
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.url}/hub/api", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("JupyterHub did not start:\n" + self.log()[-4000:])
            time.sleep(0.3)
        self.processes()
        return self

    def log(self) -> str:
        path = self.workdir / "jupyterhub.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def processes(self) -> list[psutil.Process]:
        """The hub and every process under it that is alive now (remembered for stop())."""
        if self.process is None:
            return []
        try:
            hub = psutil.Process(self.process.pid)
            alive = [hub, *hub.children(recursive=True)]
        except psutil.NoSuchProcess:
            alive = []
        for p in alive:
            self._seen.setdefault(p.pid, p)
        return alive

    def stop(self, timeout: float = 60) -> list[int]:
        """Stop the hub (it stops the proxy, the culler and every server), then end whatever of
        the processes it started is still alive. Returns the ids of those that had to be
        killed."""
        if self.process is None:
            return []
        self.processes()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        leftovers = [p for p in self._seen.values() if _alive(p)]
        for p in leftovers:
            p.kill()
        psutil.wait_procs(leftovers, timeout=10)
        if self._log is not None:
            self._log.close()
        self.process = None
        return [p.pid for p in leftovers]

    def still_running(self) -> list[psutil.Process]:
        """Processes this hub started that are alive (empty after stop())."""
        return [p for p in self._seen.values() if _alive(p)]

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what it exposes -------------------------------------------------------------------

    def listening(self) -> list[tuple[str, int, str]]:
        """(address, port, process name) of every socket the hub's processes listen on."""
        found = []
        for p in self.processes():
            try:
                for conn in p.net_connections(kind="inet"):
                    if conn.status == psutil.CONN_LISTEN:
                        found.append((conn.laddr.ip, conn.laddr.port, p.name()))
            except psutil.NoSuchProcess:
                continue
        return found

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """The hub's REST API (``/hub/api/…``) as the test's admin service."""
        headers = {"Authorization": f"token {self.token}", **kwargs.pop("headers", {})}
        response = requests.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs
        )
        response.raise_for_status()
        return response

    def server_running(self, name: str) -> bool:
        user = self.api("GET", f"/users/{name}").json()
        server = user.get("servers", {}).get("")
        return bool(server and server.get("ready"))

    def ensure_server(self, name: str, timeout: float = 120) -> None:
        """Start ``name``'s server if it is not running (the culler may have stopped it)."""
        if self.server_running(name):
            return
        self.api("POST", f"/users/{name}/server")
        deadline = time.monotonic() + timeout
        while not self.server_running(name):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}'s server did not start in {timeout} s")
            time.sleep(0.5)

    def student(self, name: str) -> Student:
        return Student(self, name)


def _decode(frame: str | bytes) -> dict:
    """A kernel message from the server's websocket. Messages with binary buffers (a widget's
    PNG) come as one binary frame: a count n, n offsets, the JSON message, then the buffers."""
    if isinstance(frame, str):
        return json.loads(frame)
    (count,) = struct.unpack("!I", frame[:4])
    offsets = struct.unpack(f"!{count}I", frame[4 : 4 + 4 * count])
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0] : end].decode())


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@dataclass
class Pull:
    """What one click on the nbgitpuller link did."""

    phases: list[str]
    output: str
    landed: str  # the address the page sends the browser to when the pull is done


@dataclass
class Student:
    hub: LocalHub
    name: str
    session: requests.Session = field(default_factory=requests.Session)
    _token: str | None = None

    @property
    def home(self) -> Path:
        return self.hub.homes / self.name

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def login(self) -> Student:
        """The hub's login form, as a browser fills it in (any password: dummy authenticator)."""
        self.session.get(f"{self.hub.url}/hub/login", timeout=30).raise_for_status()
        xsrf = self.session.cookies.get("_xsrf", path="/hub/")
        response = self.session.post(
            f"{self.hub.url}/hub/login",
            data={"username": self.name, "password": "any", "_xsrf": xsrf},
            allow_redirects=False,
            timeout=120,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login as {self.name} failed: {response.status_code}")
        return self

    def follow(self, link: str, timeout: float = 180) -> Pull:
        """Click the nbgitpuller link: the hub starts the server if needed, nbgitpuller's page
        opens, and its script streams the pull from ``git-pull/api``; this does what that
        script does, then returns where it would send the browser."""
        deadline = time.monotonic() + timeout
        while True:
            page = self.session.get(link, timeout=120)
            page.raise_for_status()
            if urlsplit(page.url).path.startswith(f"/user/{self.name}/git-pull"):
                break
            if time.monotonic() > deadline:  # still on the hub's "server starting" page
                raise RuntimeError(f"{self.name}'s server did not start; last page {page.url}")
            time.sleep(1)
        query = dict(parse_qsl(urlsplit(page.url).query))
        api_query = {k: query[k] for k in ("repo", "branch", "targetpath", "depth") if k in query}
        phases, output = [], []
        with self.session.get(
            f"{self.server}/git-pull/api?{urlencode(api_query)}", stream=True, timeout=timeout
        ) as stream:
            stream.raise_for_status()
            for line in stream.iter_lines(decode_unicode=True):
                if not line or not line.startswith("data: "):
                    continue
                event = json.loads(line[len("data: ") :])
                phases.append(event["phase"])
                output.append(event.get("output", "") or event.get("message", ""))
                if event["phase"] in ("finished", "error"):
                    break
        return Pull(phases, "".join(output), f"{self.server}/{query.get('urlpath', '')}")

    # -- the student's own server: REST and kernel APIs ------------------------------------

    @property
    def token(self) -> str:
        """An API token for this student's server (made by the admin service, as a student
        would make one on the hub's token page)."""
        if self._token is None:
            response = self.hub.api(
                "POST", f"/users/{self.name}/tokens", json={"note": "course test"}
            )
            self._token = response.json()["token"]
        return self._token

    def rest(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        response = requests.request(
            method, f"{self.server}/api{path}", headers=headers, timeout=120, **kwargs
        )
        response.raise_for_status()
        return response

    def read_notebook(self, path: str) -> dict:
        return self.rest("GET", f"/contents/{path}?content=1").json()["content"]

    def save_notebook(self, path: str, notebook: dict) -> None:
        """Save as JupyterLab saves: a PUT to the contents API."""
        self.rest("PUT", f"/contents/{path}", json={"type": "notebook", "content": notebook})

    def kernel(self, cwd: str) -> Kernel:
        """Start a kernel in folder ``cwd`` (relative to the home), as opening a notebook does."""
        session = self.rest(
            "POST",
            "/sessions",
            json={
                "path": f"{cwd}/scratch.ipynb",
                "type": "notebook",
                "name": "",
                "kernel": {"name": "python3"},
            },
        ).json()
        return Kernel(self, session["id"], session["kernel"]["id"])


@dataclass
class Kernel:
    """A kernel of a student's server, driven over its websocket as JupyterLab drives it."""

    student: Student
    session_id: str
    kernel_id: str
    _socket: object = None

    def _connect(self):
        import websocket

        if self._socket is None:
            url = self.student.server.replace("http://", "ws://", 1)
            self._socket = websocket.create_connection(
                f"{url}/api/kernels/{self.kernel_id}/channels",
                header=[f"Authorization: token {self.student.token}"],
                timeout=600,
            )
        return self._socket

    def execute(self, code: str, timeout: float = 600) -> list[dict]:
        """Run ``code``; the iopub messages it produced (streams, displays, errors)."""
        socket_ = self._connect()
        msg_id = uuid.uuid4().hex
        socket_.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": self.student.name,
                        "session": self.session_id,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        outputs, idle, replied = [], False, False
        deadline = time.monotonic() + timeout
        while not (idle and replied):
            if time.monotonic() > deadline:
                raise TimeoutError(f"code did not finish in {timeout} s: {code[:80]!r}")
            message = _decode(socket_.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["header"]["msg_type"]
            if message["channel"] == "shell" and kind == "execute_reply":
                replied = True
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
            elif kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append({"type": kind, **message["content"]})
        return outputs

    def run_notebook(self, notebook: dict) -> Iterator[tuple[int, list[dict]]]:
        """Every code cell in order: (cell index, its outputs)."""
        for index, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] == "code":
                source = cell["source"]
                yield index, self.execute(source if isinstance(source, str) else "".join(source))

    def pid(self) -> int:
        out = self.execute("import os; print(os.getpid())")
        return int(next(o["text"] for o in out if o["type"] == "stream"))

    def shutdown(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self.student.rest("DELETE", f"/sessions/{self.session_id}")
