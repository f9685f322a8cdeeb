"""Pages of veterans' services: the public wish wall, claimants, veterans and station staff."""
