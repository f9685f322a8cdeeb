"""Why a move was refused (answered 409 by the API, shown as a message on pages)."""


class TransitionRefused(Exception):
    """The case is not in a state this move starts from (or it moved meanwhile)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class AlreadyClaimed(TransitionRefused):
    def __init__(self):
        super().__init__("已被认领")


class ClaimLimitReached(TransitionRefused):
    def __init__(self, limit: int):
        super().__init__(f"认领数已达上限：同时最多认领 {limit} 项，请先完成已认领的事项")
