// Reading and clearing what a test wrote to Redis, by key prefix, on every master of a cluster.
import { Cluster } from "ioredis";
import { connectRedis, type RedisClient } from "../../src/store/redis/redis-connection.js";

export async function withRedisClient<T>(url: string, use: (client: RedisClient) => Promise<T>): Promise<T> {
  const client = await connectRedis(url);
  try {
    return await use(client);
  } finally {
    await client.quit();
  }
}

export async function keysWithPrefix(client: RedisClient, prefix: string): Promise<string[]> {
  const nodes = client instanceof Cluster ? client.nodes("master") : [client];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== "0");
  }
  return keys;
}

/** Every value under the prefix as raw bytes (strings, hash fields and values, set and zset members). */
export async function rawValuesWithPrefix(url: string, prefix: string): Promise<Buffer> {
  return withRedisClient(url, async (client) => {
    const parts: Buffer[] = [];
    for (const key of await keysWithPrefix(client, prefix)) {
      parts.push(Buffer.from(key));
      const type = await client.type(key);
      if (type === "string") parts.push((await client.getBuffer(key)) ?? Buffer.alloc(0));
      else if (type === "hash")
        for (const [field, value] of Object.entries(await client.hgetallBuffer(key)))
          parts.push(Buffer.from(field), value);
      else if (type === "set") parts.push(...(await client.smembersBuffer(key)));
      else if (type === "zset") parts.push(...(await client.zrangeBuffer(key, "0", "-1")));
      else throw new Error(`key ${key} has a type this test does not read: ${type}`);
    }
    return Buffer.concat(parts);
  });
}

export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  await withRedisClient(url, async (client) => {
    // One key per command: in a cluster the keys live in many slots.
    await Promise.all((await keysWithPrefix(client, prefix)).map((key) => client.unlink(key)));
  });
}
