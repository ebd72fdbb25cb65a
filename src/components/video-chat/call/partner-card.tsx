"use client";

import type { PartnerView } from "@/lib/schemas";
import { MOOD_INFO } from "../moods";

export function Avatar({ partner, size = 44 }: { partner: Pick<PartnerView, "nickname" | "avatar">; size?: number }) {
  const initial = partner.nickname.trim().charAt(0).toUpperCase() || "?";
  // Avatars are emoji or short strings in this product; an http(s) value is drawn as an image.
  const isImage = partner.avatar && /^https?:\/\//.test(partner.avatar);
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.45 }} aria-hidden="true">
      {isImage ? <img src={partner.avatar!} alt="" width={size} height={size} /> : partner.avatar || initial}
    </span>
  );
}

/** Who you're talking to: name, mood, what you have in common, and for how long. */
export function PartnerCard({ partner, elapsed }: { partner: PartnerView; elapsed: string }) {
  const mood = MOOD_INFO[partner.mood] ?? MOOD_INFO.random;
  return (
    <section className="partner" aria-label="Your match">
      <Avatar partner={partner} />
      <div className="partner__text">
        <h2 className="partner__name" data-testid="partner-name">
          {partner.nickname}
        </h2>
        <p className="partner__meta">
          <span aria-label={`Mood: ${mood.label}`}>
            {mood.emoji} {mood.label}
          </span>
          <span aria-hidden="true"> · </span>
          <span aria-label={`Time in call ${elapsed}`} className="partner__timer">
            {elapsed}
          </span>
        </p>
        {partner.commonInterests.length > 0 ? (
          <ul className="tag-list tag-list--small" aria-label="Interests you share">
            {partner.commonInterests.map((interest) => (
              <li key={interest} className="tag tag--shared">
                {interest}
              </li>
            ))}
          </ul>
        ) : (
          <p className="partner__none">No shared interests — ask what they&apos;re into!</p>
        )}
      </div>
    </section>
  );
}
