"""The README's diagram of the call flow, drawn from the machine's own table.

`python -m dialogs.flow_diagram --write README.md` replaces what stands between the markers;
`--check README.md` exits 1 when the README is stale. Rows whose destination is known only at run
time (`back`, `take`, `acknowledge`) would add a line from every stage to every other one: they
are named in a sentence under the diagram instead of drawn.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from transitions.extensions.diagrams import GraphMachine

from dialogs.call_flow import TRANSITIONS
from dialogs.case_terms import Stage

START = "<!-- flow-diagram:start -->"
END = "<!-- flow-diagram:end -->"
RUN_TIME_DESTINATIONS = ("back", "take", "acknowledge")
FOOTNOTE = (
    "Not drawn, because their destination is known only at run time: `back` returns to the"
    " previous stage; `take` (a supervisor or admin) and `acknowledge` (the colleague it was"
    " handed to) resume an escalated or handed-off case at the stage where it was paused."
)


def _value(stage: Any) -> Any:
    if isinstance(stage, list):
        return [_value(item) for item in stage]
    return stage.value if isinstance(stage, Stage) else stage


class _Diagram:
    """A model for the graph machine; it only needs somewhere to hang `get_graph`."""

    get_graph: Any


def mermaid() -> str:
    """The flow as mermaid `stateDiagram-v2` text."""
    rows = [
        {**row, "source": _value(row["source"]), "dest": _value(row["dest"])}
        for row in TRANSITIONS
        if row["trigger"] not in RUN_TIME_DESTINATIONS
    ]
    model = _Diagram()
    graph_machine = GraphMachine(
        model=model,
        states=[stage.value for stage in Stage],
        transitions=rows,
        initial=Stage.LISTEN.value,
        auto_transitions=False,
        graph_engine="mermaid",
        title="Call flow",
        show_conditions=True,
    )
    # A long flow reads better top to bottom (an instance copy: the class dict is shared).
    graph_machine.machine_attributes = {**GraphMachine.machine_attributes, "rankdir": "TB"}
    graph_machine.model_graphs[id(model)].reset_styling()  # no stage is "current" in a diagram
    lines = str(model.get_graph().source).splitlines()
    return "".join(line.rstrip() + "\n" for line in lines)


def block() -> str:
    """What goes between the README markers."""
    return f"{START}\n```mermaid\n{mermaid()}```\n\n{FOOTNOTE}\n{END}"


def with_diagram(readme: str) -> str:
    """`readme` with the block between the markers replaced by the current diagram."""
    head, start, rest = readme.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the README has no {START} … {END} markers")
    return head + block() + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, metavar="README", help="update the diagram")
    action.add_argument("--check", type=Path, metavar="README", help="exit 1 when it is stale")
    args = parser.parse_args(argv)
    path: Path = args.write or args.check
    current = path.read_text(encoding="utf-8")
    updated = with_diagram(current)
    if args.check:
        if updated != current:
            print(f"{path}: the flow diagram is stale; run `make diagram`", file=sys.stderr)
            return 1
        return 0
    path.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
