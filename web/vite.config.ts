import { defineConfig } from "vitest/config";

// Two apps, one build: the Konsol at `/` (index.html) and, later, the Aplikasi Lapangan at
// `/lapangan/`. Hashed file names under assets/ let the server cache them for good.
export default defineConfig({
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      input: { konsol: "index.html" },
    },
  },
  server: {
    proxy: { "/v1": "http://127.0.0.1:8080" },
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
