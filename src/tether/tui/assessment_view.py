"""An assessment (its JSON form) as Markdown for the wizard's last step: why, risks, estimate, roadmap."""

from __future__ import annotations

from typing import Any


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _cell(text: object) -> str:
    """Text inside a table cell: a pipe would end the cell."""
    return str(text).replace("|", "/")


def assessment_markdown(data: dict[str, Any], milestone: int | None = None) -> str:
    rec = data["recommendation"]
    lines = [f"# Recommendation: {rec['primary']}", ""]
    if rec["complementary"]:
        lines += [f"Together with: **{', '.join(rec['complementary'])}**", ""]
    if milestone is not None:
        lines += [f"Saved as milestone {milestone}.", ""]
    lines += ["", "## Why — the rules that fired on your answers", ""]
    lines += [f"{n}. {step['text']}" for n, step in enumerate(rec["trace"], 1)]
    if data["not_applicable"]:
        lines += ["", "### Not applicable", ""]
        lines += [f"- {qid}: {reason}" for qid, reason in data["not_applicable"].items()]
    risks = data["risks"]
    lines += ["", f"## Risks ({len(risks)})" if risks else "## Risks: none found", ""]
    for risk in risks:
        lines.append(f"- **{risk['level']}** {risk['title']} — because {'; '.join(risk['because'])}.")
        lines.append(f"  Improvement plan: {risk['improvement_plan']}")
    est = data["estimate"]
    lines += [
        "",
        "## Estimate — a month, USD list prices",
        "",
        f"{est['runs_per_month']:,} runs, {est['actions_per_run']} action steps a run, {est['model']} at "
        f"{est['input_tokens_per_run']:,} in / {est['output_tokens_per_run']:,} out tokens a run.",
        "",
        "| pattern | item | per month |",
        "| --- | --- | ---: |",
    ]
    for pattern in est["patterns"]:
        mark = " (recommended)" if pattern["recommended"] else ""
        lines.append(f"| **{pattern['pattern']}{mark}** | total | **{_money(pattern['monthly_usd'])}** |")
        for item in pattern["items"]:
            note = f" ({item['note']})" if item["note"] else ""
            lines.append(f"| | {_cell(item['what'] + note)} | {_money(item['monthly_usd'])} |")
    road = data["roadmap"]
    lines += ["", "## Roadmap", ""]
    for month in road["months"]:
        lines.append(f"### {month['label']}: {month['title']} ({month['pattern']})")
        if month["goal"]:
            lines.append(f"Goal: {month['goal']}")
        lines.append("")
        lines += [f"- [ ] {task}" for task in month["tasks"]]
        lines += [
            f"- [ ] **MUST DO** ({action['level']} risk: {action['title']}): {action['improvement_plan']}"
            for action in month["must_do"]
        ]
        lines += [f"- merged in: {m['title']} — {m['reason']}" for m in month["merged"]]
        lines.append("")
    for skipped in road["skipped"]:
        lines.append(f"- Skipped: {skipped['title']} — {skipped['reason']}")
    if road["checklist"]:
        lines += ["", "### Every month", ""]
        lines += [f"- [ ] {habit}" for habit in road["checklist"]]
    return "\n".join(lines) + "\n"
