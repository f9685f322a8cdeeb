"""Pages of the enterprise service station (爱企服务站), one module per area."""

from qinqing.cases.models import StateKind

WORKING = (StateKind.OPEN, StateKind.IN_PROGRESS)
