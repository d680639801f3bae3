"""Reading a run's store while its search writes it: the kill and signal tests wait for a count of trials."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def count_trials(db: Path, where: str = "") -> int:
    """Trials committed so far (``where``, an SQL condition, narrows them), read without blocking the writer (WAL
    readers do not); 0 while the store does not exist yet or is being created."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as conn:
            return conn.execute("SELECT COUNT(*) FROM trials" + (f" WHERE {where}" if where else "")).fetchone()[0]
    except sqlite3.Error:
        return 0
