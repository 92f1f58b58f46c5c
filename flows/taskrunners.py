"""Task runners: in-process threads (the default) or Dask through prefect-dask.

``--dask local`` starts a ``distributed.LocalCluster`` of worker processes
for the length of the run (two workers, one thread each; ``local:N`` for N
workers); ``--dask tcp://host:8786`` uses a running Dask scheduler.  Only the
per-document tasks (parse, NLP) are submitted; they are plain functions over
picklable dataclasses, so any worker can run them.
"""
from __future__ import annotations

from prefect.task_runners import ThreadPoolTaskRunner


def parse_dask(spec: str) -> dict:
    """``"local"`` / ``"local:N"`` / an address -> DaskTaskRunner keyword arguments."""
    spec = spec.strip()
    if spec == "local" or spec.startswith("local:"):
        workers = int(spec.split(":", 1)[1]) if ":" in spec else 2
        if workers < 1:
            raise ValueError("--dask local:N needs N >= 1")
        return {
            "cluster_class": "distributed.LocalCluster",
            "cluster_kwargs": {"n_workers": workers, "threads_per_worker": 1, "processes": True,
                               "dashboard_address": None},
        }
    if "://" not in spec and ":" not in spec:
        raise ValueError(f"--dask expects 'local', 'local:N' or a scheduler address, got {spec!r}")
    address = spec if "://" in spec else f"tcp://{spec}"
    return {"address": address}


def prefect_api_url() -> str:
    """The API the flow process talks to; starts Prefect's ephemeral server if none is set.

    Dask worker processes must use the same API.  Without it each worker
    would start an ephemeral server of its own on the same SQLite database:
    ~10 s per worker and runs that serialise on the database lock (measured:
    two workers no faster than one).
    """
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if url:
        return url
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # a per-process singleton: the flow's client reuses it
    server.start()
    return server.api_url


def make_task_runner(dask: str | None = None):
    if not dask:
        return ThreadPoolTaskRunner(max_workers=2)
    from prefect_dask import DaskTaskRunner

    kwargs = parse_dask(dask)
    if "cluster_kwargs" in kwargs:  # a LocalCluster: its workers share our Prefect API
        kwargs["cluster_kwargs"]["env"] = {"PREFECT_API_URL": prefect_api_url()}
    return DaskTaskRunner(**kwargs)


def default_task_runner():
    """The flows' default runner: threads, or Dask when ``CLAIMCHECK_DASK`` is set.

    The variable is what lets served deployments (``claimcheck deploy --dask``)
    use Dask: the runner starts each flow run in a fresh process that imports
    the flow module and so builds its task runner from the environment.
    """
    import os

    return make_task_runner(os.environ.get("CLAIMCHECK_DASK") or None)
