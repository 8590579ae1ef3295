// Every check, in the order they run: the error catalogue last, since it judges what the others saw.
import type { Check } from "./check.js";
import { authChecks } from "./checks/auth-checks.js";
import { behaviourChecks } from "./checks/behaviour-checks.js";
import { bodyFormatChecks } from "./checks/body-format-checks.js";
import { riskChecks } from "./checks/risk-checks.js";
import { sendApprovalChecks } from "./checks/send-approval-checks.js";
import { undoWindowChecks } from "./checks/undo-window-checks.js";
import { sendPolicyChecks } from "./checks/send-policy-checks.js";
import { caseChecks } from "./checks/case-checks.js";
import { defaultChecks } from "./checks/default-checks.js";
import { errorCatalogueChecks } from "./checks/error-catalogue-check.js";
import { draftChecks } from "./checks/draft-checks.js";
import { folderThreadAttachmentChecks } from "./checks/folder-thread-attachment-checks.js";
import { htmlChecks } from "./checks/html-checks.js";
import { outputSchemaChecks } from "./checks/output-schema-check.js";
import { pageArithmeticChecks } from "./checks/page-arithmetic-check.js";
import { propertyChecks } from "./checks/property-checks.js";
import { protocolChecks } from "./checks/protocol-checks.js";
import { readListedChecks } from "./checks/read-listed-check.js";
import { rateLimitChecks } from "./checks/rate-limit-checks.js";
import { requestBoundsChecks } from "./checks/request-bounds-checks.js";

/** The seed chooses which boundary case of each rule is sure to run when the rate limits cut the others. */
export function allChecks(seed: number): Check[] {
  // Behaviour runs before inputs: the boundary cases read with mark_as_read and change read state.
  // What every run makes comes first (run-plan.ts): by the time the properties start, a server
  // that limits the run has shown its limit, and they take what it leaves. The other cases, whose
  // 150 sends would make every later search longer, come after the properties.
  // The rate-limit check exhausts the key's windows, so nothing but the checks that judge every
  // result the run has seen (outputs, error catalogue) comes after it.
  const cases = caseChecks(seed);
  return [
    ...protocolChecks(),
    ...requestBoundsChecks(),
    ...authChecks(),
    ...behaviourChecks(),
    ...htmlChecks(),
    ...bodyFormatChecks(),
    ...riskChecks(),
    ...sendPolicyChecks(),
    ...sendApprovalChecks(),
    ...undoWindowChecks(),
    ...folderThreadAttachmentChecks(),
    ...draftChecks(),
    ...cases.firstOfEachRule,
    ...propertyChecks(),
    ...cases.others,
    ...defaultChecks(),
    ...readListedChecks(),
    ...rateLimitChecks(),
    ...outputSchemaChecks(),
    ...pageArithmeticChecks(),
    ...errorCatalogueChecks(),
  ];
}

/** --only and --skip: an exact id, or a prefix ending at a dot ("inputs.case" selects inputs.case.*). */
export function selectChecks(checks: Check[], only: string[], skip: string[]): Check[] {
  const matches = (id: string, pattern: string) => id === pattern || id.startsWith(`${pattern}.`);
  return checks.filter(
    (check) => (only.length === 0 || only.some((p) => matches(check.id, p))) && !skip.some((p) => matches(check.id, p)),
  );
}
