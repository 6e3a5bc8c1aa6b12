"""``bench_carga.py --profile``: the production WSGI application, wrapped to record each
request's server CPU (and, for the paths matching ``BENCH_PROFILE_PATHS``, a cProfile).

Not used by production nor by the measured runs: a profiling run's own overhead (a line
appended per request, cProfile on the matched paths) would bias them. Gunicorn's sync
workers serve one request at a time in one thread, so the process CPU time spent between a
request's start and the end of its body is that request's CPU.

``BENCH_PROFILE_DIR``: while the file ``on`` exists there (the timed window), each request
appends a line to ``requests-<pid>.jsonl`` (method, path without ids, CPU ms, wall ms), and
the matched paths' cProfile is written to ``profile-<pid>.prof``.
"""

from __future__ import annotations

import cProfile
import json
import os
import re
import time

from bilbao_sede.wsgi import application as _application

_DIR = os.environ["BENCH_PROFILE_DIR"]
_PATHS = (
    re.compile(os.environ["BENCH_PROFILE_PATHS"]) if os.environ.get("BENCH_PROFILE_PATHS") else None
)
_IDS = re.compile(r"/[0-9a-f]{8}-[0-9a-f-]{27}/")
_profiler = cProfile.Profile() if _PATHS else None
_ON = os.path.join(_DIR, "on")  # bench_carga.py creates it for the timed window only


def application(environ, start_response):
    if not os.path.exists(_ON):  # the warm-up, or after the timed window
        return _application(environ, start_response)
    path = environ.get("PATH_INFO", "")
    profile = _profiler is not None and _PATHS.search(path) is not None
    cpu, wall = time.process_time(), time.perf_counter()
    if profile:
        _profiler.enable()
    try:
        body = b"".join(_application(environ, start_response))
    finally:
        if profile:
            _profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        step = f"{environ.get('REQUEST_METHOD')} {_IDS.sub('/<id>/', path)}"
        with open(os.path.join(_DIR, f"requests-{os.getpid()}.jsonl"), "a") as fh:
            fh.write(json.dumps({"step": step, "cpu": cpu * 1000, "wall": wall * 1000}) + "\n")
        if profile:
            _profiler.dump_stats(os.path.join(_DIR, f"profile-{os.getpid()}.prof"))
    return [body]
