"""The tamper-evident audit chain: every act, hash-linked to the one before."""
