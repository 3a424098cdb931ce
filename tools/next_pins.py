"""Print the pins of the third dependency set tools/test.sh runs: for each package named, its newest
pre-release when that is newer than its newest release, otherwise the newest release of the minor
before the newest (``urllib3`` 2.8.0 -> the newest 2.7.x), so an upstream change is seen early.

Asks pip (``pip index versions NAME --pre``); run it with the python whose pip should ask."""
from __future__ import annotations

import re
import subprocess
import sys

try:
    from packaging.version import Version
except ImportError:  # pip always carries a copy
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]


def pin(name: str) -> str:
    out = subprocess.run([sys.executable, "-m", "pip", "index", "versions", name, "--pre"],
                         capture_output=True, text=True, check=True).stdout
    found = re.search(r"Available versions: (.*)", out)
    if found is None:
        raise SystemExit("pip lists no versions of %s:\n%s" % (name, out))
    versions = sorted({Version(v.strip()) for v in found.group(1).split(",") if v.strip()}, reverse=True)
    stable = [v for v in versions if not v.is_prerelease and not v.is_devrelease]
    if versions[0].is_prerelease and (not stable or versions[0] > stable[0]):
        return "%s==%s" % (name, versions[0])
    top = stable[0]
    older = [v for v in stable if (v.major, v.minor) < (top.major, top.minor)]
    return "%s==%s" % (name, (older or stable)[0])


if __name__ == "__main__":
    print(" ".join(pin(name) for name in sys.argv[1:]))
