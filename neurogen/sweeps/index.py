"""A sweep's ``index.csv``: one row per run, rewritten atomically."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..io import ResultFileError, atomic_write_text, verify_results
from .errors import SweepError, one_line

INDEX = "index.csv"
_FIXED_COLUMNS = ("seed", "status", "runtime_s", "file", "compile", "worker", "error")


class SweepIndex:
    """``index.csv``: one row per run, rewritten atomically after every finished run."""

    def __init__(self, folder: Path):
        self.path = folder / INDEX
        self.rows: dict = {}
        self.columns: list = ["run"]
        self.damaged: list = []     # why each damaged result file was redone
        if self.path.exists():
            with open(self.path, newline="") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or "run" not in reader.fieldnames:
                    raise SweepError(f"{self.path} is not a neurogen sweep index")
                self.columns = list(reader.fieldnames)
                for row in reader:
                    self.rows[row["run"]] = row

    def done(self, run_id: str) -> bool:
        """Whether the run finished: its row says ok and its result file reads back
        whole. A damaged file (truncated by hand, a full disk...) is removed and listed
        in :attr:`damaged`, and the run is done again."""
        row = self.rows.get(run_id)
        name = (row or {}).get("file") or ""
        if not (row and row.get("status") == "ok" and name and Path(name).name == name):
            return False
        path = self.path.parent / name
        if not path.is_file():
            return False
        try:
            verify_results(path)
        except ResultFileError as exc:
            self.damaged.append(one_line(exc))
            path.unlink(missing_ok=True)
            return False
        return True

    def update(self, row: dict):
        self.rows[row["run"]] = {k: ("" if v is None else v) for k, v in row.items()}
        for key in row:
            if key not in self.columns:
                self.columns.append(key)
        self.save()

    def reorder(self, run_ids: list):
        """Rows of this sweep in its own order (after rows of earlier sweeps)."""
        ours = [r for r in run_ids if r in self.rows]
        others = [r for r in self.rows if r not in set(ours)]
        self.rows = {r: self.rows[r] for r in others + ours}
        self.save()

    def save(self):
        ordered = ["run"] + [c for c in self.columns if c not in _FIXED_COLUMNS
                             and c != "run"] + [c for c in _FIXED_COLUMNS]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=ordered, restval="", lineterminator="\n")
        writer.writeheader()
        for row in self.rows.values():
            writer.writerow({k: row.get(k, "") for k in ordered})
        atomic_write_text(self.path, buffer.getvalue())
