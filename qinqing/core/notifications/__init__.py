"""Notifications: the in-app inbox (站内信) and the outbox that pushes them out.

``services.do_notify`` stores a message per recipient and one ``Delivery`` per
enabled push channel, inside the caller's transaction; after commit the task
``tasks.deliver_notification`` sends each delivery, retrying with backoff.
"""
