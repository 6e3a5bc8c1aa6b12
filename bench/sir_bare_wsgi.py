"""WSGI application of the peer in ``bench_sir.py``: the platform itself, plus the baseline's
bare endpoint ``/bench/bare/`` that only stores the posted body (one INSERT, autocommit)."""

from bilbao_sede.wsgi import application as platform


def application(environ, start_response):
    if environ.get("PATH_INFO") != "/bench/bare/":
        return platform(environ, start_response)
    from django.db import connection

    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_sir_bare (body) VALUES (%s)", [body])
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]
