import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: "MoodMatch — talk to a stranger",
  description: "Random 1:1 video chat matched by mood and interests. One click, no account, 18+.",
  icons: { icon: "/favicon.svg" },
};

export const viewport: Viewport = {
  themeColor: "#0e1014",
  colorScheme: "dark",
  width: "device-width",
  initialScale: 1,
  viewportFit: "cover",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request: Next puts the CSP nonce (new per response, set by the
  // proxy) on its inline scripts only while rendering, so a prerendered page's scripts would be
  // blocked (instructions/safety-and-operations.md "Security headers").
  await connection();
  return (
    <html lang="en" className="dark">
      <body>{children}</body>
    </html>
  );
}
