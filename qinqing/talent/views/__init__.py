"""Pages of the talent service center, one module per side: seekers, employers, the center."""
