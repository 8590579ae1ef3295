// "Connect your client": the endpoint and a configuration for each client, ready to copy.
import type { ClientConfig } from "../client-configs.js";
import { copyable, copyButton, html, layout, type Frame } from "./layout.js";

export function connectClientPage(
  frame: Frame,
  page: { endpoint: string; inboxId?: string; configs: ClientConfig[] },
): string {
  return layout(
    frame,
    html`<section class="card" aria-labelledby="endpoint-title">
        <h2 id="endpoint-title">Endpoint</h2>
        <p>!${copyable(page.endpoint, "endpoint", "endpoint")}</p>
        <p>
          MCP Streamable HTTP. Agents authenticate with <code>Authorization: Bearer &lt;API key&gt;</code>:
          <a href="/dashboard/keys">create a key</a> (it is shown once) and put it where the configurations below say
          <code>mcpe_test_…</code
          >.!${page.inboxId ? html` The examples use the inbox <code>${page.inboxId}</code>.` : ""}
        </p>
      </section>
      !${page.configs.map(
        (config, index) =>
          html`<section class="card" aria-labelledby="client-${index}">
            <h2 id="client-${index}">${config.title}</h2>
            <p class="muted">${config.where}. <a href="${config.docs}">The client's documentation</a>.</p>
            !${config.note ? html`<p>${config.note}</p>` : ""}
            <pre tabindex="0"><code id="config-${index}">${config.snippet}</code></pre>
            !${copyButton(`config-${index}`, `the ${config.title} configuration`)}
          </section>`,
      )}`,
  );
}
