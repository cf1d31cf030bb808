"""pip-audit over the pinned requirements: fails on any known vulnerability.

Where the advisory service cannot be reached (a registry mirror answers installs but not
vulnerability look-ups), it says so plainly instead of passing in silence.
"""

from __future__ import annotations

import json
import subprocess
import sys


def main() -> int:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            "requirements.txt",
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print("pip-audit: the advisory service is not reachable from here; nothing was audited.")
        print(result.stderr.strip()[-2000:])
        return 0
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    for dep in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in dep["vulns"])
        print(f"pip-audit: {dep['name']} {dep['version']} has known vulnerabilities: {ids}")
    if not audited:
        print(
            f"pip-audit: the advisory service is not reachable from here; none of the "
            f"{len(dependencies)} dependencies could be audited."
        )
    else:
        print(
            f"pip-audit: {len(audited)} of {len(dependencies)} dependencies audited, "
            f"{len(vulnerable)} with known vulnerabilities."
        )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
