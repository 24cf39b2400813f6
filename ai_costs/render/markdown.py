"""Markdown for pull-request comments: headline table, cost lines, checks, assumptions, warnings."""

from __future__ import annotations

from typing import Any

from ai_costs.models.report import Report
from ai_costs.render.format import LABELS, fmt_bound, fmt_count, fmt_usd, fmt_value, title


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    align = align or ["---"] * len(header)
    lines = ["| " + " | ".join(_escape(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _summary_rows(report: Report) -> list[list[str]]:
    """metric, key, value, p5, p95 (empty without a range)."""
    rows = []
    for k, v in report.summary.items():
        r = report.ranges.get(k)
        rows.append([LABELS.get(k, k), f"`{k}`", fmt_value(k, v), *((fmt_bound(k, r["p5"]), fmt_bound(k, r["p95"]))
                                                                    if r else ("", ""))])
    return rows


def checks_table(report: Report) -> str:
    rows = [[("✅ pass" if c.ok else "❌ over"), f"`{c.metric}`", fmt_value(c.metric, c.limit),
             fmt_value(c.metric, c.value)] for c in report.checks]
    return table(["result", "metric", "limit", "value"], rows, ["---", "---", "---:", "---:"])


def _compare_table(report: Report) -> str:
    rows: list[dict[str, Any]] = report.summary["rows"]
    task = report.detail["task"]
    keys = (["gpus", "wall_clock_days", "total_usd"] if task == "train"
            else ["gpus", "output_tokens_per_second_per_gpu", "usd_per_million_tokens", "usd_per_month"])
    cost = report.detail["cost_metric"]
    body = [[r["gpu"], r["status"], *(fmt_value(k, r[k]) if r[k] is not None else "" for k in keys),
             *((fmt_bound(cost, rr["p5"]), fmt_bound(cost, rr["p95"])) if (rr := (r.get("ranges") or {}).get(cost))
               else ("", "")),
             "yes" if r["pareto"] else ""] for r in rows]
    return table(["accelerator", "state", *keys, f"{cost} p5", f"{cost} p95", "pareto"], body,
                 ["---", "---", *["---:"] * (len(keys) + 2), "---"])


def report_markdown(report: Report) -> str:
    parts = [f"### ai-costs {report.command}: {title(report)}"]
    if report.checks:
        verdict = "over budget" if report.status == "over_budget" else "within budget"
        parts += [f"**Budget: {verdict}**", checks_table(report)]
    if report.command == "compare-gpus":
        parts.append(f"Best: `{report.summary['best']}`")
        parts.append(_compare_table(report))
    else:
        parts.append(table(["metric", "key", "value", "p5", "p95"], _summary_rows(report),
                           ["---", "---", "---:", "---:", "---:"]))
    if report.line_items:
        rows = [[li.name + (" \\*" if li.assumption else ""), f"{fmt_count(li.quantity)} {li.unit}",
                 "n/a" if li.usd_per_unit is None else f"{fmt_usd(li.usd_per_unit)}/{li.unit}", fmt_usd(li.usd)]
                for li in report.line_items]
        parts += ["Cost lines (\\* = rests on an assumption):",
                  table(["item", "quantity", "unit price", "cost"], rows, ["---", "---:", "---:", "---:"])]
    if report.assumptions:
        parts.append("Assumptions:\n" + "\n".join(f"- {_escape(a)}" for a in report.assumptions))
    if report.warnings:
        parts.append("Warnings:\n" + "\n".join(f"- {_escape(w)}" for w in report.warnings))
    return "\n\n".join(parts) + "\n"
