"""The platform operator's pages: accounts and organisations."""
