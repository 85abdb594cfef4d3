"""Messages to people: written to an outbox with the change that causes them
(`outbox.enqueue`), sent by `flask --app app send-notifications` through GOV.UK Notify, or to a
local mailbox when no Notify key is set."""
