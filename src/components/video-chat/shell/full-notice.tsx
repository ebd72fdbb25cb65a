"use client";

import { useEffect, useRef } from "react";

/** A whole-page sentence with one action, for states where nothing else makes sense. */
export function FullNotice({ title, children, action }: { title: string; children?: React.ReactNode; action: React.ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="full-notice panel" role="alert">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
      <div className="full-notice__action">{action}</div>
    </section>
  );
}
