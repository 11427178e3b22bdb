// `npm start`: the product on http://127.0.0.1:3000 (SPEC §8). Configuration: README "Configuration".
import { applyLambdaLikeEnv } from '../lib/local/lambda-env.ts';

// Before anything imports Powertools, which reads the Lambda environment when its objects are built.
applyLambdaLikeEnv(process.env);
const { startLocal } = await import('../lib/local/start.ts');

let app: Awaited<ReturnType<typeof startLocal>>;
try {
  app = await startLocal();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping\n`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
