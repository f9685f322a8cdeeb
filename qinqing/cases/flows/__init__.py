"""The engine's own flows, declared through the same registries a module uses."""

from qinqing.cases.flows import claim, work_order  # noqa: F401  (registers on import)
