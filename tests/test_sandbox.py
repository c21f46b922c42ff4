"""The sandbox speaks the real APIs' shapes, scripts replies, and schedules faults over time."""

from __future__ import annotations

import httpx
import pytest
from anthropic import Anthropic, RateLimitError

from tether.sandbox.scenario import Fault, Reply, Scenario, load_scenario
from tether.sandbox.server import Sandbox


def sdk(sandbox: Sandbox) -> Anthropic:
    return Anthropic(api_key="sandbox-key", base_url=sandbox.url, max_retries=0)


def test_scripted_replies_through_the_sdk(sandbox: Sandbox) -> None:
    sandbox.set_scenario(
        Scenario(
            replies=[
                Reply(contains="score this lead", reply='{"score": 82}'),
                Reply(regex=r"(?i)summari[sz]e", reply="A summary."),
            ],
            default_reply="echo",
        )
    )
    client = sdk(sandbox)

    def ask(text: str) -> str:
        message = client.messages.create(
            model="claude-haiku-4-5", max_tokens=100, messages=[{"role": "user", "content": text}]
        )
        return "".join(b.text for b in message.content if b.type == "text")

    assert ask("Please score this lead: ACME, 40 seats") == '{"score": 82}'
    assert ask("Summarise the call") == "A summary."
    assert ask("anything else") == "anything else"


def test_messages_usage_and_headers(sandbox: Sandbox) -> None:
    raw = sdk(sandbox).messages.with_raw_response.create(
        model="claude-haiku-4-5",
        max_tokens=1,
        system=[{"type": "text", "text": "You are helpful. " * 10, "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": "Say OK please"}],
    )
    message = raw.parse()
    assert raw.headers["request-id"].startswith("req_sbx_")
    assert int(raw.headers["anthropic-ratelimit-requests-remaining"]) < int(
        raw.headers["anthropic-ratelimit-requests-limit"]
    )
    assert message.usage.cache_creation_input_tokens > 0 and message.usage.cache_read_input_tokens == 0
    assert message.stop_reason == "end_turn"
    again = sdk(sandbox).messages.create(
        model="claude-haiku-4-5",
        max_tokens=1,
        system=[{"type": "text", "text": "You are helpful. " * 10, "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": "Say OK please"}],
    )
    assert again.usage.cache_read_input_tokens > 0


