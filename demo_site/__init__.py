"""The bundled fake news site used by ``newsmon demo``, the end-to-end tests and the
benchmarks. See :mod:`demo_site.server` for the paths it serves."""

from demo_site.server import (
    LABELS,
    MINIMUMS,
    ArticleInfo,
    ArticleSpec,
    ContentError,
    DemoSite,
    FaultConfig,
    load_content,
)

__all__ = [
    "LABELS",
    "MINIMUMS",
    "ArticleInfo",
    "ArticleSpec",
    "ContentError",
    "DemoSite",
    "FaultConfig",
    "load_content",
]
