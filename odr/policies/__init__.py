"""The service terms and the personal information notice, and which version each user accepted."""
