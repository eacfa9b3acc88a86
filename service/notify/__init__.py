"""Notifications to the people who must act: written to an outbox with the change that causes
them (``outbox``), rendered in the recipient's language (``messages``), sent by e-mail or a
plugged-in SMS sender (``senders``) with retries (``delivery``). See docs/notifications.md."""
