"""The figures: every number tether shows about an integration, computed in one place.

The dashboard, the detail screen, `tether costs`, readiness, `tether docs`, `/metrics` and
`/api/status` all read `read_figures`; none computes a figure of its own.
"""

from tether.figures.cost import Basis, CostFigures
from tether.figures.integration import (
    CheckFigures,
    IntegrationFigures,
    ProcessingTime,
    Source,
    Success,
    Uptime,
    read_figures,
)
from tether.figures.quality import QualityFigures

__all__ = [
    "Basis",
    "CheckFigures",
    "CostFigures",
    "IntegrationFigures",
    "ProcessingTime",
    "QualityFigures",
    "Source",
    "Success",
    "Uptime",
    "read_figures",
]
