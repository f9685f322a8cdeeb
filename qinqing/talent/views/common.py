from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from qinqing.core.models import Role


@login_required
def home(request):
    """Each role starts where its work is."""
    if request.user.role == Role.RESIDENT:
        return redirect("talent-search")
    if request.user.role == Role.ENTERPRISE:
        return redirect("talent-postings")
    return redirect("talent-review")


class RankedHits:
    """Search hits for Django's Paginator: counts once, fetches one page when sliced."""

    def __init__(self, rows, query: str):
        from qinqing.talent import services

        self.rows, self.query, self._services = rows, query, services
        self._total = None

    def count(self) -> int:
        if self._total is None:
            _ids, self._total = self._services.search_postings(self.rows, self.query, 1, 0)
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window):
        from qinqing.talent.models import Posting

        start, stop = window.start or 0, window.stop or 0
        hits, self._total = self._services.search_postings(
            self.rows, self.query, stop - start, start
        )
        found = Posting.objects.select_related("employer", "location").in_bulk(
            [pk for pk, _score in hits]
        )
        return [found[pk] for pk, _score in hits if pk in found]
