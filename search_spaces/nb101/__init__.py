"""NAS-Bench-101: the cell graph (value, validation, hash, edits, encodings), its network and its cost."""
