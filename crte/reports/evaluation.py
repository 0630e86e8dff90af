"""The annual evaluation report for the COPIL: the dashboard's figures as of a date,
frozen in an EvaluationReport, with the actions added during the year and the year's
decisions; written as DOCX and PDF from that frozen copy."""

import datetime as dt
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from crte.core.charts import trajectory_chart
from crte.core.formats import format_date, format_euros, format_number, format_share
from crte.finance.maquette import GROUP_LABELS
from crte.governance.models import Decision
from crte.indicators.trajectory import Trajectory
from crte.reports.dashboard import dashboard_figures
from crte.reports.models import EvaluationReport
from crte.reports.pdf import html_to_pdf


def money(value) -> str:
    return str(value) if value is not None else None


def freeze(contract, year: int, as_of: dt.date) -> dict:
    """The dashboard figures as of `as_of`, in JSON (amounts as exact decimal strings)."""
    figures = dashboard_figures(contract, as_of=as_of)
    return {
        "contract": contract.name,
        "year": year,
        "as_of": as_of.isoformat(),
        "completion": _frozen_completion(figures["completion"]),
        "by_orientation": [
            {
                "orientation": row["orientation"].name,
                "actions": row["actions"],
                "started": row["started"],
                "done": row["done"],
                "amount": money(row["amount"]),
            }
            for row in figures["by_orientation"]
        ],
        "financing": _frozen_financing(figures["financing"]),
        "indicators": [_frozen_indicator(row) for row in figures["indicators"]],
        "late": [[a.title, why] for a, why in figures["late"]],
        "quality": figures["quality"],
        "added": _frozen_added(contract, year),
        "decisions": _frozen_decisions(contract, year),
    }


def _frozen_completion(completion: dict) -> dict:
    return {
        "total": completion["total"],
        "abandoned": completion["abandoned"],
        "by_maturity": [[label, n, money(amount)] for label, n, amount in completion["by_maturity"]],
        "done_rate": money(completion["done_rate"]),
        "started_rate": money(completion["started_rate"]),
        "started_rate_amount": money(completion["started_rate_amount"]),
        "amount_total": money(completion["amount_total"]),
    }


