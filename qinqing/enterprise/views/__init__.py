"""Pages of the enterprise service station (爱企服务站), one module per area."""

from qinqing.core.views.common import filtered
from qinqing.enterprise.filters import WORKING

__all__ = ["WORKING", "filtered"]
