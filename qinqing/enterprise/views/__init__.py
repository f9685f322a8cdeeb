"""Pages of the enterprise service station (爱企服务站), one module per area."""

from qinqing.core.views.common import filtered

__all__ = ["filtered"]
