"""qinqing (亲清): one platform for a county's public services."""
