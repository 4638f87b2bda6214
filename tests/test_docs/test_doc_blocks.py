"""The marker syntax of the doc-test (tests/test_docs/doc_blocks.py)."""
import pytest

from doc_blocks import TINY_OPTIONS, marked_blocks

PAGE = """# Title
```bash
not marked
```
<!-- doctest -->
```bash
echo one
```
<!-- doctest: tiny; replace iter_2000.pth => iter_4.pth; needs person.jpg -->
```bash
python tools/train.py configs/weak3d/hg_mixed_synth.py \\
    --work-dir w
python tools/test.py configs/weak3d/hg_mixed_synth.py w/iter_2000.pth
```
<!-- doctest -->
```python
print(1)
```
"""


def test_marked_blocks_and_their_scripts():
    one, two, three = marked_blocks('page.md', PAGE)
    assert (one.line, one.script()) == (6, 'echo one\n')
    assert two.needs == ['person.jpg'] and two.tiny
    train, test = two.script().splitlines()
    assert train == ('python tools/train.py configs/weak3d/hg_mixed_synth.py      '
                     f'--work-dir w {TINY_OPTIONS["train"]}')
    assert test.endswith(f'w/iter_4.pth {TINY_OPTIONS["test"]}')
    assert 'train_cfg.max_iters=4' in train and '--speed-iters 2' in test
    assert three.script().startswith("python - <<'WILDPOSE_DOC_EOF'\nprint(1)\n")


@pytest.mark.parametrize('page, message', [
    ('<!-- doctest -->\ntext\n', 'must be followed by'),
    ('<!-- doctest -->\n```text\nx\n```\n', 'must be followed by'),
    ('<!-- doctest: fast -->\n```bash\nx\n```\n', "unknown doctest option 'fast'"),
    ('<!-- doctest: needs data.zip -->\n```bash\nx\n```\n', "needs 'data.zip'"),
    ('<!-- doctest -->\n```bash\nx\n', 'not closed'),
])
def test_bad_markers_are_errors(page, message):
    with pytest.raises(ValueError, match=message):
        marked_blocks('p.md', page)


def test_a_replacement_must_apply():
    block, = marked_blocks('p.md', '<!-- doctest: replace a.py => b.py -->\n```bash\nx\n```\n')
    with pytest.raises(ValueError, match="'a.py' is not in the block"):
        block.script()
