"""Words for synthetic demo data: people, customers, problems, and what people say."""

from __future__ import annotations

FIRST = ("ana", "ben", "chloe", "dev", "elif", "farid", "grace", "hiro", "ines", "jonas", "kemi",
         "lars", "maya", "nils", "olga", "priya", "quinn", "rosa", "sami", "tara", "umar",
         "vera", "wen", "xavi", "yara", "zoe")
LAST = ("ruiz", "okafor", "novak", "singh", "berg", "costa", "meyer", "tanaka", "haddad",
        "kowalski", "dubois", "larsen", "moreau", "ivanova", "patel", "rossi", "schmidt",
        "nakamura", "silva", "nguyen")

# function -> the skills its specialists list
FUNCTIONS = {
    "billing": ("invoices", "refunds"),
    "identity": ("sso", "saml"),
    "networking": ("vpn", "dns"),
    "legal": ("contracts", "gdpr"),
    "security": ("incident", "certificates"),
    "engineering": ("api", "database"),
    "accounts": ("renewals", "licensing"),
}
OWNER_FUNCTION = "support"

CUSTOMERS = ("Acme Corp", "Globex", "Initech", "Umbrella Health", "Stark Logistics",
             "Wayne Foods", "Tyrell Labs", "Cyberdyne Retail", "Hooli", "Vandelay Imports",
             "Soylent Farms", "Oscorp Energy", "Wonka Sweets", "Pied Piper", "Aperture Science",
             "Gringotts Bank", "Monarch Air", "Duff Brewing", "Sirius Telecom", "Nakatomi Trading")

PROBLEMS = {
    "billing": ("charged twice for the annual plan", "invoice shows the wrong VAT number",
                "refund for cancelled seats never arrived"),
    "identity": ("cannot log in after the SSO change", "SAML assertion rejected for new staff",
                 "admins locked out after a password policy change"),
    "networking": ("VPN drops every ten minutes", "custom domain stopped resolving",
                   "webhooks time out from their data centre"),
    "legal": ("needs a signed DPA before go-live", "asks to delete a former employee's data",
              "contract renewal blocked by a liability clause"),
    "security": ("suspects a leaked API key", "certificate expired on their endpoint",
                 "asks for an incident report for their auditor"),
    "engineering": ("API returns 500 on bulk export", "report totals differ from the database",
                    "sync job stuck since the last release"),
    "accounts": ("renewal quote never arrived", "licence count wrong after the merger",
                 "wants to move seats between subsidiaries"),
}

TOUCHES = {
    "support": ("called the customer with an update", "confirmed the impact with the customer",
                "emailed a workaround"),
    "billing": ("issued a credit note", "checked the payment history", "corrected the invoice"),
    "identity": ("checked the IdP metadata", "rotated the signing certificate",
                 "reset the admin account"),
    "networking": ("traced the route with the customer", "flushed the DNS records",
                   "raised the tunnel timeout"),
    "legal": ("reviewed the contract clause", "sent the signed DPA", "approved the data deletion"),
    "security": ("revoked the leaked key", "renewed the certificate", "wrote the incident note"),
    "engineering": ("deployed a hotfix", "replayed the stuck jobs", "patched the export query"),
    "accounts": ("sent the renewal quote", "fixed the licence count", "moved the seats"),
}

ADDED = {
    "billing": ("found the duplicate charge in minutes", "explained the VAT rules to the customer"),
    "identity": ("spotted the expired SAML certificate", "walked their admin through the IdP"),
    "networking": ("found the MTU mismatch", "stayed on the call until the tunnel held"),
    "legal": ("turned the DPA around the same day", "found a clause that let us say yes"),
    "security": ("revoked the key before any harm", "wrote the auditor's report for us"),
    "engineering": ("shipped the fix the same afternoon", "replayed every lost job"),
    "accounts": ("got the quote approved in an hour", "untangled the licence history"),
    "support": ("kept the customer calm through the handoff", "wrote a briefing nobody had to "
                "ask about"),
}

FRICTION = (  # (process, weight, what people say)
    ("refund approvals", 5, ("three approvals for a 20 EUR refund", "approver on holiday, "
                             "customer waited four days", "nobody can approve after 17:00")),
    ("cheque payments", 2, ("accounts won't take a company cheque", "cheques go to an office "
                            "that closed")),
    ("contract changes", 3, ("legal queue is two weeks for a one-word change",
                             "the template has a clause nobody can explain")),
    ("access requests", 3, ("a ticket to get read access to the customer's account",
                            "admin rights expire mid-call")),
    ("sso change notices", 2, ("no notice to customers before certificate rotation",)),
    ("hotfix releases", 1, ("a hotfix waits for the weekly release train",)),
)

DECISIONS = (("low", "extend the trial by two weeks", "they lost days to our outage"),
             ("low", "waive the late fee", "the invoice was wrong"),
             ("medium", "credit one month of service", "two outages in a month"),
             ("medium", "keep the old plan price for a year", "renewal quote came late"),
             ("high", "refund the whole annual plan", "the product never worked for them"),
             ("high", "share the incident report before review", "their auditor needs it"))

PROMISES = ("call back with the fix", "send the corrected invoice", "confirm the refund",
            "update them after the deploy", "send the signed document")
MOOD_NOTES = {"angry": "threatening to cancel", "frustrated": "second day without access",
              "neutral": "", "satisfied": "relieved after the fix", "delighted": "sent thanks"}
DELIGHTS = ("a call from their account manager", "a credit without having to ask",
            "a named contact for the next incident")
NOTES = ("customer on a call at 15:00", "reproduced on our side", "waiting for their logs",
         "workaround accepted for now")
