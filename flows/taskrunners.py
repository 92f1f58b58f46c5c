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


def make_task_runner(dask: str | None = None):
    if not dask:
        return ThreadPoolTaskRunner(max_workers=2)
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(**parse_dask(dask))


def default_task_runner():
    """The flows' default runner: threads, or Dask when ``CLAIMCHECK_DASK`` is set.

    The variable is what lets served deployments (``claimcheck deploy --dask``)
    use Dask: the runner starts each flow run in a fresh process that imports
    the flow module and so builds its task runner from the environment.
    """
    import os

    return make_task_runner(os.environ.get("CLAIMCHECK_DASK") or None)
