"use client";

import { ErrorNotice } from "@/components/ui/error-notice";

/** Any page's unexpected failure. */
export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorNotice
      title="Something went wrong on our side."
      hint="Please try again in a moment."
      digest={error.digest}
      reset={reset}
    />
  );
}
