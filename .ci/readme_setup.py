"""Print the README's two set-up commands, one per line, exactly as a newcomer copies them.

`.ci/run` runs what this prints, so CI does what the README says and the README cannot
drift from what works (tests/test_readme.py runs the README's other commands).
"""

import re
import sys
from pathlib import Path

text = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text(encoding="utf-8")
section = text.split("\n## Set-up", 1)[1].split("\n## ", 1)[0]
block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
commands = [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
if len(commands) != 2:
    sys.exit(f"README.md: the set-up block must hold exactly two commands, found {len(commands)}")
print("\n".join(commands))
