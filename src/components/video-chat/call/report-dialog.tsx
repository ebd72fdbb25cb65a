"use client";

import { useEffect, useId, useRef, useState } from "react";
import { REPORT_REASONS, type ReportReason } from "@/lib/schemas";

const REASON_LABELS: Record<ReportReason, string> = {
  nudity: "Nudity or sexual content",
  harassment: "Harassment or bullying",
  hate: "Hate speech or symbols",
  minor: "Looks under 18",
  spam: "Spam or advertising",
  violence: "Violence or threats",
  other: "Something else",
};

/** A modal <dialog> (focus is trapped and restored by the browser) to pick a report reason. */
export function ReportDialog({
  open,
  partnerName,
  onSubmit,
  onClose,
}: {
  open: boolean;
  partnerName: string;
  onSubmit: (reason: ReportReason, details: string) => Promise<string | null>;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [details, setDetails] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const detailsId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setReason(null);
      setDetails("");
      setError(null);
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!reason) return setError("Pick what happened first.");
    setSending(true);
    const problem = await onSubmit(reason, details.trim());
    setSending(false);
    if (problem) setError(problem);
  }

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      <form onSubmit={submit} className="dialog__body">
        <h2 id={titleId}>Report {partnerName}</h2>
        <p className="muted">The chat ends right away and you won&apos;t be matched again. Moderators review every report.</p>
        <fieldset className="reasons">
          <legend>What happened?</legend>
          {REPORT_REASONS.map((r) => (
            <label key={r} className={`reason${reason === r ? " reason--on" : ""}`}>
              <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
              {REASON_LABELS[r]}
            </label>
          ))}
        </fieldset>
        <label htmlFor={detailsId}>Details (optional)</label>
        <textarea id={detailsId} value={details} maxLength={1000} rows={3} onChange={(e) => setDetails(e.target.value)} />
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={sending}>
            {sending ? "Sending…" : "Report and leave"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
