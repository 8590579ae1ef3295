// The worker side of sanitize-pool.ts: one sanitize per task, off the event loop.
import { sanitizeEmailHtml } from "./sanitize.js";

export default function sanitizeTask(html: string): string {
  return sanitizeEmailHtml(html);
}
