"""The one workflow shape (congdoan/workflow.py): each area's status column has one writer."""
import pathlib
import re

import pytest

# An assignment to a status attribute, a status among the values of an UPDATE, or a status key in
# the values of one; an object's first status in its constructor is set where it is made.
WRITE = re.compile(r"(\.status\s*=[^=]|values\(.*\bstatus\s*=|[\"']status[\"']\s*:)")


@pytest.mark.parametrize("model,writer", [("Task", "congdoan/tasks/workflow.py"),
                                          ("Plan", "congdoan/plans/workflow.py")])
def test_the_area_workflow_is_the_only_writer_of_the_status_column(model, writer):
    """No module but the area's workflow.py (through congdoan/workflow.write_status) moves its status."""
    offenders = []
    for path in pathlib.Path("congdoan").rglob("*.py"):
        source = path.read_text()
        if str(path) == writer or not re.search(rf"\b{model}\b", source):
            continue
        for number, line in enumerate(source.splitlines(), start=1):
            mentioned = re.search(rf"\b{model}\b|\b{model.lower()}\.", line)
            if WRITE.search(line) and mentioned and not line.lstrip().startswith("#"):
                offenders.append(f"{path}:{number}: {line.strip()}")
    assert offenders == []
