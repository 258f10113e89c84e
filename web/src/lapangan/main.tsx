import { render } from "preact";

import { App } from "./App";
import "./styles.css";

// The service worker keeps the app shell for days without signal (sw.ts).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/lapangan/sw.js", { scope: "/lapangan/" }).catch(() => {
    // Without it the app still works while online; nothing to tell the worker.
  });
}

const root = document.getElementById("app");
if (root) render(<App />, root);
