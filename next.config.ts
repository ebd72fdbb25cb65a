import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Compression buffers Server-Sent Events; compress at the reverse proxy instead.
  compress: false,
  // Native/WASM or worker-thread packages must be loaded by Node, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pino",
    "pino-pretty",
    "ioredis",
    "pg",
    "prom-client",
    "rate-limiter-flexible",
  ],
  typedRoutes: false,
};

export default nextConfig;
