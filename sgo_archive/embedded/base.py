"""PostgreSQL's DatabaseWrapper, which starts or attaches to the embedded server first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.postgresql import base, client

from sgo_archive import embedded_db


class DatabaseClient(client.DatabaseClient):
    """`manage.py dbshell` with the bundled psql, against a running server."""

    @classmethod
    def settings_to_cmd_args_env(
        cls, settings_dict: dict[str, Any], parameters: list[str]
    ) -> tuple[list[str], dict[str, str] | None]:
        args, env = super().settings_to_cmd_args_env(settings_dict, parameters)
        args[0] = embedded_db.client_executable(cls.executable_name)
        return args, env

    def runshell(self, parameters: list[str]) -> None:
        self.connection.attach_server()
        super().runshell(parameters)


class DatabaseWrapper(base.DatabaseWrapper):
    client_class = DatabaseClient

    def attach_server(self) -> None:
        """Start or attach to the server and point this connection's HOST/PORT at it."""
        endpoint = embedded_db.attach(
            Path(self.settings_dict["DATA_DIR"]), self.settings_dict["NAME"]
        )
        self.settings_dict["HOST"] = endpoint.host
        self.settings_dict["PORT"] = str(endpoint.port)

    def get_connection_params(self) -> dict[str, Any]:
        self.attach_server()
        return super().get_connection_params()
