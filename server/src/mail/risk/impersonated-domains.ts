// Domains that phishing imitates most, the references a lookalike is measured against besides
// the inbox's own domains: payment, mail and cloud accounts, shops, social networks, banks,
// carriers and tax offices.
export const IMPERSONATED_DOMAINS: readonly string[] = [
  "paypal.com",
  "microsoft.com",
  "office.com",
  "outlook.com",
  "live.com",
  "hotmail.com",
  "google.com",
  "gmail.com",
  "apple.com",
  "icloud.com",
  "amazon.com",
  "facebook.com",
  "instagram.com",
  "whatsapp.com",
  "linkedin.com",
  "netflix.com",
  "dropbox.com",
  "docusign.net",
  "github.com",
  "adobe.com",
  "yahoo.com",
  "ebay.com",
  "coinbase.com",
  "binance.com",
  "stripe.com",
  "chase.com",
  "wellsfargo.com",
  "bankofamerica.com",
  "citibank.com",
  "americanexpress.com",
  "dhl.com",
  "fedex.com",
  "ups.com",
  "usps.com",
  "irs.gov",
];

/**
 * Those whose name is an everyday word: a domain merely containing the word ("box-office.com") or
 * one letter away from it ("ample.com") is no imitation; only look-alike characters are.
 */
export const EVERYDAY_WORD_DOMAINS: ReadonlySet<string> = new Set([
  "office.com",
  "outlook.com",
  "live.com",
  "apple.com",
  "chase.com",
  "stripe.com",
  "ups.com",
]);
