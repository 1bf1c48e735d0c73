"""newsmon: follow one news story across many outlets, in one SQLite file."""

__version__ = "0.1.0"
