"""WildposeRunner's start-up check of the work dir."""
import shutil
from collections import namedtuple

import pytest

from wildpose.engine.runner import WorkDirError, check_work_dir


def test_a_writable_work_dir_with_room_passes(tmp_path):
    check_work_dir(str(tmp_path / 'new' / 'work'), 1024)
    assert (tmp_path / 'new' / 'work').is_dir()
    assert not list((tmp_path / 'new' / 'work').iterdir())   # the probe is removed


def test_an_unwritable_work_dir_fails_at_once(tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    with pytest.raises(WorkDirError, match=r'work dir .*a_file/work is not writable'):
        check_work_dir(str(blocker / 'work'), 1024)


def test_a_full_disk_fails_at_once(tmp_path, monkeypatch):
    usage = namedtuple('usage', 'total used free')
    monkeypatch.setattr(shutil, 'disk_usage', lambda path: usage(10 ** 9, 10 ** 9, 5 * 2 ** 20))
    with pytest.raises(WorkDirError, match=r'5 MiB free, but a checkpoint of this model needs '
                       r'about 100 MiB'):
        check_work_dir(str(tmp_path), 100 * 2 ** 20)
