# The course's single-user server settings, for every student's server on a hub.
# Install it where the server reads system-wide settings, e.g. the image's
# {sys.prefix}/etc/jupyter/jupyter_server_config.py (deploy/README.md says where for each hub).
c = get_config()  # noqa: F821

# A kernel keeps its memory after its tab is closed: going through 00 → 04 in one JupyterLab
# left five kernels and 2 GB in use. Shut down kernels that no tab is connected to once they have
# been idle for 20 minutes; a kernel with an open tab is left alone, so a student who comes back
# to a tab finds their sliders still working.
c.MappingKernelManager.cull_idle_timeout = 20 * 60
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False
c.MappingKernelManager.cull_busy = False
