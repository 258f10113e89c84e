import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

import type { OutputBundle, OutputChunk } from "rolldown";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

// Two apps, one build: the Konsol at `/` (index.html) and the Aplikasi Lapangan at
// `/lapangan/` (lapangan/index.html) with its service worker (`/lapangan/sw.js`, a stable
// name: browsers look for updates at the address they registered). Hashed file names under
// assets/ let the server cache them for good.
export default defineConfig({
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  plugins: [fieldAppShell()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      input: { konsol: "index.html", lapangan: "lapangan/index.html", sw: "src/lapangan/sw.ts" },
      output: {
        entryFileNames: (chunk) => (chunk.name === "sw" ? "lapangan/sw.js" : "assets/[name]-[hash].js"),
        // MapLibre (and its styles) in a chunk of its own, loaded only by the maps; other shared
        // chunks named for what they hold, not for their first module.
        advancedChunks: { groups: [{ name: "maplibre", test: /node_modules[\\/]maplibre-gl/ }] },
        chunkFileNames: (chunk) => {
          if (chunk.moduleIds.some((m) => m.includes("/src/common/"))) return "assets/shared-[hash].js";
          if (!chunk.isDynamicEntry && chunk.moduleIds.some((m) => m.includes("/src/konsol/map/"))) {
            return "assets/map-[hash].js";
          }
          return "assets/[name]-[hash].js";
        },
      },
    },
  },
  server: {
    proxy: { "/v1": "http://127.0.0.1:8080" },
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});

/** Files of public/lapangan that the app shell needs offline. */
const FIELD_APP_STATIC = [
  "/lapangan/index.html",
  "/lapangan/manifest.webmanifest",
  "/lapangan/icon.svg",
  "/lapangan/icon-maskable.svg",
];

/**
 * Writes into the service worker the files of the field app's shell: its page, the scripts
 * and styles its entry loads (followed through static imports; the console's chunks and
 * MapLibre stay out), and its manifest and icons; and a version made from their contents, so
 * that any change of any of them reaches installed phones.
 */
function fieldAppShell(): Plugin {
  return {
    name: "lapangan-shell",
    apply: "build",
    // After the pages are written into the bundle, so that the version covers them too.
    enforce: "post",
    generateBundle(_options, bundle: OutputBundle) {
      const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === "chunk");
      const entry = chunks.find((c) => c.isEntry && c.name === "lapangan");
      const worker = chunks.find((c) => c.isEntry && c.name === "sw");
      if (!entry || !worker) {
        this.error("the field app's entry or its service worker is missing from the build");
      }
      const files = new Set(FIELD_APP_STATIC);
      const visit = (fileName: string) => {
        const item = bundle[fileName];
        if (!item || files.has(`/${fileName}`)) return;
        files.add(`/${fileName}`);
        if (item.type !== "chunk") return;
        item.imports.forEach(visit);
        const meta = (item as OutputChunk & { viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> } })
          .viteMetadata;
        meta?.importedCss.forEach((css) => files.add(`/${css}`));
        meta?.importedAssets.forEach((asset) => files.add(`/${asset}`));
      };
      visit(entry.fileName);
      const shell = [...files].sort();
      const hash = createHash("sha256");
      for (const file of shell) {
        const item = bundle[file.slice(1)];
        const content =
          item?.type === "chunk"
            ? item.code
            : item?.type === "asset"
              ? item.source
              : existsSync(`public${file}`)
                ? readFileSync(`public${file}`)
                : "";
        hash.update(file).update("\0").update(content).update("\0");
      }
      const version = hash.digest("hex").slice(0, 16);
      const code = worker.code
        .replace(/(["'`])__LAPANGAN_SHELL__\1/, JSON.stringify(JSON.stringify(shell)))
        .replaceAll("__LAPANGAN_VERSION__", version);
      if (code.includes("__LAPANGAN_")) this.error(`the service worker's markers were not replaced:\n${code}`);
      worker.code = code;
    },
  };
}
