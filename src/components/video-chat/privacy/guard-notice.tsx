"use client";

/** Over the partner's video when the nudity guard hid it: say why, offer Report or Next. */
export function GuardNotice({
  partnerName,
  onReport,
  onNext,
  busy,
}: {
  partnerName: string;
  onReport: () => void;
  onNext: () => void;
  busy: boolean;
}) {
  return (
    <div className="guard-notice" role="alertdialog" aria-labelledby="guard-notice-title" data-testid="guard-notice">
      <p id="guard-notice-title" className="stage__sentence">
        We blurred {partnerName}&apos;s video: it may show nudity.
      </p>
      <p className="stage__detail">This was checked on your device only; nothing was sent anywhere.</p>
      <div className="guard-notice__actions">
        <button type="button" className="button button--danger" onClick={onReport} disabled={busy}>
          Report {partnerName}
        </button>
        <button type="button" className="button button--primary" onClick={onNext} disabled={busy}>
          Next
        </button>
      </div>
    </div>
  );
}
