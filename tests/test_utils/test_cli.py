"""run_cli: one line for every user error, also from a DataLoader worker."""
import subprocess
import sys

import pytest
import torch

from wildpose.utils.cli import one_line, run_cli


class _Broken(torch.utils.data.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        raise ValueError(f"/data/ann.json: field 'bbox' of sample {i} is empty")


def test_an_error_from_a_dataloader_worker_is_one_line():
    loader = torch.utils.data.DataLoader(_Broken(), num_workers=1)
    with pytest.raises(ValueError) as info:
        next(iter(loader))
    assert 'Original Traceback' in str(info.value)      # torch's 30-line message
    assert one_line(info.value) == ("/data/ann.json: field 'bbox' of sample 0 is empty "
                                    '(in DataLoader worker process 0)')


def test_run_cli_prints_one_line_and_exits_2(tmp_path):
    script = tmp_path / 'tool.py'
    script.write_text('from wildpose.utils.cli import run_cli\n'
                      'def main():\n'
                      "    raise KeyError('unknown type \\'Foo\\'\\nin the registry')\n"
                      'run_cli(main)\n')
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "tool.py: error: KeyError: unknown type 'Foo' in the registry "
        '(WILDPOSE_DEBUG=1 shows the traceback)']
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env={**__import__('os').environ, 'WILDPOSE_DEBUG': '1'})
    assert 'Traceback' in proc.stderr


def test_a_bug_keeps_its_traceback():
    with pytest.raises(ZeroDivisionError):
        run_cli(lambda: 1 / 0)
