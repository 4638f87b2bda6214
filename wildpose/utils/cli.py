"""Shared behaviour of the command-line tools: one clear line for each user error."""
from __future__ import annotations

import os
import re
import sys
from typing import Callable, TypeVar

T = TypeVar('T')

#: errors caused by what the user gave us (a file, a config, a checkpoint, settings that
#: make training diverge: FloatingPointError); anything else is a bug and keeps its full
#: traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (FileNotFoundError, KeyError, ValueError,
                                                TypeError, OSError, FloatingPointError)

#: how torch re-raises an exception from a DataLoader worker: the worker's whole
#: traceback in the message
_WORKER = re.compile(r'^Caught \w+ in (DataLoader worker process \d+)\.\s*\n'
                     r'Original Traceback \(most recent call last\):\n', re.S)


def one_line(err: BaseException) -> str:
    """The message of ``err`` on one line; an error re-raised from a DataLoader worker
    gives the worker's own message (the last line of its traceback) and says which."""
    message = err.args[0] if isinstance(err, KeyError) and err.args else err
    text = str(message)
    worker = _WORKER.match(text)
    if worker:
        last = [line for line in text.strip().splitlines() if line.strip()][-1].strip()
        last = re.sub(r'^[\w.]+(Error|Exception|Warning): ', '', last)
        text = f'{last} (in {worker.group(1)})'
    return ' '.join(part.strip() for part in text.splitlines() if part.strip())


def run_cli(main: Callable[[], T]) -> T:
    """Call ``main``; print a user error as one line, ``<tool>: error: <Type>: <message>``,
    and exit 2. Set ``WILDPOSE_DEBUG=1`` to get the full traceback instead."""
    try:
        return main()
    except USER_ERRORS as err:
        if os.environ.get('WILDPOSE_DEBUG'):
            raise
        tool = os.path.basename(sys.argv[0]) or 'wildpose'
        print(f'{tool}: error: {type(err).__name__}: {one_line(err)} '
              '(WILDPOSE_DEBUG=1 shows the traceback)', file=sys.stderr)
        sys.exit(2)


def emit(text: str, markdown: str | os.PathLike | None = None,
         json_path: str | os.PathLike | None = None, json_data: object = None) -> None:
    """How the analysis tools hand over a result: print ``text``; write it to
    ``markdown`` and ``json_data`` as JSON to ``json_path`` where those are given."""
    import json

    print(text)
    if markdown:
        with open(markdown, 'w') as f:
            f.write(text if text.endswith('\n') else text + '\n')
    if json_path:
        with open(json_path, 'w') as f:
            json.dump(json_data, f, indent=1)
