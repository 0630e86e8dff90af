from django.conf import settings
from django.db import models
from django.urls import reverse

from crte.contracts.models import Contract, plausible_year


class EvaluationReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EvaluationReportQuerySet":
        return self.filter(contract__in=Contract.objects.visible_to(user))


class EvaluationReport(models.Model):
    """The annual evaluation for the COPIL (Art. 8-9), its figures frozen at a date: the
    documents are drawn from this copy, not from the live data."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField("année évaluée")
    as_of = models.DateField("chiffres arrêtés au")
    figures = models.JSONField("chiffres figés")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EvaluationReportQuerySet.as_manager()

    class Meta:
        verbose_name = "évaluation annuelle"
        verbose_name_plural = "évaluations annuelles"
        ordering = ["contract", "-year", "-created_at"]
        constraints = [models.CheckConstraint(condition=plausible_year("year"), name="evaluation_year")]

    def __str__(self) -> str:
        return f"Évaluation {self.year} — {self.contract} (au {self.as_of:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("reports:evaluation_detail", args=[self.pk])
