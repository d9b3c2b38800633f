"""Database backend for the embedded PostgreSQL: Django's PostgreSQL backend plus a server.

Named in settings.DATABASES as `"ENGINE": "sgo_archive.embedded"` with the data directory
in `"DATA_DIR"`; the server is started (see sgo_archive/embedded_db.py) when the first
connection is opened, not when the settings are imported.
"""