def _frozen_financing(financing: dict) -> dict:
    return {
        "totals": {k: money(v) for k, v in financing["totals"].items()},
        "by_funder": [
            {k: (money(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
            for row in financing["by_funder"]
        ],
        "unquantified": financing["unquantified"],
    }


def _frozen_indicator(row: dict) -> dict:
    return {
        "name": row["indicator"].name,
        "unit": row["indicator"].unit,
        "direction": row["indicator"].direction,
        "status": row["status_label"],
        "last_date": row["last"].date.isoformat() if row["last"] else None,
        "last_value": money(row["last"].value) if row["last"] else None,
        "goal": money(row["goal"]),
        "target_year": row["target"].year if row["target"] else None,
        "expected": money(row["position"].expected),
        "series": [[d.isoformat(), money(v), demo] for d, v, demo in row["series"]],
        "trajectory": _trajectory(row["trajectory"]),
        "is_demo": row["is_demo"],
    }


def _frozen_added(contract, year: int) -> list[list]:
    """The actions created during the year."""
    added = contract.actions.filter(created_at__year=year).order_by("title")
    return [[a.title, a.orientation.name, money(a.amount)] for a in added.select_related("orientation")]


def _frozen_decisions(contract, year: int) -> list[list]:
    """The decisions of the year's meetings, in order."""
    decisions = Decision.objects.filter(meeting__committee__contract=contract, meeting__date__year=year)
    return [
        [
            d.meeting.date.isoformat(),
            d.meeting.committee.get_kind_display(),
            d.get_kind_display(),
            d.subject,
            d.get_outcome_display(),
            d.meeting.is_demo,
        ]
        for d in decisions.select_related("meeting__committee").order_by("meeting__date", "order")
    ]


def _trajectory(trajectory: Trajectory | None):
    if trajectory is None:
        return None
    return [
        trajectory.baseline_date.isoformat(),
        str(trajectory.baseline),
        trajectory.target_date.isoformat(),
        str(trajectory.target),
    ]


def evaluation_date(year: int, as_of: dt.date | None, today: dt.date) -> dt.date:
    """The evaluation of year Y is frozen at 31/12/Y (or a chosen day within Y), never
    after today."""
    as_of = as_of or dt.date(year, 12, 31)
    if as_of.year != year:
        raise ValueError(f"La date d'arrêté doit être dans l'année évaluée ({year}).")
    return min(as_of, today)


def create_evaluation(contract, year: int, *, by=None, as_of: dt.date | None = None) -> EvaluationReport:
    """The figures are those of 31/12 of the year evaluated (or `as_of`, within it), or of
    today for the year under way."""
    as_of = evaluation_date(year, as_of, timezone.localdate())
    return EvaluationReport.objects.create(
        contract=contract, year=year, as_of=as_of, figures=freeze(contract, year, as_of), created_by=by
    )


def readable(report: EvaluationReport) -> dict:
    """The frozen figures with French formats, for the documents."""
    f = report.figures
    completion = f["completion"]
    return {
        "report": report,
        "title": f"Évaluation annuelle {f['year']}",
        "as_of": format_date(report.as_of),
        "contract": f["contract"],
        "completion": completion,
        "done_rate": format_share(_dec(completion["done_rate"])) or "—",
        "started_rate": format_share(_dec(completion["started_rate"])) or "—",
        "started_rate_amount": format_share(_dec(completion["started_rate_amount"])) or "—",
        "by_maturity": [(label, n, format_euros(_dec(a))) for label, n, a in completion["by_maturity"]],
        "by_orientation": [
            row | {"amount_text": format_euros(_dec(row["amount"]))} for row in f["by_orientation"]
        ],
        "status_totals": [
            (GROUP_LABELS[k], format_euros(_dec(v))) for k, v in f["financing"]["totals"].items()
        ],
        "funders": [
            {
                "funder": row["funder"],
                **{GROUP_LABELS[k]: format_euros(_dec(row[k])) for k in GROUP_LABELS},
                "total": format_euros(_dec(row["total"])),
            }
            for row in f["financing"]["by_funder"]
        ],
        "indicators": [_readable_indicator(row) for row in f["indicators"]],
        "late": f["late"],
        "quality": f["quality"],
        "added": [
            (title, orientation, format_euros(_dec(amount))) for title, orientation, amount in f["added"]
        ],
        "decisions": [
            (format_date(dt.date.fromisoformat(day)), committee, kind, subject, outcome, demo)
            for day, committee, kind, subject, outcome, demo in f["decisions"]
        ],
    }


def _readable_indicator(row: dict) -> dict:
    """A frozen indicator with its last value and goal in words, and its chart drawn."""
    series = [(dt.date.fromisoformat(d), Decimal(v), demo) for d, v, demo in row["series"]]
    t = row["trajectory"]
    trajectory = (
        Trajectory(dt.date.fromisoformat(t[0]), Decimal(t[1]), dt.date.fromisoformat(t[2]), Decimal(t[3]))
        if t
        else None
    )
    return row | {
        "last": f"{format_number(Decimal(row['last_value']), 2)} {row['unit']} au "
        f"{format_date(dt.date.fromisoformat(row['last_date']))}"
        if row["last_value"]
        else "pas de valeur",
        "goal_text": f"{format_number(Decimal(row['goal']), 2)} {row['unit']} en {row['target_year']}"
        if row["goal"]
        else "à préciser",
        "chart": trajectory_chart(series, trajectory, unit=row["unit"], title=row["name"]),
    }


def _dec(value):
    return Decimal(value) if value is not None else None


def evaluation_pdf(report: EvaluationReport) -> bytes:
    return html_to_pdf(render_to_string("reports/evaluation.html", readable(report)))


def evaluation_docx(report: EvaluationReport) -> bytes:
    content = readable(report)
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(content["title"], level=0)
    document.add_paragraph(f"{content['contract']} — chiffres arrêtés au {content['as_of']}.")
    document.add_heading("Synthèse", level=1)
    c = content["completion"]
    document.add_paragraph(
        f"{c['total']} actions suivies ({c['abandoned']} abandonnée(s)) ; engagées ou plus : "
        f"{content['started_rate']} en nombre, {content['started_rate_amount']} en montant ; achevées : "
        f"{content['done_rate']}."
    )
    _table(document, ["Maturité", "Actions", "Montant"], content["by_maturity"])
    document.add_heading("Avancement par orientation", level=1)
    _table(
        document,
        ["Orientation", "Actions", "Engagées ou plus", "Achevées", "Montant"],
        [
            (r["orientation"], r["actions"], r["started"], r["done"], r["amount_text"])
            for r in content["by_orientation"]
        ],
    )
    document.add_heading("Financements", level=1)
    _table(document, ["Statut", "Montant"], content["status_totals"])
    _table(
        document,
        ["Financeur", *GROUP_LABELS.values(), "Total"],
        [
            (r["funder"], *[r[label] for label in GROUP_LABELS.values()], r["total"])
            for r in content["funders"]
        ],
    )
    document.add_heading("Indicateurs et cibles", level=1)
    for row in content["indicators"]:
        demo = " (données de démonstration)" if row["is_demo"] else ""
        document.add_paragraph(
            f"{row['name']} : {row['last']} ; cible {row['goal_text']} ; {row['status'].lower()}{demo}.",
            style="List Bullet",
        )
    document.add_heading("Actions ajoutées dans l'année", level=1)
    _table(document, ["Action", "Orientation", "Montant"], content["added"] or [("Aucune", "", "")])
    document.add_heading("Décisions de l'année", level=1)
    _table(
        document,
        ["Date", "Instance", "Nature", "Objet", "Issue"],
        [
            (d, c, k, s, o + (" (démonstration)" if demo else ""))
            for d, c, k, s, o, demo in content["decisions"]
        ]
        or [("Aucune", "", "", "", "")],
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, header, rows) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = "" if value is None else str(value)
