from django.dispatch import Signal

# Sent inside the transaction that changes what readers see of a target's discussion: a
# comment posted, edited, recommended or moved to another state. Receivers get
# `target_id`. Whoever caches a page of the discussion listens (articles, for instance);
# comments itself knows nothing of them.
discussion_changed = Signal()

# Sent inside the transaction when a comment starts waiting for a moderator: posted and
# held, or hidden by readers' reports. Receivers get `comment`. Whoever tells moderators
# listens (the moderation app's mail); comments itself sends no mail to them.
comment_waiting = Signal()
