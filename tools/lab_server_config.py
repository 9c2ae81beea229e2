"""The Jupyter server settings of ``make lab`` (passed with ``--config``): kernel websockets send
small messages at once.

jupyter_server writes a kernel's messages to the browser's websocket with Nagle's algorithm on: a
small message sent while a larger one is still unacknowledged waits for the browser's delayed
ACK, about 40 ms on Linux.  ``d2lite.explore`` sends a small "idle" status after every figure, so
each slider move waited that long (benchmark item 7: p95 110 ms with Nagle, 56 ms without).
Tornado documents the switch for exactly this case, ``WebSocketHandler.set_nodelay(True)``, to be
called once the connection is open; jupyter_server has no setting for it, so the kernel
websocket handler's ``open`` calls it first.  To get the same in another Jupyter (Binder, Studio
Lab), copy this file to ``~/.jupyter/jupyter_server_config.py``.
"""
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

_open = KernelWebsocketHandler.open


async def _open_without_nagle(self, *args, **kwargs):
    self.set_nodelay(True)  # send small websocket messages at once
    return await _open(self, *args, **kwargs)


if not getattr(_open, "d2lite_nodelay", False):  # loading the file twice patches once
    _open_without_nagle.d2lite_nodelay = True
    KernelWebsocketHandler.open = _open_without_nagle
