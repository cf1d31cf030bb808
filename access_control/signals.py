"""Signals other apps connect to.

`patient_blocked` is sent by `services.patient_block` inside its transaction, after pending
invitations were revoked. Apps above access_control (family links) connect to it to revoke their
own pending links for the record and cancel their queued mail in the same transaction.
Keyword arguments: patient, actor.
"""

from __future__ import annotations

from django.dispatch import Signal

patient_blocked = Signal()
