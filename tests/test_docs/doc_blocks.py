"""The shell commands of the docs that CI runs: fenced blocks marked for testing.

A block is marked by an HTML comment on the line before its opening fence::

    <!-- doctest -->
    ```bash
    python tools/misc/print_config.py configs/weak3d/hg_mixed.py
    ```

The comment may carry options, separated by ``;``:

* ``tiny``: every call of tools/train.py, tools/test.py, tools/dist_train.sh or
  tools/dist_test.sh gets :data:`TINY_OPTIONS` appended (8 samples a synthetic split,
  4 iterations), so the docs show the real command and CI runs it in seconds;
* ``replace OLD => NEW``: a literal replacement (e.g. ``iter_2000.pth => iter_4.pth``);
* ``needs FILE``: the test provides FILE in the working folder first (see
  :data:`PROVIDED`).

``bash``/``sh``/``shell`` blocks run with ``bash -euo pipefail``; ``python`` blocks
through ``python -``. The blocks of one page run in order, in one folder.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = re.compile(r'^\s*<!--\s*doctest(?::(?P<options>.*?))?\s*-->\s*$')
FENCE = re.compile(r'^\s*```(?P<lang>[\w-]*)\s*$')
SHELLS = ('bash', 'sh', 'shell')
TOOL_CALL = re.compile(r'tools/(train\.py|test\.py|dist_train\.sh|dist_test\.sh)\b')
#: files a block may ask for with ``needs`` (made by the test)
PROVIDED = ('hgreg-3d.pth', 'person.jpg')


def tiny_options(iters: int = 4) -> list[str]:
    """``--cfg-options`` values that shrink a synthetic-benchmark job to ``iters``
    iterations and 8 samples a split (also used by tests/test_tools/test_example_plugin.py)."""
    opts = [f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
            'train_dataloader.batch_size=4', 'train_dataloader.sampler.batch_size=4']
    for loader in ('train', 'val', 'test'):
        opts += [f'{loader}_dataloader.num_workers=0',
                 f'{loader}_dataloader.persistent_workers=False']
        opts += [f'{loader}_dataloader.dataset.datasets.{i}.num_samples=8' for i in (0, 1)]
    return opts


#: appended to the tools' calls in ``tiny`` blocks (synthetic-benchmark configs)
TINY_OPTIONS = {'train': '--cfg-options ' + ' '.join(tiny_options()),
                'test': '--cfg-options ' + ' '.join(tiny_options()) + ' --speed-iters 2'}


@dataclass
class DocBlock:
    path: str
    line: int            # 1-based line of the opening fence
    lang: str
    code: str
    tiny: bool = False
    replace: list[tuple[str, str]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)

    def where(self) -> str:
        return f'{self.path}:{self.line}'

    def script(self) -> str:
        """The bash script CI runs for this block."""
        code = self.code
        for old, new in self.replace:
            if old not in code:
                raise ValueError(f'{self.where()}: replace: {old!r} is not in the block')
            code = code.replace(old, new)
        if self.lang == 'python':
            return f"python - <<'WILDPOSE_DOC_EOF'\n{code}\nWILDPOSE_DOC_EOF\n"
        if self.tiny:
            code = code.replace('\\\n', ' ')
            lines = []
            for line in code.splitlines():
                match = TOOL_CALL.search(line)
                if match:
                    kind = 'test' if 'test' in match.group(1) else 'train'
                    line = f'{line} {TINY_OPTIONS[kind]}'
                lines.append(line)
            if not any(TOOL_CALL.search(line) for line in lines):
                raise ValueError(f'{self.where()}: tiny, but no call of the training or '
                                 'test tools')
            code = '\n'.join(lines)
        return code + '\n'


def _options(text: str, where: str) -> dict:
    out: dict = dict(tiny=False, replace=[], needs=[])
    for part in filter(None, (p.strip() for p in (text or '').split(';'))):
        if part == 'tiny':
            out['tiny'] = True
        elif part.startswith('replace ') and ' => ' in part:
            old, new = part[len('replace '):].split(' => ', 1)
            out['replace'].append((old.strip(), new.strip()))
        elif part.startswith('needs '):
            name = part[len('needs '):].strip()
            if name not in PROVIDED:
                raise ValueError(f'{where}: needs {name!r}: the tests provide {PROVIDED}')
            out['needs'].append(name)
        else:
            raise ValueError(f'{where}: unknown doctest option {part!r}')
    return out


def marked_blocks(path: str, text: str | None = None) -> list[DocBlock]:
    """The marked blocks of a Markdown file, in order.

    Raises:
        ValueError: a marker not followed by a fenced shell or python block, an
            unknown option, or an unterminated block.
    """
    lines = (open(path, encoding='utf-8').read() if text is None else text).splitlines()
    blocks: list[DocBlock] = []
    i = 0
    while i < len(lines):
        marker = MARKER.match(lines[i])
        if not marker:
            i += 1
            continue
        where = f'{path}:{i + 1}'
        fence = FENCE.match(lines[i + 1]) if i + 1 < len(lines) else None
        if fence is None or fence.group('lang') not in SHELLS + ('python',):
            raise ValueError(f'{where}: a doctest marker must be followed by a ```bash or '
                             '```python block')
        end = next((j for j in range(i + 2, len(lines)) if lines[j].strip() == '```'), None)
        if end is None:
            raise ValueError(f'{where}: the block is not closed')
        lang = 'python' if fence.group('lang') == 'python' else 'bash'
        blocks.append(DocBlock(path, i + 2, lang, '\n'.join(lines[i + 2:end]),
                               **_options(marker.group('options'), where)))
        i = end + 1
    return blocks
