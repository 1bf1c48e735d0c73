"""The Prefect layer: flows and tasks that wire the stages. No parsing or SQL here."""
