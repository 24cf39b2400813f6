from __future__ import annotations

from ai_costs._launch import main

main()
