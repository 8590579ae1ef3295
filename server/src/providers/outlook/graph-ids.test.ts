import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../../../test/fakes/outlook/fake-session.js";
import type { InboxRecord } from "../../store/store.js";
import { GraphRequestError } from "./graph-request-error.js";
import { messagePath } from "./graph-ids.js";
import { createOutlookProvider } from "./outlook-provider.js";

describe("a message id in a Graph path", () => {
  it("is encoded when it looks like one Graph issues (base64 and base64url)", () => {
    expect(messagePath("AAMkAGI2TG93AAA=")).toBe("/me/messages/AAMkAGI2TG93AAA%3D");
    expect(messagePath("AQMk-_a/b+c=")).toBe("/me/messages/AQMk-_a%2Fb%2Bc%3D");
  });

  it.each(["..", ".", "../me", "a?b=c", "a#b", "a b", "%2e%2e", "", "é"])(
    "never reaches a URL when it could change the path or the query: %j",
    (id) => {
      expect(() => messagePath(id)).toThrow(GraphRequestError);
    },
  );
});

describe("read_email and reply_to_email with a message_id Graph cannot have issued", () => {
  let session: GraphFakeSession;
  const inbox = { id: randomUUID(), addresses: ["ada@contoso.test"] } as InboxRecord;
  beforeAll(() => {
    session = startGraphFake();
  });
  afterAll(() => session.close());

  it('answers message_not_found for "..", which would otherwise read /v1.0/me/', async () => {
    const provider = createOutlookProvider({
      inbox,
      settings: await session.connect("ada@contoso.test"),
      app: FAKE_MICROSOFT_APP,
      saveSettings: async () => undefined,
    });
    const signal = new AbortController().signal;
    const read = await provider.read_email(
      {
        inbox_id: inbox.id,
        message_id: "..",
        include_html: false,
        include_attachments: false,
        mark_as_read: false,
        body_format: "text",
        strip_quoted: false,
      },
      signal,
    );
    expect(read).toMatchObject({ isError: true, errorCode: "message_not_found" });
    const reply = await provider.reply_to_email(
      { inbox_id: inbox.id, message_id: "../..", body: "x", reply_all: false, attachments: [] },
      signal,
    );
    expect(reply).toMatchObject({ isError: true, errorCode: "message_not_found" });
  });

  it("answers message_not_found, not provider_error, for ids Graph parses and refuses as malformed (400 ErrorInvalidIdMalformed)", async () => {
    const provider = createOutlookProvider({
      inbox,
      settings: await session.connect("ada@contoso.test"),
      app: FAKE_MICROSOFT_APP,
      saveSettings: async () => undefined,
    });
    const signal = new AbortController().signal;
    session.fake.resetCounts();
    for (const id of ["AAMk", "AAMkAGI2TG93AAA=", "not-an-id", "AAMk!!bad"]) {
      for (const mark_as_read of [false, true]) {
        const read = await provider.read_email(
          {
            inbox_id: inbox.id,
            message_id: id,
            include_html: false,
            include_attachments: false,
            mark_as_read,
            body_format: "text",
            strip_quoted: false,
          },
          signal,
        );
        expect(read, id).toMatchObject({ isError: true, errorCode: "message_not_found" });
      }
      const reply = await provider.reply_to_email(
        { inbox_id: inbox.id, message_id: id, body: "x", reply_all: false, attachments: [] },
        signal,
      );
      expect(reply, id).toMatchObject({ isError: true, errorCode: "message_not_found" });
    }
    expect(session.fake.graphRequests(/^GET \/me\/messages\/\{id\}\/\$value$/u)).toBe(9);
    expect(session.fake.graphRequests(/^(POST|PATCH) /u)).toBe(0);
  });
});
