"""List what each wildpose registry holds, with the file that registers each entry.

    python tools/misc/list_modules.py [REGISTRY] [--import MODULE ...] [--parents]

REGISTRY is a registry's variable or name (``MODELS`` or ``model``, ``TRANSFORMS`` or
``transform``, ...); without it every registry is listed. ``--import`` first imports
your own modules (what a config's ``custom_imports`` names), so their entries show too;
``--parents`` adds the mmengine types each registry also reaches (optimisers, hooks, ...).
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='List the registered modules')
    parser.add_argument('registry', nargs='?', help='e.g. MODELS or model (default: all)')
    parser.add_argument('--import', dest='imports', nargs='+', default=[], metavar='MODULE',
                        help='import these modules first (your custom_imports)')
    parser.add_argument('--parents', action='store_true',
                        help="also list the mmengine types reachable through each registry")
    return parser.parse_args(argv)


def _where(obj: object) -> str:
    """The file that defines ``obj``: relative to the folder holding the ``wildpose``
    package when it lies there (``wildpose/models/heads/depth_head.py``)."""
    try:
        path = inspect.getsourcefile(obj) or inspect.getfile(obj)  # type: ignore[arg-type]
    except TypeError:
        return '(built in)'
    import wildpose
    root = osp.dirname(osp.dirname(osp.abspath(wildpose.__file__)))
    path = osp.abspath(path)
    return osp.relpath(path, root) if path.startswith(root + osp.sep) else path


def registries() -> dict[str, object]:
    """Every registry of :mod:`wildpose.registry` (the wildpose-scoped ones, not the
    mmengine parents it imports), by variable name."""
    from mmengine.registry import Registry

    from wildpose import registry
    return {name: reg for name, reg in vars(registry).items()
            if isinstance(reg, Registry) and reg.scope == 'wildpose'}


def listing(selected: dict[str, object], parents: bool) -> dict[str, list[tuple[str, str]]]:
    """{'MODELS': [(type name, file), ...], ...}, own entries first, sorted by name."""
    if parents:
        import mmengine.runner  # noqa: F401  (registers mmengine's optimisers, hooks, ...)
    out: dict[str, list[tuple[str, str]]] = {}
    for var, reg in selected.items():
        reg.import_from_location()
        rows = [(name, _where(obj)) for name, obj in sorted(reg.module_dict.items())]
        if parents:
            node = reg.parent
            while node is not None:
                rows += [(name, _where(obj)) for name, obj in sorted(node.module_dict.items())
                         if name not in reg.module_dict]
                node = node.parent
        out[var] = rows
    return out


def main(argv: list[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    args = parse_args(argv)
    for module in args.imports:
        importlib.import_module(module)
    regs = registries()
    if args.registry:
        wanted = {var: reg for var, reg in regs.items()
                  if args.registry in (var, reg.name)}
        if not wanted:
            raise KeyError(f"no registry named '{args.registry}'; known: " + ', '.join(
                f'{var} ({reg.name})' for var, reg in regs.items()))
        regs = wanted
    result = listing(regs, args.parents)
    for var, rows in result.items():
        reg = regs[var]
        print(f"{var}: the '{reg.name}' registry, {len(rows)} type{'' if len(rows) == 1 else 's'}"
              f"{'' if args.parents else ' (own; --parents adds mmengine types)'}")
        width = max((len(name) for name, _ in rows), default=0)
        for name, where in rows:
            print(f'  {name:<{width}}  {where}')
    return result


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
