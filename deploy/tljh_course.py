# The Littlest JupyterHub: copy to /opt/tljh/config/jupyterhub_config.d/course.py, then
# `sudo tljh-config reload` (deploy/README.md has the other steps).
#
# nbgitpuller puts each student's copy of the course in ~/gd-optimizers (make hub-link), and
# `import helpers` must find that copy, so that the lecturer's updates to helpers/ reach them.
# TLJH runs hub user NAME as the system user jupyter-NAME, whose home is /home/jupyter-NAME.
import pwd


def course_path(spawner):
    try:
        home = pwd.getpwnam(f"jupyter-{spawner.user.name}").pw_dir
    except KeyError:  # a first login: TLJH creates the system user just before the server starts
        home = f"/home/jupyter-{spawner.user.name}"
    return f"{home}/gd-optimizers"


c.Spawner.environment.update({"PYTHONPATH": course_path})  # noqa: F821
