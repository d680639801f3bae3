"""How a user's own files are read (nasloop.engine.user_files): a YAML key written twice is refused, whichever
way it is spelt, and a byte order mark is not part of the text."""
from __future__ import annotations

import pytest


def test_a_key_written_twice_is_refused_and_merge_keys_still_override():
    from nasloop.engine.errors import ConfigError
    from nasloop.engine.user_files import load_yaml_text

    with pytest.raises(ConfigError, match="line 2, column 1: key 'lr' is given twice"):
        load_yaml_text("lr: 0.1\nlr: 0.2\n", "config.yaml")
    merged = load_yaml_text("base: &base {lr: 0.1}\na: {inner: &o {<<: *base, lr: 0.2}}\nb: {<<: *o}\n", "c")
    assert merged["a"]["inner"] == merged["b"] == {"lr": 0.2}
    assert load_yaml_text("{1: a, '1': b}", "c") == {1: "a", "1": "b"}  # an int and a string are two keys
    for twice in ("{1: a, 0x1: b}", "{yes: a, true: b}", "{~: a, null: b}", "{4e6: a, 4000000.0: b}"):
        with pytest.raises(ConfigError, match="is given twice"):  # written differently, one key
            load_yaml_text(twice, "c")


def test_a_byte_order_mark_is_not_part_of_a_users_text(tmp_path):
    """Windows editors start UTF-8 files with a BOM; an architecture list must not read it as part of line 1."""
    from nasloop.engine.user_files import read_user_text

    path = tmp_path / "archs.txt"
    path.write_bytes(b"\xef\xbb\xbf|none~0|+|none~0|none~1|+|none~0|none~1|none~2|\r\n")
    assert read_user_text(path, "--archs-file").splitlines() == ["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"]
    path.write_bytes(b"\xef\xbb\xbfabc\xe9def")  # Latin-1 after the mark: the offset is the file's own
    with pytest.raises(Exception, match=r"byte 0xe9 at offset 6"):
        read_user_text(path, "--archs-file")