def test_max_tokens_truncates(sandbox: Sandbox) -> None:
    sandbox.set_scenario(Scenario(default_reply="word " * 50))
    message = sdk(sandbox).messages.create(
        model="claude-haiku-4-5", max_tokens=3, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.stop_reason == "max_tokens"
    assert message.usage.output_tokens <= 3


def test_count_tokens_and_the_real_error_shape(sandbox: Sandbox) -> None:
    count = sdk(sandbox).messages.count_tokens(
        model="claude-haiku-4-5", messages=[{"role": "user", "content": "x" * 40}]
    )
    assert count.input_tokens == 10
    response = httpx.post(
        f"{sandbox.url}/v1/messages/count_tokens",
        headers={"x-api-key": "k"},
        json={"model": "claude-0", "messages": []},
    )
    assert response.status_code == 404
    assert response.json()["type"] == "error"
    assert response.json()["error"] == {"type": "not_found_error", "message": "model: claude-0"}


def test_spend_cap_error_maps_to_the_sdk_class(sandbox: Sandbox) -> None:
    sandbox.add_fault(route="/v1/messages", status=429, error_code="enforced_spend_limit_reached", retry_after=60)
    with pytest.raises(RateLimitError) as caught:
        sdk(sandbox).messages.create(
            model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )
    assert caught.value.error_code == "enforced_spend_limit_reached"
    assert caught.value.response.headers["retry-after"] == "60"


def test_missing_key_is_401(sandbox: Sandbox) -> None:
    response = httpx.get(f"{sandbox.url}/v1/models")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"


def test_faults_are_scheduled_on_the_scenario_clock(sandbox: Sandbox) -> None:
    sandbox.set_faults([Fault(route="/app/health", status=503, after=3600)])
    assert httpx.get(f"{sandbox.url}/app/health").status_code == 200  # not yet
    sandbox.set_faults([Fault(route="/app/health", status=503, after=0, until=3600)])
    assert httpx.get(f"{sandbox.url}/app/health").status_code == 503  # during the outage
    sandbox.set_faults([Fault(route="/app/health", status=503, until=0)])
    assert httpx.get(f"{sandbox.url}/app/health").status_code == 200  # over


def test_control_endpoint_changes_faults_at_runtime(sandbox: Sandbox) -> None:
    put = httpx.put(f"{sandbox.url}/_sandbox/faults", json=[{"route": "/crm/*", "status": 500}])
    assert put.json()["faults"] == [{"route": "/crm/*", "status": 500}]
    assert httpx.get(f"{sandbox.url}/crm/health").status_code == 500
    httpx.delete(f"{sandbox.url}/_sandbox/faults")
    assert httpx.get(f"{sandbox.url}/crm/health").status_code == 200
    assert httpx.put(f"{sandbox.url}/_sandbox/faults", json=[{"stauts": 1}]).status_code == 400


def test_redirect_to_html(sandbox: Sandbox) -> None:
    sandbox.add_fault(route="/status/*", body="redirect-html")
    response = httpx.get(f"{sandbox.url}/status/zapier/api/v2/summary.json", follow_redirects=True)
    assert response.headers["content-type"].startswith("text/html")
    assert response.history[0].status_code == 302


def test_the_bundled_demo_scenario_loads() -> None:
    scenario = load_scenario("demo")
    assert scenario.incidents[0].vendor == "hubspot"


@pytest.mark.parametrize(
    ("path", "kind", "key"),
    [
        ("/slack-status.com/api/v2.0.0/current", "application/json", "active_incidents"),
        ("/slack-status.com", "text/html", None),
        ("/www.google.com/appsstatus/dashboard/incidents.json", "application/json", None),
        ("/www.google.com/appsstatus/dashboard/", "text/html", None),
        ("/status.cloud.google.com/incidents.json", "application/json", None),
        ("/api.status.salesforce.com/v1/instances/NA123/status", "application/json", "Incidents"),
        ("/status.salesforce.com", "text/html", None),
        ("/status.openai.com/api/v1/summary", "application/json", "ongoing_incidents"),
        ("/status.hubspot.com/api/v2/summary.json", "application/json", "scheduled_maintenances"),
        ("/aistudio.google.com/status", "text/html", None),
        ("/status.cloud.microsoft", "text/html", None),
    ],
)
def test_each_vendor_host_answers_in_its_platforms_shape(
    sandbox: Sandbox, path: str, kind: str, key: str | None
) -> None:
    response = httpx.get(f"{sandbox.url}{path}")
    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (200, kind)
    if key:
        assert key in response.json()
    if path.endswith("incidents.json"):
        assert isinstance(response.json(), list)


def test_graph_answers_only_with_a_token_from_its_login(sandbox: Sandbox) -> None:
    health = f"{sandbox.url}/graph.microsoft.com/v1.0/admin/serviceAnnouncement/healthOverviews"
    refused = httpx.get(health)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "InvalidAuthenticationToken")
    form = {
        "client_id": "app",
        "client_secret": "s",
        "scope": "https://graph.microsoft.com/.default",
        "grant_type": "client_credentials",
    }
    token = httpx.post(f"{sandbox.url}/login.microsoftonline.com/tenant/oauth2/v2.0/token", data=form).json()
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 3599)
    ok = httpx.get(health, headers={"authorization": f"Bearer {token['access_token']}"})
    services = {s["service"]: s["status"] for s in ok.json()["value"]}
    assert services["Microsoft Copilot (Microsoft 365)"] == "serviceOperational"
