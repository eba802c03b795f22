"""Signals sent by accounts for higher layers to react to, without accounts importing them.

`trainee_status_changed` is sent inside the request's transaction, after the change is flushed:
sender = the Trainee; keyword arguments `actor` (User), `old` and `new` (TraineeStatus).
Receivers may change rows (they join the same transaction, so everything commits or rolls back
together) and queue after-commit work such as mail; they never commit. The booths domain frees
a suspended trainee's booth-days this way.
"""

from blinker import Namespace

_signals = Namespace()

trainee_status_changed = _signals.signal("trainee-status-changed")

# Sent by register_trainee once the pending trainee is flushed: sender = the Trainee. The
# notifications package tells the centre's staff. Sent again with `resubmitted=True` when a
# rejected trainee corrects their details and asks again (services.resubmit_trainee).
trainee_registered = _signals.signal("trainee-registered")

# Sent by accounts.invitations.invite_staff once the invitation is flushed: sender = the
# StaffInvitation; keyword `token`, the secret of its link (kept nowhere else). The
# notifications package sends it to the invitee.
staff_invited = _signals.signal("staff-invited")

# Sent by accounts.invitations.accept_invitation once the new membership is flushed: sender =
# the StaffInvitation (accepted_by set); keyword `member`, the User who joined. The
# notifications package tells the person who sent the invitation.
staff_invitation_accepted = _signals.signal("staff-invitation-accepted")
