"""Status platforms in configuration: located errors, the catalogue's platforms and aliases, lint, docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tether.cli import app
from tether.errors import InputError
from tether.model.status_platform import StatusPlatform, detect
from tether.model.systems import SystemCatalogue
from tether.workspace import load_workspace
from tether.workspace.rules import load_rules

HUBSPOT_URL = "        url: ${TETHER_SANDBOX_URL:-https:/}/status.hubspot.com\n"


def _with(bundled_text: str, extra: str) -> str:
    assert HUBSPOT_URL in bundled_text
    return bundled_text.replace(HUBSPOT_URL, HUBSPOT_URL + extra, 1)


# (lines added after the hubspot check's url, where the error points, the message). `None` points at
# the check itself (a rule across fields); a number is the added line that holds the bad value.
BAD_STATUS_CONFIG = [
    (
        "        platform: statuspgae\n",
        (1, 19),
        "integrations[2].checks[0].platform: 'statuspgae' is not one of statuspage, incident-io, slack, "
        "google-workspace, google-cloud, salesforce-trust, microsoft-graph, html-only (did you mean 'statuspage'?)",
    ),
    (
        "        platform: salesforce-trust\n",
        None,
        "integrations[2].checks[0]: Salesforce Trust reports per instance: add `instance:` (e.g. NA123, EU45)",
    ),
    (
        "        platform: microsoft-graph\n        tenant_id: ${M365_TENANT_ID}\n",
        None,
        "integrations[2].checks[0]: Microsoft Graph service health needs `tenant_id`, `client_id` and `client_secret`",
    ),
    (
        "        platform: microsoft-graph\n        tenant_id: ${T}\n        client_id: ${C}\n"
        "        client_secret: hunter2-literal\n",
        (4, 24),
        "integrations[2].checks[0].client_secret: secrets are written as an environment reference",
    ),
    (
        "        instance: NA123\n",
        None,
        "integrations[2].checks[0]: `instance:` is for `platform: salesforce-trust` only",
    ),
]


@pytest.mark.parametrize(("extra", "where", "expected"), BAD_STATUS_CONFIG)
def test_bad_status_config_is_one_located_line(
    bundled_text: str, extra: str, where: tuple[int, int] | None, expected: str
) -> None:
    with pytest.raises(InputError) as info:
        load_workspace(Path("integrations.yaml"), text=_with(bundled_text, extra))
    url_line = bundled_text[: bundled_text.index(HUBSPOT_URL)].count("\n") + 1
    line, col = (url_line - 2, 9) if where is None else (url_line + where[0], where[1])
    message = str(info.value)
    assert message.startswith(f"integrations.yaml:{line}:{col}: {expected}"), message
    assert len(info.value.problems) == 1, message


@pytest.mark.parametrize(
    ("name", "system"),
    [
        ("einstein", "salesforce"),
        ("copilot", "microsoft-365"),
        ("gemini", "google-workspace"),
        ("react", "web-frontend"),
        ("nextjs", "web-frontend"),
        ("flask", "custom-backend"),
        ("fastapi", "custom-backend"),
        ("node", "custom-backend"),
        ("express", "custom-backend"),
        ("slack-ai", "slack"),
        ("notion-ai", "notion"),
        ("hubspot-ai", "hubspot"),
    ],
)
def test_the_names_people_use(name: str, system: str) -> None:
    found = load_rules("systems.yaml", SystemCatalogue).resolve(name)
    assert found is not None and found.id == system


def test_every_seed_vendor_declares_its_status_platform() -> None:
    catalogue = load_rules("systems.yaml", SystemCatalogue)
    platforms = {s.id: s.platform for s in catalogue.systems if s.status_page}
    assert platforms == {
        "zapier": StatusPlatform.STATUSPAGE,
        "make": StatusPlatform.STATUSPAGE,
        "n8n": StatusPlatform.STATUSPAGE,
        "anthropic": StatusPlatform.STATUSPAGE,
        "openai": StatusPlatform.INCIDENT_IO,
        "google-ai": StatusPlatform.HTML_ONLY,
        "vertex-ai": StatusPlatform.GOOGLE_CLOUD,
        "salesforce": StatusPlatform.SALESFORCE_TRUST,
        "hubspot": StatusPlatform.STATUSPAGE,
        "google-workspace": StatusPlatform.GOOGLE_WORKSPACE,
        "microsoft-365": StatusPlatform.MICROSOFT_GRAPH,
        "notion": StatusPlatform.STATUSPAGE,
        "slack": StatusPlatform.SLACK,
        "pinecone": StatusPlatform.STATUSPAGE,
    }
    for system in catalogue.systems:
        told = detect(system.status_page) if system.status_page else None
        # Where the URL tells the platform by itself, the catalogue must agree with it.
        assert told in (None, system.status_platform), system.id


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://slack-status.com", StatusPlatform.SLACK),
        ("${TETHER_SANDBOX_URL:-https:/}/slack-status.com/api/v2.0.0/current", StatusPlatform.SLACK),
        ("https://www.google.com/appsstatus/dashboard/", StatusPlatform.GOOGLE_WORKSPACE),
        ("https://status.cloud.google.com/incidents.json", StatusPlatform.GOOGLE_CLOUD),
        ("https://status.salesforce.com", StatusPlatform.SALESFORCE_TRUST),
        ("https://graph.microsoft.com", StatusPlatform.MICROSOFT_GRAPH),
        ("https://status.example.com/api/v2/summary.json", StatusPlatform.STATUSPAGE),
        ("https://acme.statuspage.io", StatusPlatform.STATUSPAGE),
        ("https://status.example.com/api/v1/summary", StatusPlatform.INCIDENT_IO),
        ("https://status.hubspot.com", None),
        ("https://www.google.com/search", None),
    ],
)
def test_the_url_tells_the_platform_where_it_can(url: str, platform: StatusPlatform | None) -> None:
    assert detect(url) is platform


def test_check_warns_on_an_unrecognised_platform(workspace: Path, runner: CliRunner) -> None:
    path = workspace / "integrations.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("${TETHER_SANDBOX_URL:-https:/}/status.pinecone.io", "https://status.vendor-x.example")
    )
    line = text[: text.index("status.pinecone.io")].count("\n") + 1
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1, result.output
    assert (
        f"integrations.yaml:{line}:14: integrations[3].checks[2].url: the status platform of status.vendor-x.example "
        "is not recognised, so it is read as Statuspage v2; set `platform:`"
    ) in result.output


def test_check_is_quiet_when_the_platform_is_set(workspace: Path, runner: CliRunner) -> None:
    path = workspace / "integrations.yaml"
    old = "        url: ${TETHER_SANDBOX_URL:-https:/}/status.pinecone.io\n"
    path.write_text(
        path.read_text().replace(old, "        url: https://status.vendor-x.example\n        platform: incident-io\n")
    )
    result = runner.invoke(app, ["check"])
    assert "not recognised" not in result.output, result.output


def test_docs_name_each_dependencys_status_source(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["--db", ":memory:", "docs", "--out", str(workspace / "out")])
    assert result.exit_code == 0, result.output
    runbook = " ".join((workspace / "out" / "runbooks" / "lead-intake-zapier.md").read_text().split())
    assert "Slack (`slack`): status from Slack's status API at <https://slack-status.com>" in runbook
    assert "Zapier (`zapier`): status from Statuspage v2 JSON at <https://status.zapier.com>" in runbook


@pytest.mark.parametrize(
    ("url", "vendors"),
    [
        ("${TETHER_SANDBOX_URL:-https:/}/slack-status.com", {"slack"}),
        ("https://status.hubspot.com", {"hubspot"}),
        ("https://status.vendor-x.example", set()),
    ],
)
def test_a_status_check_watches_its_vendor_by_host(url: str, vendors: set[str]) -> None:
    from tether.checks.statuspage import StatuspageCheck
    from tether.monitor.suppression import watched_vendors

    check = StatuspageCheck(name="s", url=url)
    assert watched_vendors(check, load_rules("systems.yaml", SystemCatalogue)) == vendors


@pytest.mark.parametrize(
    "name", ["einstein", "copilot", "gemini", "react", "nextjs", "flask", "fastapi", "node", "express"]
)
def test_integrations_yaml_accepts_the_names_people_use(bundled_text: str, name: str) -> None:
    text = bundled_text.replace("    source: crm\n", f"    source: {name}\n", 1)
    assert f"source: {name}" in text
    load_workspace(Path("integrations.yaml"), text=text)  # no "did you mean 'slack'?" for flask


def test_the_probe_reads_the_platform_from_the_workspaces_own_catalogue(
    workspace: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workspace says HubSpot moved to incident.io: the probe asks for incident.io's feed,
    # which the (Statuspage) stand-in of status.hubspot.com does not serve.
    from tether.workspace.rules import rule_file

    (workspace / "rules").mkdir()
    text = rule_file("systems.yaml", None).read_text()
    old = "    status_page: https://status.hubspot.com\n    status_platform: statuspage\n"
    assert old in text
    (workspace / "rules" / "systems.yaml").write_text(text.replace(old, old.replace("statuspage\n", "incident-io\n")))
    result = runner.invoke(app, ["--db", ":memory:", "probe", "hubspot-ai-scoring", "--sandbox", "--json"])
    row = json.loads(result.stdout)[0]
    assert (row["state"], row["metrics"].get("platform")) == ("unknown", None)
    assert "status.hubspot.com/api/v1/summary is an HTML page" in row["reason"]
    assert "not incident.io's status feed" in row["reason"]
