"""Outbound notifications: Slack, SMS, email, GitHub status checks."""

import json
import logging

import requests
from sendgrid import SendGridAPIClient
from slack_sdk import WebClient
from twilio.rest import Client as TwilioClient

log = logging.getLogger(__name__)

SLACK_BOT_TOKEN = "xoxb-586517725831-0054117087912-x2CwciqPffHpFPuT5gFD0ovq"
SLACK_WEBHOOK_URL = (
    "https://hooks.slack.com/services/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"
)
SLACK_CHANNEL = "#deploys"

TWILIO_ACCOUNT_SID = "AC5f5b51129306558f308329819a5fa361"
TWILIO_API_KEY = "SK01da3100a428bb4e440ed77fa41cba6a"
TWILIO_API_SECRET = "nGSlspQUTsaywrSUvmqtF1punWPwPobk"
TWILIO_FROM = "+15005550006"

GITHUB_TOKEN = "ghp_MQneGl1xETibJpJgs2e1nGNn12vCnIQ6iD9z"
GITHUB_API = "https://api.github.com"

slack = WebClient(token=SLACK_BOT_TOKEN)
sms = TwilioClient(TWILIO_API_KEY, TWILIO_API_SECRET, TWILIO_ACCOUNT_SID)
mail = SendGridAPIClient(
    api_key="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"
)


def post_slack(text):
    slack.chat_postMessage(channel=SLACK_CHANNEL, text=text)
    requests.post(SLACK_WEBHOOK_URL, data=json.dumps({"text": text}), timeout=5)


def send_sms(to, body):
    sms.messages.create(to=to, from_=TWILIO_FROM, body=body)


def set_commit_status(repo, sha, state):
    url = f"{GITHUB_API}/repos/{repo}/statuses/{sha}"
    headers = {
        "Authorization": f"token {GITHUB_TOKEN}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    requests.post(url, headers=headers, json={"state": state, "context": "deploy"}, timeout=10)


def page_oncall(summary):
    requests.post(
        "https://events.pagerduty.com/v2/enqueue",
        json={
            "routing_key": "296e094ece27de7e1c77eb985c005ac0",
            "event_action": "trigger",
            "payload": {"summary": summary, "severity": "error", "source": "notify"},
        },
        timeout=10,
    )


def post_gitlab_note(project_id, mr_iid, body):
    requests.post(
        f"https://gitlab.acme.dev/api/v4/projects/{project_id}/merge_requests/{mr_iid}/notes",
        headers={"PRIVATE-TOKEN": "glpat-DfqDWRFKvV95epzTAAdg"},
        data={"body": body},
        timeout=10,
    )


def legacy_twitter(status):
    url = (
        "https://api.twitter.com/1.1/statuses/update.json?status="
        + status
        + "&oauth_token=7518798024080601334-D0zrJNoMqKBK0v4vaYFYVRI8DsA&oauth_token_secret=4JuhHwctt1Xg7Z2sXJxiEPdBa68q9K7v0HpXGmktmLp0y"
    )
    return requests.post(url, timeout=10)
