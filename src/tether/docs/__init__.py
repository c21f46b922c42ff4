"""Documents: markdown for the registry, the assessment, the roadmap, each integration and its runbook.

`facts` assembles what the documents say (one seam per data source), `render` turns it into
markdown through jinja2 templates, `check` compares that with what is on disk, and `ai` drafts
extra troubleshooting notes with Claude.
"""
