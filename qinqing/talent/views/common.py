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
    """Search hits for Django's Paginator: ranks (or counts) once, fetches one page."""

    def __init__(self, rows, query: str):
        from qinqing.talent import services

        self.rows, self.query, self._services = rows, (query or "").strip(), services
        self._hits = None
        self._total = None

    def count(self) -> int:
        if self._total is None:
            if self.query:
                self._hits = self._services.ranked_ids(self.rows, self.query)
                self._total = len(self._hits)
            else:
                self._total = self.rows.count()
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window):
        from qinqing.talent.models import Posting

        start, stop = window.start or 0, window.stop or 0
        if self.query:
            self.count()
            ids = [pk for pk, _score in self._hits[start:stop]]
        else:
            ids = list(self.rows.values_list("pk", flat=True)[start:stop])
        found = Posting.objects.select_related("employer", "location").in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]
