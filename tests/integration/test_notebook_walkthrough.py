"""notebooks/walkthrough.ipynb runs end to end in a real Jupyter kernel (nbclient): synthetic
data, training, evaluation and Grad-CAM through the project's modules, without errors."""

import nbformat
import pytest
from nbclient import NotebookClient

from tests.fixtures.media import REPO_ROOT

pytestmark = pytest.mark.slow

NOTEBOOK = REPO_ROOT / "notebooks" / "walkthrough.ipynb"


def outputs_of(notebook) -> tuple[str, int]:
    """(all stdout text, number of images shown)."""
    text, images = [], 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stdout":
                text.append(output.text)
            images += "image/png" in output.get("data", {})
    return "".join(text), images


def test_the_committed_notebook_carries_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


def test_the_notebook_runs_and_shows_every_step(tmp_path, monkeypatch):
    monkeypatch.setenv("WALKTHROUGH_DIR", str(tmp_path))  # the kernel inherits it: outputs go there
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # Raises CellExecutionError (with the cell and traceback) on the first failing cell.
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    text, images = outputs_of(notebook)
    assert images == 3  # a synthetic pair, the ROC curve, the Grad-CAM contact sheet
    assert "8 pairs" in text and "validation: 4 clips, ROC-AUC" in text
    for level in ("none", "light", "heavy"):
        assert f"\n{level} " in text
    assert "P(fake)" in text
    assert (tmp_path / "model" / "deepfake.pth").is_file()
    assert (tmp_path / "explain" / "contact_sheet.png").read_bytes().startswith(b"\x89PNG")
