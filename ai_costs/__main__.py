from __future__ import annotations

from ai_costs.cli import main

main()
