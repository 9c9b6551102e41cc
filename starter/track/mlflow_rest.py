"""An MLflow tracking server through its REST API (`/api/2.0/mlflow/...`), with starter's own
HTTP client, so that no mlflow install is needed: the calls `starter log --preset mlflow`
reads runs with and `starter push|pull mlflow` write and read runs with, in one place.

One `Server` per tracking URI; every method is one HTTP request (or one a page, or one a
batch), and MLflow's error answers become StarterErrors that name the server. The API is
documented at https://mlflow.org/docs/latest/rest-api.html; the batch limits below are
MLflow's own (a larger `runs/log-batch` is refused with 400).
"""

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
# runs/log-batch: at most 1000 metrics, 100 params and 100 tags, 1000 items in all.
MAX_METRICS, MAX_PARAMS, MAX_TAGS, MAX_ITEMS = 1000, 100, 100, 1000


def is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://"))


def check_uri(uri: str) -> str:
    """A tracking server's address without its trailing slash; anything but http(s) is
    refused, saying how to get a server."""
    text = uri.strip().rstrip("/")
    if not is_server(text):
        raise InputError(
            f"tracking URI {uri!r}: starter talks to an MLflow tracking server over HTTP; "
            "start one (`mlflow server --backend-store-uri sqlite:///mlflow.db`) and give its "
            "address, e.g. http://127.0.0.1:5000"
        )
    return text


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

    # -- experiments -------------------------------------------------------------------------

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

    def experiment_id(self, name: str) -> str | None:
        """The id of the experiment called `name`, or None when there is none. (A deleted
        experiment keeps its name in MLflow: that is an error, saying how to restore it.)"""
        try:
            found = self.call("GET", "experiments/get-by-name", params={"experiment_name": name})
        except NotFoundError:
            return None
        experiment = found.get("experiment") or {}
        if experiment.get("lifecycle_stage") == "deleted":
            raise InputError(
                f"{self.name}: the experiment {name!r} is deleted; restore it "
                "(`mlflow experiments restore`) or choose another with --experiment"
            )
        return str(experiment["experiment_id"])

    def create_experiment(self, name: str) -> str:
        """A new experiment called `name`; its id."""
        return str(self.call("POST", "experiments/create", {"name": name})["experiment_id"])

    # -- runs ----------------------------------------------------------------------------------

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

    def create_run(
        self, experiment_id: str, *, name: str, start_time: int, tags: dict[str, str]
    ) -> str:
        """A new run (status RUNNING) with its tags; returns MLflow's run id."""
        body = {
            "experiment_id": experiment_id,
            "run_name": name,
            "start_time": start_time,
            "tags": [{"key": k, "value": v} for k, v in tags.items()],
        }
        return str(self.call("POST", "runs/create", body)["run"]["info"]["run_id"])

    def log_batch(
        self,
        run_id: str,
        *,
        metrics: list[dict[str, Any]] | None = None,
        params: dict[str, str] | None = None,
        tags: dict[str, str] | None = None,
    ) -> int:
        """Log metrics ({key, value, timestamp, step}), params and tags in as few
        `runs/log-batch` requests as MLflow's limits allow; returns how many were sent."""
        items: list[tuple[str, dict[str, Any]]] = [("metrics", m) for m in metrics or ()]
        items += [("params", {"key": k, "value": v}) for k, v in (params or {}).items()]
        items += [("tags", {"key": k, "value": v}) for k, v in (tags or {}).items()]
        limits = {"metrics": MAX_METRICS, "params": MAX_PARAMS, "tags": MAX_TAGS}
        sent = 0
        batch: dict[str, list[dict[str, Any]]] = {"metrics": [], "params": [], "tags": []}
        for kind, item in items:
            full = len(batch[kind]) >= limits[kind] or sum(map(len, batch.values())) >= MAX_ITEMS
            if full:
                self.call("POST", "runs/log-batch", {"run_id": run_id, **batch})
                sent += 1
                batch = {"metrics": [], "params": [], "tags": []}
            batch[kind].append(item)
        if any(batch.values()):
            self.call("POST", "runs/log-batch", {"run_id": run_id, **batch})
            sent += 1
        return sent

    def finish_run(self, run_id: str, *, status: str, end_time: int) -> None:
        """Set a run's final status (FINISHED, FAILED or KILLED) and end time."""
        self.call("POST", "runs/update", {"run_id": run_id, "status": status, "end_time": end_time})


def pairs(items: Any) -> dict[str, Any]:
    """MLflow's [{key, value}, ...] lists (params, tags, latest metrics) as a dict."""
    return {
        str(item["key"]): item.get("value")
        for item in items or ()
        if isinstance(item, dict) and "key" in item
    }
