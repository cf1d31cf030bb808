"""Writes for the prescribers app, one module per concern.

- `profiles`: saving a prescriber profile, link, disconnect, archive, restore, review, merge
- `eprescriptions`: receiving and routing e-prescriptions, the pharmacy's status changes
- `invitations`: inviting a practitioner to the portal and accepting the invitation
- `api_tokens`: a practitioner's API tokens
"""
