"""No code writes the contract's data around its models: a queryset's `.update()` or
`bulk_update()` skips `save()`, so the history, the revision (optimistic locking) and the
contract's figures of the roll-up would not follow. Writes go through model methods or the
writer of imports, which keeps them itself."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "crte"
WATCHED = {
    # models whose writes must go through save(): names, and the related managers reaching them
    "Action",
    "FundingLine",
    "Contract",
    "Orientation",
    "Priority",
    "Programme",
    "Indicator",
    "Target",
    "Measurement",
    "FundingAgreement",
    "Amendment",
    "Decision",
    "Meeting",
    "actions",
    "funding_lines",
    "lines",
    "indicators",
    "targets",
    "measurements",
    "orientations",
    "priorities",
    "decisions",
    "amendments",
}
ALLOWED = {
    # the writer of imports keeps history and figures itself (bulk rows, then a refresh)
    "importers/write/load.py",
}


def offending_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ("update", "bulk_update"):
            continue
        receiver = ast.unparse(node.func.value)
        names = {n.attr for n in ast.walk(node.func.value) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(node.func.value) if isinstance(n, ast.Name)}
        if node.func.attr == "update" and not any(
            isinstance(n, ast.Attribute) and n.attr in ("filter", "exclude", "all", "objects")
            for n in ast.walk(node.func.value)
        ):
            continue  # dict.update, set.update
        if names & WATCHED:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {receiver}.{node.func.attr}(…)")
    return found


def test_no_view_or_service_writes_the_contracts_data_around_its_models():
    offending = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative.endswith("models.py"):
            continue
        if relative in ALLOWED:
            continue
        offending += offending_calls(path)
    assert offending == [], "\n".join(offending)


def test_the_check_notices_a_write_around_the_model(tmp_path):
    source = tmp_path / "vue.py"
    source.write_text(
        "def vue(action):\n"
        "    Action.objects.filter(pk=action.pk).update(title='x')\n"
        "    contract.actions.filter(added_by=1).update(added_by=None)\n"
        "    totals.update({'a': 1})\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert [line.split(":")[1] for line in offending_calls(source)] == ["2", "3"]
    finally:
        ROOT = saved
