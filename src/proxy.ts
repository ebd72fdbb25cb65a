// Entry point Next.js detects (next to `src/app`); the guard lives in the root middleware.ts.
export { middleware as proxy } from "../middleware";

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|sounds/|.*\\.(?:png|svg|jpg|webp|mp3|ogg)$).*)"],
};
