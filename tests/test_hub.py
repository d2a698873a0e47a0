"""The course on a real JupyterHub, on 127.0.0.1: a class logs in and follows the nbgitpuller link.

JupyterHub with its proxy (configurable-http-proxy from npm, `make hub-proxy`), the dummy
authenticator, the local-process spawner and jupyterhub-idle-culler run in a temporary directory
(tools/local_hub.py). The repository the link points at is a throwaway clone of this one, where
the "lecturer" commits a change; the notebooks here are never touched. Each student gets their own
copy; one student's notebook runs through their own server's kernel API; one student does it all
in Chromium and moves a slider; a second click pulls the lecturer's change and keeps the
student's own edit; an idle server is culled and its student's work survives; nothing listens
beyond loopback; stopping the hub leaves no process behind.

Without Node.js (or npm's proxy, or Chromium for the browser part) these tests skip, except in
CI (`CI` set), where they must run.
"""

from __future__ import annotations

import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
import pytest

from tools.hub_link import START, TARGET, nbgitpuller_link
from tools.local_hub import LOOPBACK, LocalHub, missing_tools

ROOT = Path(__file__).resolve().parents[1]
IDLE = 30  # the culler's timeout here (seconds); deploy/ uses an hour
CLASS = ["ana", "ben", "cai", "eve"]  # dan comes in through Chromium
WIDGET = "application/vnd.jupyter.widget-view+json"
LECTURER = ["-c", "user.name=Lecturer", "-c", "user.email=lecturer@example.edu"]
NEWS = "Lecturer's note: the exercises of notebook 04 are due on Friday."
ANSWER = "updates = 96  # ben's answer"


def needs(missing: list[str]) -> None:
    if not missing:
        return
    message = "the hub test needs " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(message + "; in CI it may not skip (make test installs the proxy)")
    pytest.skip(message)


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """The lecturer's repository: a throwaway clone of this one (its committed state)."""
    needs(missing_tools())
    path = tmp_path_factory.mktemp("lecturer") / "course"
    git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(path), cwd=ROOT)
    return path


@pytest.fixture(scope="module")
def hub(tmp_path_factory, origin):
    # HUB_SINGLEUSER_PYTHON: the students' servers in another environment, e.g. one built from
    # deploy/requirements.txt as the image is (default: this one, which has the same pins)
    local = LocalHub(
        tmp_path_factory.mktemp("hub"),
        idle_timeout=IDLE,
        cull_every=3,
        singleuser_python=os.environ.get("HUB_SINGLEUSER_PYTHON"),
    )
    local.start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="module")
def link(hub, origin) -> str:
    return nbgitpuller_link(hub.url, f"file://{origin}")


@pytest.fixture(scope="module")
def students(hub, link):
    """The class logs in at once and everyone clicks the link."""

    def arrive(name):
        student = hub.student(name).login()
        return student, student.follow(link)

    with ThreadPoolExecutor(len(CLASS)) as pool:
        arrived = list(pool.map(arrive, CLASS))
    return {student.name: (student, pull) for student, pull in arrived}


def test_each_student_gets_their_own_copy_from_the_link(hub, origin, students):
    head = git("rev-parse", "HEAD", cwd=origin)
    for name, (student, pull) in students.items():
        assert pull.phases[-1] == "finished", pull.output
        assert pull.landed == f"{hub.url}/user/{name}/lab/tree/{TARGET}/{START}"
        assert student.session.get(pull.landed, timeout=60).ok  # JupyterLab opens there
        copy = student.home / TARGET
        assert git("rev-parse", "HEAD", cwd=copy) == head
        assert (copy / START).read_bytes() == (origin / START).read_bytes()
        student.rest(
            "PUT",
            "/contents/mine.txt",
            json={"type": "file", "format": "text", "content": f"{name}'s notes"},
        )
    homes = {student.home.resolve() for student, _ in students.values()}
    assert len(homes) == len(CLASS)
    for name, (student, _) in students.items():  # each student's server sees only their notes
        notes = student.rest("GET", "/contents/mine.txt?content=1").json()["content"]
        assert notes == f"{name}'s notes"


def test_a_notebook_runs_through_the_students_own_server(hub, students):
    ben, _ = students["ben"]
    hub.ensure_server("ben")  # on a slow machine the culler may have stopped it meanwhile
    notebook = ben.read_notebook(f"{TARGET}/{START}")
    kernel = ben.kernel(f"{TARGET}/notebooks")
    try:
        errors, widgets = [], 0
        for index, outputs in kernel.run_notebook(notebook):
            errors += [(index, o["ename"], o["evalue"]) for o in outputs if o["type"] == "error"]
            widgets += sum(WIDGET in o.get("data", {}) for o in outputs)
        assert errors == []
        assert widgets >= 1, "the explorer cell showed no widget"
        # `helpers` is the one in ben's own copy (PYTHONPATH), so lecturer updates reach him
        where = kernel.execute("import helpers; print(helpers.__file__)")[0]["text"].strip()
        assert Path(where).is_relative_to(ben.home / TARGET)
        # the kernel belongs to ben's server, not to anyone else's
        server = psutil.Process(kernel.pid()).parent()
        assert server.environ().get("JUPYTERHUB_USER") == "ben"
    finally:
        kernel.shutdown()


