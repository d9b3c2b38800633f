"""Gunicorn settings for `make serve` (gunicorn --config gunicorn.conf.py).

Every value can be overridden from the environment (see README, Configuration).
Threads per worker (gthread) keep a slow client, such as one reading a long
export, from holding a whole worker process; put a buffering reverse proxy
(nginx, Caddy) in front for TLS and slow uploads.
"""

import multiprocessing
import os

wsgi_app = "sgo_archive.wsgi:application"
bind = [os.environ.get("SGO_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")]
workers = int(os.environ.get("SGO_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "gthread"
threads = int(os.environ.get("SGO_THREADS", "4"))
# A worker silent this long is killed and replaced; a request never takes this long.
timeout = int(os.environ.get("SGO_WORKER_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Workers are recycled now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Access and error log to stdout/stderr, for the service manager's journal.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SGO_GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
