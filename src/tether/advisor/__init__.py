"""The advisor: a questionnaire lens, safe rule expressions, an explained recommendation with
risks, a cost estimate and a tailored roadmap. Headless: the CLI and the dashboard's wizard
drive the same `Advisor`.
"""
