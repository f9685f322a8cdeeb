"""Visits (走访): staff going to an enterprise or a person."""

from django.db import models


class Visit(models.Model):
    visited_at = models.DateTimeField("走访时间")
    visitor = models.ForeignKey(
        "core.User", verbose_name="走访人", on_delete=models.PROTECT, related_name="visits"
    )
    companions = models.CharField("同行人员", max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "core.Enterprise",
        verbose_name="走访企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    person = models.ForeignKey(
        "core.Person",
        verbose_name="走访对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name="所属区划", on_delete=models.PROTECT, editable=False
    )
    notes = models.TextField("走访情况")
    follow_ups = models.TextField("后续事项", blank=True)
    follow_up_due = models.DateField("后续事项期限", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访记录"
        ordering = ["-visited_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(enterprise__isnull=False, person__isnull=True)
                    | models.Q(enterprise__isnull=True, person__isnull=False)
                ),
                name="visit_has_exactly_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_at:%Y-%m-%d} 走访{self.target}"

    @property
    def target(self):
        return self.enterprise or self.person
