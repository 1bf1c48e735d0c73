"""The Prefect layer: flows and tasks that wire the stages. No parsing or SQL here.

Importing this package sets Prefect's privacy and start-up defaults before Prefect is
imported (an explicit setting in the environment always wins).
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
