// A page for a request the dashboard refused before knowing who asked.
import { html, layout } from "./layout.js";

export function errorPage(message: string): string {
  return layout(
    { title: "Nothing was done", csrfToken: "", error: message },
    html`<p><a href="/dashboard">Back to the dashboard</a></p>`,
  );
}
