"""Where messages go: GOV.UK Notify through its official client, or the local mailbox (files
under instance/mailbox/) when no key is set, so every journey can be followed on one laptop."""

from dataclasses import dataclass
from pathlib import Path

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from ..models import OutboxMessage
from .messages import MESSAGES

# Notify's statuses, as the outbox records them.
NOTIFY_DELIVERED = {"delivered"}
NOTIFY_FAILED = {"permanent-failure", "temporary-failure", "technical-failure", "validation-failed"}


class TemporaryFailure(Exception):
    """Worth trying again later: Notify was down (5xx), busy (429) or did not answer in time."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """Will never work as it is (400 bad template or address, 403 bad key): recorded, not retried."""


@dataclass
class NotifyDelivery:
    keeps_copies = False  # Notify has the message: the outbox need not keep a secret link

    api_key: str
    base_url: str
    template_ids: dict[str, str]
    timeout: float = 10

    def _client(self) -> NotificationsAPIClient:
        return NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=self.timeout)

    def send(self, message: OutboxMessage) -> str:
        try:
            answer = self._client().send_email_notification(
                email_address=message.to_address,
                template_id=self.template_ids[message.template],
                personalisation=message.personalisation,
                reference=message.reference,
            )
        except APIError as error:
            raise _failure(error) from error
        return answer["id"]

    def already_sent(self, reference: str) -> str | None:
        """Notify's id for a message sent with this reference, if one was: asked before sending
        again a message whose sender died mid-send."""
        try:
            found = self._client().get_all_notifications(reference=reference)["notifications"]
        except APIError as error:
            raise _failure(error) from error
        return found[0]["id"] if found else None

    def status_of(self, provider_id: str) -> str | None:
        """ "delivered", "failed", or None while Notify is still trying."""
        try:
            status = self._client().get_notification_by_id(provider_id)["status"]
        except APIError as error:
            raise _failure(error) from error
        return "delivered" if status in NOTIFY_DELIVERED else "failed" if status in NOTIFY_FAILED else None


def _failure(error: APIError) -> Exception:
    status = error.status_code
    if status in (400, 403):
        return PermanentFailure(f"{status}: {str(error.message)[:400]}")
    retry_after = None
    if status == 429 and error.response is not None:
        try:
            retry_after = float(error.response.headers.get("Retry-After", ""))
        except ValueError:
            retry_after = None
    return TemporaryFailure(f"{status}: {str(error.message)[:400]}", retry_after)


@dataclass
class MailboxDelivery:
    """Writes each message as a text file, named so they sort in the order they were sent."""

    folder: Path
    keeps_copies = True  # the files are the mailbox

    def send(self, message: OutboxMessage) -> str:
        subject, body = MESSAGES[message.template].render(message.personalisation)
        # The letters hold live sign-in and reset links: only the service's own user may read them.
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        path = self.folder / f"{message.id:08d}-{message.template}.txt"
        path.touch(mode=0o600)
        path.write_text(f"To: {message.to_address}\nSubject: {subject}\nReference: {message.reference}\n\n{body}\n")
        return f"mailbox-{message.id}"

    def already_sent(self, reference: str) -> str | None:
        for path in self.folder.glob("*.txt"):
            if f"Reference: {reference}\n" in path.read_text():
                return f"mailbox-{path.stem.split('-')[0].lstrip('0')}"
        return None

    def status_of(self, provider_id: str) -> str | None:
        return "delivered"  # a file written is a message arrived


def delivery_for(config) -> NotifyDelivery | MailboxDelivery:
    if config.get("NOTIFY_API_KEY"):
        return NotifyDelivery(config["NOTIFY_API_KEY"], config["NOTIFY_BASE_URL"], template_ids(config))
    return MailboxDelivery(Path(config["MAILBOX_DIR"]))


def template_ids(config) -> dict[str, str]:
    return {name: config.get(f"NOTIFY_TEMPLATE_{name.upper()}") for name in MESSAGES}


def missing_template_settings(config) -> list[str]:
    """With a Notify key, every message needs its template id: start-up stops naming the gaps."""
    if not config.get("NOTIFY_API_KEY"):
        return []
    return [f"NOTIFY_TEMPLATE_{name.upper()}" for name, value in template_ids(config).items() if not value]
