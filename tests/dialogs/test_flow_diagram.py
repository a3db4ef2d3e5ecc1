"""The README's flow diagram is the machine's, and a stale one is caught."""

from __future__ import annotations

from pathlib import Path

from dialogs.flow_diagram import END, START, block, main, mermaid, with_diagram

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_diagram_is_up_to_date() -> None:
    readme = README.read_text(encoding="utf-8")
    assert block() in readme, "the README's flow diagram is stale: run `make diagram`"


def test_the_diagram_draws_every_branch_of_the_fault_decision() -> None:
    diagram = mermaid()
    assert diagram.startswith("---\nCall flow\n---\nstateDiagram-v2")
    assert (
        "decide --> own_error: fault_ours | fault_colleague [department_known] | fault_shared"
        in (diagram)
    )
    assert "decide --> explain: fault_client | fault_unclear" in diagram
    assert "propose --> propose: rejected [solution_chosen]" in diagram


def test_check_fails_on_a_stale_readme_and_write_fixes_it(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{START}\nold\n{END}\n\nafter\n", encoding="utf-8")
    assert main(["--check", str(readme)]) == 1
    assert main(["--write", str(readme)]) == 0
    assert main(["--check", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\n")
    assert text.endswith("\n\nafter\n")
    assert with_diagram(text) == text
