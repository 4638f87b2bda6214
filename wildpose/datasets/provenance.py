"""Where a converted annotation file came from, and whether it is still what was written.

``tools/dataset_converters/*`` write ``<file>.provenance.json`` beside each file they
produce: the converter, its output version, the generating parameters with their
SHA-256, and the SHA-256 of the file. The readers call :func:`verify_provenance` on the
files they open: a file converted by an older converter version (stale) or changed after
conversion (tampered) is refused with one line naming it and the converter to re-run.
A file without the record (made by hand, or before records existed) is read as before.
"""
from __future__ import annotations

import hashlib
import json
import os.path as osp
from typing import Any

from .loading_checks import AnnotationError

SUFFIX = '.provenance.json'
#: the output version of each converter; bump it when what the converter writes changes
CONVERTER_VERSIONS = {'h36m_to_npz': 1, 'mpii_mat_to_json': 1}


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def _params_sha256(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def write_provenance(path: str, converter: str, params: dict[str, Any]) -> str:
    """Write the record of ``path`` (already written by ``converter``); returns its path."""
    record = dict(converter=converter, version=CONVERTER_VERSIONS[converter], params=params,
                  params_sha256=_params_sha256(params), sha256=file_sha256(path))
    with open(path + SUFFIX, 'w') as f:
        json.dump(record, f, indent=1, sort_keys=True)
    return path + SUFFIX


def verify_provenance(path: str) -> None:
    """Raise :class:`AnnotationError` if ``path`` has a record that it no longer matches."""
    side = path + SUFFIX
    if not osp.isfile(side):
        return
    try:
        with open(side) as f:
            record = json.load(f)
        converter, version = record['converter'], record['version']
        params, params_sha, sha = record['params'], record['params_sha256'], record['sha256']
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise AnnotationError(f'{side}: unreadable conversion record ({err}); re-run the '
                              'converter or delete the record') from None
    rerun = f'; re-run tools/dataset_converters/{converter}.py'
    current = CONVERTER_VERSIONS.get(converter)
    if current is None:
        raise AnnotationError(f"{side}: field 'converter' names no known converter "
                              f'({converter!r})')
    if version != current:
        raise AnnotationError(f'{path}: written by {converter} version {version}, the '
                              f'current version is {current} (stale){rerun}')
    if _params_sha256(params) != params_sha or file_sha256(path) != sha:
        raise AnnotationError(f'{path}: changed after conversion (it no longer matches the '
                              f'checksums in {osp.basename(side)}){rerun}')
