"""An MLflow tracking server through its REST API (`/api/2.0/mlflow/...`), with starter's own
HTTP client, so that no mlflow install is needed: the calls `starter log --preset mlflow`
reads runs with, kept in one place for anything else that talks to a server."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

from starter.errors import InputError, NotFoundError

API = "/api/2.0/mlflow"
PAGE = 1000  # runs per search page (MLflow's own default and maximum for search-runs)
# RunStatus of the REST API, and the numbers a file store's meta.yaml writes for them.
STATUSES = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}


def is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://"))


class Server:
    """One tracking server: `Server("http://127.0.0.1:5000").search_runs(["0"])`.

    Credentials come from the variables MLflow itself reads: MLFLOW_TRACKING_TOKEN, or
    MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD."""

    def __init__(self, uri: str, client: Any = None) -> None:
        from starter.papers.http import Client

        self.uri = uri.rstrip("/")
        self.client = client or Client()
        self.headers: dict[str, str] = {}
        token = os.environ.get("MLFLOW_TRACKING_TOKEN")
        user = os.environ.get("MLFLOW_TRACKING_USERNAME")
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        elif user:
            import base64

            secret = f"{user}:{os.environ.get('MLFLOW_TRACKING_PASSWORD', '')}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(secret).decode()

    @property
    def name(self) -> str:
        return f"the MLflow server {self.uri}"

    def call(
        self, method: str, endpoint: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One API call; MLflow's error answers become starter errors naming the server."""
        reply = self.client.send(
            method,
            f"{self.uri}{API}/{endpoint}",
            name=self.name,
            json=body,
            params=params,
            headers=self.headers,
        )
        try:
            data = json.loads(reply.content or b"{}")
        except ValueError:
            data = None
        if reply.status >= 400 or not isinstance(data, dict):
            message = data.get("message") if isinstance(data, dict) else None
            code = data.get("error_code") if isinstance(data, dict) else None
            if reply.status == 404 or code == "RESOURCE_DOES_NOT_EXIST":
                raise NotFoundError(
                    f"{self.name}: {message or endpoint + ' not found'} (is it an MLflow server?)"
                )
            if reply.status in (401, 403):
                raise InputError(
                    f"{self.name} refused access ({reply.status}); set MLFLOW_TRACKING_TOKEN, "
                    "or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD"
                )
            raise InputError(
                f"{self.name} answered {reply.status} to {endpoint}: {message or 'not JSON'}"
            )
        return data

    def experiments(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token = None
        while True:
            body: dict[str, Any] = {"max_results": 1000}
            if token:
                body["page_token"] = token
            page = self.call("POST", "experiments/search", body)
            found.extend(page.get("experiments") or [])
            token = page.get("next_page_token")
            if not token:
                return found

    def experiment(self, name_or_id: str) -> dict[str, Any]:
        """An experiment by name, else by id."""
        try:
            reply = self.call(
                "GET", "experiments/get-by-name", params={"experiment_name": name_or_id}
            )
            return reply["experiment"]
        except NotFoundError:
            pass
        try:
            return self.call("GET", "experiments/get", params={"experiment_id": name_or_id})[
                "experiment"
            ]
        except (NotFoundError, InputError):
            names = ", ".join(e.get("name", "?") for e in self.experiments()) or "none"
            raise NotFoundError(
                f"{self.name} has no experiment {name_or_id!r} (experiments: {names})"
            ) from None

    def search_runs(self, experiment_ids: list[str], filter_string: str = "") -> Iterator[dict]:
        """Every run of the experiments, page by page, with its latest metrics."""
        token = None
        while True:
            body: dict[str, Any] = {
                "experiment_ids": experiment_ids,
                "max_results": PAGE,
                "run_view_type": "ACTIVE_ONLY",
            }
            if filter_string:
                body["filter"] = filter_string
            if token:
                body["page_token"] = token
            page = self.call("POST", "runs/search", body)
            yield from page.get("runs") or []
            token = page.get("next_page_token")
            if not token:
                return

    def metric_history(self, run_id: str, key: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token = None
        while True:
            params: dict[str, Any] = {"run_id": run_id, "metric_key": key, "max_results": 25000}
            if token:
                params["page_token"] = token
            page = self.call("GET", "metrics/get-history", params=params)
            found.extend(page.get("metrics") or [])
            token = page.get("next_page_token")
            if not token:
                return found
