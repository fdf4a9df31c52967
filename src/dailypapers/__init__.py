"""dailypapers: the Hugging Face Daily Papers feed as a Jekyll digest and a searchable archive.

The pipeline runs in stages, one module each: :mod:`hub` fetches a day's raw entries,
:mod:`models` turns them into :class:`Paper` objects, :mod:`render` makes the post and
data file, :mod:`write` puts them on disk atomically, and :mod:`pipeline` runs the stages
in order. Every failure the library reports is a :class:`DailyPapersError`.
"""

from dailypapers.errors import (
    ConfigError,
    DailyPapersError,
    HubDataError,
    HubError,
    HubHTTPError,
    HubUnavailable,
    SiteError,
)
from dailypapers.models import Organization, Paper

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DailyPapersError",
    "HubDataError",
    "HubError",
    "HubHTTPError",
    "HubUnavailable",
    "Organization",
    "Paper",
    "SiteError",
    "__version__",
]
