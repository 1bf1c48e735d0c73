"""Pure functions from bytes/text to typed records: no database, no Prefect, no network."""
