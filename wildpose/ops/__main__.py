"""``python -m wildpose.ops``: print which backend each op uses and why.

Loads the compiled ops (building them just in time, once, if no ahead-of-time build is
found). Exit status 0 when the CPU kernels are compiled or the references were asked for,
1 when the ops fall back to the references.
"""
import json
import sys

from .backend_report import backend_report, format_report


def main(argv: list[str]) -> int:
    if any(a in ('-h', '--help') for a in argv):
        print(__doc__.strip() + '\n\noptions: --json  print the report as JSON')
        return 0
    report = backend_report()
    print(json.dumps(report, indent=2) if '--json' in argv else format_report(report))
    cpu = report['ops']['soft_argmax']['cpu']['backend']
    return 0 if cpu == 'compiled' or report['mode'] == 'reference' else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
