"""What a move does besides changing state: a registry of named effects.

An effect is ``fn(move) -> dict`` of field changes for the case, run inside the
move's transaction before the state change is written (it may refuse the move
by raising ``InvalidInput`` or ``TransitionRefused``). Flows name effects on
their transitions; ``install_workflow`` refuses a flow naming an effect nobody
registered. The 12345 work order and the claim flow register theirs in
``qinqing.cases.flows``; a module registers its own in its AppConfig.ready.
"""

from collections.abc import Callable

EFFECTS: dict[str, Callable] = {}


def register_effect(name: str, fn: Callable | None = None):
    """``register_effect("name", fn)``, or as a decorator ``@register_effect("name")``."""

    def add(function: Callable) -> Callable:
        EFFECTS[name] = function
        return function

    return add(fn) if fn is not None else add


def run_effects(move) -> dict:
    updates: dict = {}
    for name in move.transition.effects:
        updates.update(EFFECTS[name](move) or {})
        move.updates = updates
    return updates
