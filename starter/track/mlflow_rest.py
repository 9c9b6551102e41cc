"""MLflow's tracking REST API (`/api/2.0/mlflow/...`), spoken through starter's own HTTP
client so that no `mlflow` install is needed: experiments by name, runs created, logged in
batches and finished, and runs searched page by page.

One `Server` per tracking URI. Every call is one HTTP request; errors become StarterErrors
that name the server. The API is documented at https://mlflow.org/docs/latest/rest-api.html;
the limits below are MLflow's own (a larger `runs/log-batch` is refused with 400).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from starter.errors import InputError, NetworkError, NotFoundError

API = "/api/2.0/mlflow"
# runs/log-batch: at most 1000 metrics, 100 params and 100 tags, 1000 items in all.
MAX_METRICS, MAX_PARAMS, MAX_TAGS, MAX_ITEMS = 1000, 100, 100, 1000
# runs/search answers up to this many runs a page (the server's own cap is higher).
PAGE = 1000
HINT = (
    "check the address given by --tracking-uri (or STARTER_MLFLOW_URI), and that "
    "`mlflow server` runs there"
)


def check_uri(uri: str) -> str:
    """The tracking URI without its trailing slash; only http(s) servers are spoken to."""
    text = uri.strip().rstrip("/")
    if not text.startswith(("http://", "https://")):
        raise InputError(
            f"tracking URI {uri!r}: starter talks to an MLflow tracking server over HTTP; "
            "start one (`mlflow server --backend-store-uri sqlite:///mlflow.db`) and give its "
            "address, e.g. http://127.0.0.1:5000"
        )
    return text


class Server:
    """An MLflow tracking server at `uri`, reached through `client` (papers.http.Client).
    Credentials come from MLflow's own variables: MLFLOW_TRACKING_TOKEN (a bearer token) or
    MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (basic authentication)."""

    def __init__(self, uri: str, client: Any) -> None:
        self.uri = check_uri(uri)
        self.client = client
        self.name = f"the MLflow server {self.uri}"
        self.headers: dict[str, str] = {}
        if token := os.environ.get("MLFLOW_TRACKING_TOKEN"):
            self.headers["Authorization"] = f"Bearer {token}"
        elif user := os.environ.get("MLFLOW_TRACKING_USERNAME"):
            import base64

            pair = f"{user}:{os.environ.get('MLFLOW_TRACKING_PASSWORD', '')}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")

    # -- the one request -------------------------------------------------------------------

    def call(self, method: str, endpoint: str, body: Any = None, **params: Any) -> dict[str, Any]:
        """One API call; the JSON object it answers. A 404 with RESOURCE_DOES_NOT_EXIST
        raises NotFoundError, other refusals InputError, with MLflow's own message."""
        reply = self.client.send(
            method,
            f"{self.uri}{API}/{endpoint}",
            name=self.name,
            json=body,
            params=params or None,
            headers=self.headers,
            hint=HINT,
        )
        try:
            import json

            data = json.loads(reply.text) if reply.content.strip() else {}
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise NetworkError(
                f"{self.name} answered {endpoint} with something that is not MLflow's JSON "
                f"(HTTP {reply.status}); {HINT}"
            )
        if reply.status >= 400:
            code = str(data.get("error_code") or reply.status)
            message = str(data.get("message") or reply.text[:200]).strip()
            if code == "RESOURCE_DOES_NOT_EXIST":
                raise NotFoundError(f"{self.name}: {message}")
            if reply.status in (401, 403):
                raise InputError(
                    f"{self.name} refused the request ({reply.status}: {message}); set "
                    "MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and "
                    "MLFLOW_TRACKING_PASSWORD"
                )
            raise InputError(f"{self.name} refused {endpoint} ({code}): {message}")
        return data

    # -- experiments -----------------------------------------------------------------------

    def experiment_id(self, name: str) -> str | None:
        """The id of the experiment called `name`, or None when there is none. (A deleted
        experiment of that name is an error: MLflow keeps the name.)"""
        try:
            found = self.call("GET", "experiments/get-by-name", experiment_name=name)
        except NotFoundError:
            return None
        experiment = found.get("experiment") or {}
        if experiment.get("lifecycle_stage") == "deleted":
            raise InputError(
                f"{self.name}: the experiment {name!r} is deleted; restore it "
                f"(`mlflow experiments restore`) or choose another with --experiment"
            )
        return str(experiment["experiment_id"])

    def create_experiment(self, name: str) -> str:
        """A new experiment called `name`; its id."""
        return str(self.call("POST", "experiments/create", {"name": name})["experiment_id"])

    # -- runs --------------------------------------------------------------------------------

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
        requests = 0
        batch: dict[str, list[dict[str, Any]]] = {"metrics": [], "params": [], "tags": []}
        for kind, item in items:
            full = len(batch[kind]) >= limits[kind] or sum(map(len, batch.values())) >= MAX_ITEMS
            if full:
                self.call("POST", "runs/log-batch", {"run_id": run_id, **batch})
                requests += 1
                batch = {"metrics": [], "params": [], "tags": []}
            batch[kind].append(item)
        if any(batch.values()):
            self.call("POST", "runs/log-batch", {"run_id": run_id, **batch})
            requests += 1
        return requests

    def finish_run(self, run_id: str, *, status: str, end_time: int) -> None:
        """Set a run's final status (FINISHED, FAILED or KILLED) and end time."""
        self.call("POST", "runs/update", {"run_id": run_id, "status": status, "end_time": end_time})

    def search_runs(self, experiment_id: str, filter: str | None = None) -> Iterator[dict]:
        """Every active run of the experiment (each as MLflow's `Run` object: info, data
        with metrics, params and tags as lists of {key, value}), oldest first, page by
        page (`page_token`)."""
        token: str | None = None
        while True:
            body: dict[str, Any] = {
                "experiment_ids": [experiment_id],
                "max_results": PAGE,
                "order_by": ["attributes.start_time ASC"],
            }
            if filter:
                body["filter"] = filter
            if token:
                body["page_token"] = token
            page = self.call("POST", "runs/search", body)
            yield from page.get("runs") or ()
            token = page.get("next_page_token")
            if not token:
                return


def pairs(items: Any) -> dict[str, Any]:
    """MLflow's [{key, value}, ...] lists (params, tags, latest metrics) as a dict."""
    return {
        str(item["key"]): item.get("value")
        for item in items or ()
        if isinstance(item, dict) and "key" in item
    }
