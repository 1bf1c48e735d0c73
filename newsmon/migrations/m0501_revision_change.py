"""``article_revisions.change``: what kind of change a revision was.

``rewrite`` (the publisher changed what the article says: raises ARTICLE_UPDATED) or
``longer_cut`` (the same article, longer: the full text after a trimmed copy of it,
kept without an alert). See ``newsmon.revisions``.
"""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    table = db.table("article_revisions")
    if "change" not in table.columns_dict:
        table.add_column("change", str, not_null_default="rewrite")
