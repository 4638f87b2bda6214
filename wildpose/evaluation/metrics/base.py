"""What every wildpose metric declares, so that the tools ask it instead of matching names."""
from __future__ import annotations

from typing import ClassVar

from mmengine.evaluator import BaseMetric


class WildposeMetric(BaseMetric):
    """Base of the registered metrics (not registered itself).

    Class attributes a metric sets:

    * ``units``: result name -> unit (``'mm'``, ``'%'``), for the names the metric
      reports before any group prefix or ``_action_mean`` / ``_scene_mean`` suffix; the
      report labels its columns with them;
    * ``supports_per_joint``: the metric takes ``per_joint=True`` and then reports
      ``joint/<name>/<metric>``; ``tools/test.py`` switches it on for its report;
    * ``produces_numbers``: False for collectors that only gather samples (dumps); an
      offline re-evaluation leaves them out.
    """

    default_prefix = ''
    units: ClassVar[dict[str, str]] = {}
    supports_per_joint: ClassVar[bool] = False
    produces_numbers: ClassVar[bool] = True
