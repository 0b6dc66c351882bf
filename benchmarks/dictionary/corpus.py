#!/usr/bin/env python3
"""Drives a running Milestones API (Development) through varied contracts, so that its store holds payloads of every
kind a marketplace writes: contract states, accounts, remembered answers and events, with titles, descriptions,
messages, links, ids, keys, amounts and dates drawn at random (nothing the load tester sends), and paths that take in
change requests, partial releases, bonuses, refunds, ended contracts and payouts. The dictionary the store compresses
with is trained on what this leaves (benchmarks/dictionary/train.sh); the load tester's runs are the measure.

    corpus.py --target http://127.0.0.1:5000 --contracts 300 --seed 1
"""
import argparse
import datetime
import json
import random
import string
import urllib.error
import urllib.request
import uuid

WORDS = """logo brand identity website landing page redesign mobile app ios android backend api database migration
report analysis dashboard chart survey translation french spanish german article blog post copywriting seo audit
video edit animation illustration icon set poster flyer packaging label product photo retouch podcast intro music
mix master voice over script outline chapter manuscript proofread research market competitor pricing model excel
financial forecast bookkeeping invoice template contract review legal memo patent search data cleaning scraper
pipeline etl warehouse query optimisation bug fix feature login payment checkout cart shop plugin theme wordpress
shopify react vue angular python django rails node server deploy docker kubernetes monitoring alerting test suite
unit integration load security review penetration accessibility wireframe prototype user interview persona journey
map onboarding email campaign newsletter social media calendar ads strategy brief kickoff discovery delivery final
draft revision round handoff source files documentation training session workshop presentation deck pitch""".split()


def words(low, high):
    return " ".join(random.choice(WORDS) for _ in range(random.randint(low, high)))


def sentence():
    text = words(3, 14)
    return text[0].upper() + text[1:] + random.choice([".", ".", "!", ""])


def user_id(role):
    alphabet = string.ascii_lowercase + string.digits
    return random.choice(["", "u", "acct-", role[0]]) + "".join(random.choice(alphabet) for _ in range(random.randint(8, 20)))


class Api:
    def __init__(self, target):
        self.target = target.rstrip("/")
        self.tokens = {}

    def token(self, user, platform=False):
        if user not in self.tokens:
            self.tokens[user] = self.call(None, "POST", "/v1/dev/tokens", {"userId": user, "platform": platform})["token"]
        return self.tokens[user]

    def call(self, user, method, path, body=None, key=True):
        headers = {"Content-Type": "application/json"}
        if user is not None:
            headers["Authorization"] = "Bearer " + self.token(user)
        if key and method == "POST" and user is not None and random.random() < 0.9:
            headers["Idempotency-Key"] = str(uuid.uuid4()) if random.random() < 0.7 else words(1, 3).replace(" ", "-") + "-" + uuid.uuid4().hex[:12]
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.target + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return json.loads(raw) if raw else {}
        except urllib.error.HTTPError as error:
            return {"problem": error.code, "body": error.read().decode(errors="replace")}


def contract(api, platform, client, freelancer, currency, today):
    milestones = [{
        "description": sentence(),
        "dueDate": (today + datetime.timedelta(days=random.randint(3, 200))).isoformat(),
        "amount": random.choice([random.randint(5, 5000) * 100, random.randint(1000, 900000)]),
    } for _ in range(random.randint(1, 5))]
    created = api.call(client, "POST", "/v1/contracts", {"freelancerId": freelancer, "title": words(2, 7).title(), "currency": currency, "milestones": milestones})
    cid = created.get("id")
    if cid is None:
        return
    base = f"/v1/contracts/{cid}"
    if random.random() < 0.1:
        api.call(freelancer, "POST", base + "/decline", {"message": sentence()})
        return
    if random.random() < 0.2:
        proposed = api.call(freelancer, "POST", base + "/change-requests", {"message": sentence(), "operations": [
            {"op": "edit", "milestoneId": "m1", "description": sentence(), "amount": milestones[0]["amount"] + random.randint(1, 50) * 100}]})
        if "id" in proposed:
            api.call(client, "POST", f"{base}/change-requests/{proposed['id']}/{random.choice(['accept', 'decline'])}", {"message": sentence()})
    view = api.call(client, "GET", base)
    version = view.get("termsVersion", 1)
    api.call(client, "POST", base + "/accept", {"termsVersion": version})
    api.call(freelancer, "POST", base + "/accept", {"termsVersion": version})
    count = len(view.get("milestones", milestones))
    for m in range(1, count + 1):
        mid = f"m{m}"
        api.call(platform, "POST", f"/v1/accounts/{client}/deposits",
                 {"amount": 2 * max(x["amount"] for x in milestones) + 100000, "currency": currency, "reference": "dep_" + uuid.uuid4().hex[:random.randint(10, 24)]})
        api.call(client, "POST", f"{base}/milestones/{mid}/fund", {})
        if random.random() < 0.15:
            api.call(client, "POST", base + "/end", {"heldFunds": random.choice(["refund", "release"]), "message": sentence()})
            return
        links = [f"https://{random.choice(['drive', 'files', 'share', 'cdn'])}.example/{uuid.uuid4().hex[:10]}/{random.choice(WORDS)}.{random.choice(['pdf', 'zip', 'png', 'docx'])}"
                 for _ in range(random.randint(0, 3))]
        api.call(freelancer, "POST", f"{base}/milestones/{mid}/submit", {"message": sentence(), "links": links})
        if random.random() < 0.2:
            api.call(client, "POST", f"{base}/milestones/{mid}/request-changes", {"message": sentence()})
            api.call(freelancer, "POST", f"{base}/milestones/{mid}/submit", {"message": sentence(), "links": links})
        if random.random() < 0.1:
            return  # left for auto-release
        partial = random.random() < 0.1
        api.call(client, "POST", f"{base}/milestones/{mid}/approve",
                 {"amount": milestones[0]["amount"] // 2, "message": sentence()} if partial else ({"message": sentence()} if random.random() < 0.4 else {}))
        if random.random() < 0.6 and m < count:
            break
    if random.random() < 0.1:
        api.call(client, "POST", base + "/bonuses", {"amount": random.randint(1, 200) * 100, "message": sentence()})
    if random.random() < 0.05:
        api.call(freelancer, "POST", base + "/refunds", {"amount": random.randint(1, 10) * 100, "message": sentence()})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--contracts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    api = Api(args.target)
    platform = "platform-" + uuid.uuid4().hex[:8]
    api.token(platform, platform=True)
    clients = [user_id("client") for _ in range(25)]
    freelancers = [user_id("freelancer") for _ in range(25)]
    today = datetime.date.today()
    for n in range(args.contracts):
        currency = random.choice(["USD", "USD", "USD", "EUR", "GBP"])
        contract(api, platform, random.choice(clients), random.choice(freelancers), currency, today)
    for freelancer in random.sample(freelancers, 5):
        api.call(freelancer, "POST", f"/v1/accounts/{freelancer}/payouts", {"amount": 100, "currency": "USD"})


if __name__ == "__main__":
    main()
