"""Print a config as the tools will run it: inheritance resolved, overrides applied.

    python tools/misc/print_config.py CONFIG [--cfg-options key=value ...] [--out FILE]

CONFIG is a path or a shipped config by package name (``wildpose::weak3d/hg_mixed.py``).
The config goes through the same checks as ``tools/train.py`` (misspelt top-level keys,
unknown ``type`` names, ``data_root`` reaching every dataset), so a config that prints
is one the tools accept.
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mmengine.config import DictAction

    parser = argparse.ArgumentParser(description='Print the resolved config')
    parser.add_argument('config', help='config file, or wildpose::<path> for a shipped one')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config entries, e.g. train_cfg.max_iters=10')
    parser.add_argument('--out', help='also write the resolved config to this .py file')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> str:
    args = parse_args(argv)
    from wildpose.engine.config_loader import load_config
    from wildpose.utils import register_all_modules

    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    cfg.pop('launcher', None)  # set by the tools from --launcher, not part of the config
    text = cfg.pretty_text
    print(f'# {args.config}, resolved\n{text}')
    if args.out:
        cfg.dump(args.out)
    return text


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
