"""``HOME=''``: every path a user gives is expanded as :func:`nasloop.engine.user_dirs.expand_user` expands it. The
run folder, the data folder and the cache refused '~/...' in one line under such a home, but the image folder
(``image_dir``, ImageFolder's root), a resumed run's pretrained files, a resume's TensorBoard folder and the data
folder sent to a joined Ray cluster's workers still went through Python's own expansion, which makes ``~/imagenet``
the root's ``/imagenet``: another folder than the one the user meant, read in silence."""
from __future__ import annotations

import pytest

from nasloop.engine.data.imagenet import ImageFolder, locate_image_folder
from nasloop.engine.errors import ConfigError
from nasloop.engine.executors.ray_setup import worker_options
from nasloop.engine.user_files import repoint_pretrained

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.fixture
def empty_home(monkeypatch):
    monkeypatch.setenv("HOME", "")


@pytest.mark.usefixtures("empty_home")
def test_an_image_folder_under_an_empty_home_is_one_line():
    with pytest.raises(ConfigError, match=r"'~/imagenet' starts with ~, but \$HOME is ''"):
        locate_image_folder("~/imagenet", None)  # was Path('/imagenet'), read as the user's image folder
    with pytest.raises(ConfigError, match="starts with ~"):
        ImageFolder("~/imagenet")


@pytest.mark.usefixtures("empty_home")
def test_a_pretrained_file_under_an_empty_home_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match=r"'~/weights\.pt' starts with ~"):  # was '/weights.pt is not a file'
        repoint_pretrained({}, {"weights.pt": "0" * 64}, ["~/weights.pt"], tmp_path / "run", tmp_path)


@pytest.mark.usefixtures("empty_home")
def test_the_data_folder_a_cluster_is_sent_under_an_empty_home_is_one_line(monkeypatch):
    monkeypatch.setenv("NASLOOP_DATA", "~/data")
    with pytest.raises(ConfigError, match=r"'~/data' starts with ~"):  # was '/data', sent to every worker
        worker_options("10.0.0.1:6379")
