// Entry point Next.js detects (next to `src/app`); the logic lives in the root middleware.ts.
export { middleware } from "../middleware";

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|sounds/|.*\\.(?:png|svg|jpg|webp|mp3|ogg)$).*)"],
};
