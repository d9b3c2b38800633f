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
# Workers are recycled now and then, so a slow leak cannot grow without bound. Each
# worker keeps its own copies of whole pages (minutes/cache.py, CACHES["pages"]) and a
# recycled worker starts without them: at 300 requests/s over 4 workers, 2,000 requests
# would empty every worker's copies every 30 s, so recycle after 20,000.
max_requests = int(os.environ.get("SGO_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Access and error log to stdout/stderr, for the service manager's journal. The last
# field says whether the page cache answered (hit), made a copy (miss) or was not asked (-).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SGO_GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-page-cache}o)s'
