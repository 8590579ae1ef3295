// What the spec says body_html is: sanitized, with "scripts, event handlers, javascript URLs and
// remote images removed" (tools.read_email.input.include_html). Parsed with htmlparser2, as a
// browser would see the elements and attributes, rather than searched for strings.
import { Parser } from "htmlparser2";

const SCRIPTING_ELEMENTS = new Set(["script", "iframe", "frame", "object", "embed", "applet"]);
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "background", "poster", "data"]);

/** Each way this HTML could run code or fetch a remote image, in words; empty when it cannot. */
export function unsafeHtmlProblems(html: string): string[] {
  const problems: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (SCRIPTING_ELEMENTS.has(name)) problems.push(`a <${name}> element`);
        for (const [attribute, value] of Object.entries(attributes)) {
          if (attribute.startsWith("on")) problems.push(`an event handler ${attribute} on <${name}>`);
          // Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
          const scheme = [...value]
            .filter((character) => character.charCodeAt(0) > 0x20)
            .join("")
            .toLowerCase();
          if (URL_ATTRIBUTES.has(attribute) && (scheme.startsWith("javascript:") || scheme.startsWith("vbscript:")))
            problems.push(`a ${scheme.split(":")[0]}: URL in ${attribute} of <${name}>`);
          if (name === "img" && attribute === "src" && /^(https?:)?\/\//u.test(scheme))
            problems.push("a remote image (<img src> on the network)");
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return [...new Set(problems)];
}

/** HTML a stranger might send: every kind of thing the spec says is removed, once. */
export const HOSTILE_HTML = [
  "<p>Invoice attached.</p>",
  "<script>alert(1)</script>",
  '<img src="https://tracker.example/pixel.gif" onerror="alert(2)">',
  '<a href="javascript:alert(3)" onclick="alert(4)">open</a>',
  '<a href="JaVa&#x09;ScRiPt:alert(5)">open too</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<div onmouseover="alert(6)">hover</div>',
  '<svg><a xlink:href="javascript:alert(7)">x</a></svg>',
].join("\n");
