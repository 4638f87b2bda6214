"""Shared behaviour of the command-line tools: clear one-line errors for bad input."""
from __future__ import annotations

import os
import sys
import traceback
from typing import Callable, TypeVar

T = TypeVar('T')

#: errors caused by what the user gave us (a file, a config, a checkpoint); anything
#: else is a bug and keeps its full traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (FileNotFoundError, KeyError, ValueError,
                                               TypeError, OSError)


def run_cli(main: Callable[[], T]) -> T:
    """Call ``main``; print a user error as ``<tool>: error: <message>`` and exit 2.

    Set ``WILDPOSE_DEBUG=1`` to get the full traceback instead.
    """
    try:
        return main()
    except USER_ERRORS as err:
        if os.environ.get('WILDPOSE_DEBUG'):
            raise
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        tool = os.path.basename(sys.argv[0]) or 'wildpose'
        frame = traceback.extract_tb(err.__traceback__)[-1]
        print(f'{tool}: error: {type(err).__name__}: {message}\n'
              f'(raised at {frame.filename}:{frame.lineno}; set WILDPOSE_DEBUG=1 for the '
              'full traceback)', file=sys.stderr)
        sys.exit(2)
