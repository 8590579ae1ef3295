// HTML bodies are written by strangers. What read_email returns as body_html is sanitized by
// sanitize-html: no scripts, styles, forms or frames, no event handlers, links only to http(s),
// mailto and tel, and images only when embedded in the message (cid:), since a remote image
// tells its sender when and where the message was read (tracking pixels).
import sanitizeHtml from "sanitize-html";

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "center", "font"],
  allowedAttributes: {
    a: ["href", "name", "title"],
    img: ["src", "alt", "title", "width", "height"],
    td: ["colspan", "rowspan", "align", "valign", "width"],
    th: ["colspan", "rowspan", "align", "valign", "width"],
    table: ["width", "align", "border", "cellpadding", "cellspacing"],
    font: ["color", "size"],
    "*": ["dir", "lang"],
  },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: ["cid"] },
  // "//host/pixel.gif" carries no scheme, so the scheme lists above would not catch it.
  allowProtocolRelative: false,
  // An image is kept only with an embedded (cid:) source; sanitize-html would otherwise keep an
  // <img> whose remote src it removed, or one with a relative src that a client resolves remotely.
  exclusiveFilter: (frame) => frame.tag === "img" && !/^cid:/iu.test(frame.attribs.src ?? ""),
};

export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
