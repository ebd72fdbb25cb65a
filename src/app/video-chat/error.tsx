"use client";

import { useEffect } from "react";
import { ErrorNotice } from "@/components/ui/error-notice";

/** A crash inside the video chat: the place in the queue and the chats are kept on the server. */
export default function VideoChatError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <ErrorNotice
      title="The video chat hit a problem."
      hint="Your place and your chats are kept on the server. Reloading usually fixes it."
      digest={error.digest}
      reset={reset}
    />
  );
}
