"""Emails: templates in text/HTML pairs, MIME messages, SMTP and Maildir transports, outbox delivery."""
