"""The company dashboard at /dashboard/: company users manage their API keys and see usage and jobs."""
