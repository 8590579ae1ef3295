// A loopback IMAP server that greets and refuses every login (tagged NO [AUTHENTICATIONFAILED]), so
// that a provider really sends its password and handles the refusal. Hand-written: a real server
// (Dovecot) is the IMAP tests' business; this needs four lines of the protocol, not a mailbox.
import { createServer, type Server } from "node:net";

export async function startRefusingImapServer(): Promise<{
  port: number;
  logins: () => number;
  close(): Promise<void>;
}> {
  let logins = 0;
  const server: Server = createServer((socket) => {
    socket.setEncoding("utf8");
    socket.write("* OK [CAPABILITY IMAP4rev1] ready\r\n");
    let buffered = "";
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf("\r\n")) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const [tag = "*", command = ""] = line.split(" ");
        const verb = command.toUpperCase();
        if (verb === "CAPABILITY") socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (verb === "LOGIN" || verb === "AUTHENTICATE") {
          logins++;
          socket.write(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n`);
        } else if (verb === "LOGOUT") socket.end(`* BYE\r\n${tag} OK bye\r\n`);
        else socket.write(`${tag} BAD not here\r\n`);
      }
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    logins: () => logins,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
