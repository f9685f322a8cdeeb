"""Pages of shared workstations: staff (survey, inventory, pipeline, allocations,
occupancy) and teams (apply, follow, book a desk, request a service)."""