def test_nothing_listens_beyond_loopback(hub, students):
    ana, _ = students["ana"]
    hub.ensure_server("ana")
    kernel = ana.kernel(TARGET)
    try:
        kernel.execute("1 + 1")
        sockets = hub.listening()
        names = {name for _, _, name in sockets}
        # the proxy (public and API), the hub, the students' servers and a kernel's five ports
        assert "node" in names and any(n.startswith("jupyterhub-sing") for n in names)
        assert len(sockets) >= 3 + len(CLASS) + 5, sockets
        assert [s for s in sockets if s[0] not in LOOPBACK] == []
    finally:
        kernel.shutdown()


def test_a_student_in_chromium_follows_the_link_and_moves_a_slider(hub, link):
    from browser.conftest import CHROMIUM, FLAGS

    missing = [] if Path(CHROMIUM).exists() else ["Chromium (`apt-get install chromium`)"]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("playwright (`make setup`)")
    needs(missing)
    from browser.test_course_in_browser import EXPLORER, PANEL, error_outputs, move_slider, run_all

    def as_dan():
        # Its own thread: Playwright's sync API refuses to run inside the asyncio loop that the
        # browser tests' session-wide Playwright leaves running in this one.
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(90_000)
                page.goto(link)  # not logged in: the hub asks who you are first
                page.fill("input[name=username]", "dan")
                page.fill("input[name=password]", "any")
                page.click("[type=submit]")
                page.wait_for_url(f"**/user/dan/lab/tree/{TARGET}/{START}*", timeout=180_000)
                run_all(page, PANEL)
                assert error_outputs(page, PANEL) == []
                explorer = page.locator(f"{PANEL} {EXPLORER}").first
                explorer.scroll_into_view_if_needed()
                assert move_slider(page, explorer) is not None, "the picture did not change"
            finally:
                browser.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(as_dan).result()
    assert (hub.homes / "dan" / TARGET / START).exists()


def test_a_second_click_pulls_the_lecturers_change_and_keeps_the_students_edit(
    hub, origin, link, students
):
    ben, _ = students["ben"]
    hub.ensure_server("ben")
    mine = ben.read_notebook(f"{TARGET}/{START}")
    exercise = next(
        i for i, c in enumerate(mine["cells"]) if c["source"].startswith("from helpers.exercises")
    )
    mine["cells"][exercise]["source"] = mine["cells"][exercise]["source"].replace(
        "updates = None  # your answer", ANSWER
    )
    assert ANSWER in mine["cells"][exercise]["source"]
    ben.save_notebook(f"{TARGET}/{START}", mine)

    # The lecturer edits the first cell in their own clone and adds a handout, and commits.
    theirs = nbformat.read(origin / START, as_version=4)
    theirs.cells[0].source += f"\n\n{NEWS}"
    nbformat.write(theirs, origin / START)
    (origin / "notebooks" / "handout.md").write_text("# Handout\n")
    git("add", "-A", cwd=origin)
    git(*LECTURER, "commit", "--quiet", "-m", "A note for the class", cwd=origin)

    pull = ben.follow(link)
    assert pull.phases[-1] == "finished", pull.output
    now = ben.read_notebook(f"{TARGET}/{START}")
    assert now["cells"][0]["source"].endswith(NEWS)  # the lecturer's change arrived
    assert ANSWER in now["cells"][exercise]["source"]  # and ben's own answer is still there
    assert ben.rest("GET", f"/contents/{TARGET}/notebooks/handout.md").ok

    cai, _ = students["cai"]  # a student who changed nothing gets exactly the lecturer's file
    assert cai.follow(link).phases[-1] == "finished"
    assert (cai.home / TARGET / START).read_bytes() == (origin / START).read_bytes()


def test_an_idle_server_is_culled_and_the_students_work_survives(hub, link, students):
    ben, _ = students["ben"]
    eve, _ = students["eve"]
    hub.ensure_server("ben")
    # Ben works for longer than the idle timeout while eve does nothing: the culler must tell
    # them apart (eve's last request was in the first test).
    start = time.monotonic()
    while time.monotonic() - start < IDLE + 60:
        ben.rest("GET", f"/contents/{TARGET}")
        if time.monotonic() - start > IDLE + 6 and not hub.server_running("eve"):
            break
        time.sleep(2)
    assert not hub.server_running("eve"), f"eve's server idled {IDLE + 60} s and still runs"
    assert hub.server_running("ben"), "the culler stopped a student who was working"
    assert (eve.home / "mine.txt").read_text() == "eve's notes"
    assert eve.follow(link).phases[-1] == "finished"  # a click brings her server back
    assert eve.rest("GET", "/contents/mine.txt?content=1").json()["content"] == "eve's notes"


def test_stopping_the_hub_ends_every_process_it_started(hub):
    started = hub.processes()
    assert len(started) >= 3  # the hub, its proxy, the culler, and whichever servers still run
    url = hub.url
    assert hub.stop() == [], "JupyterHub left processes behind that had to be killed"
    assert hub.still_running() == []
    with pytest.raises(OSError):
        import urllib.request

        urllib.request.urlopen(url, timeout=5)
