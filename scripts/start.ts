// `npm start`: the product on http://127.0.0.1:3000 (docs/contract.md §8). Configuration: README "Configuration".
import { readConfig } from '../lib/config/read.ts';
import { settings } from '../lib/config/schema.ts';
import { applyLambdaLikeEnv } from '../lib/local/lambda-env.ts';

// Before anything imports Powertools, which reads the Lambda environment when its objects are built.
applyLambdaLikeEnv(process.env);
const { startLocal } = await import('../lib/local/start.ts');

// dynalite reports a DATA_DIR it cannot open (LevelDB holds a lock while another process uses it) by throwing
// from inside its request handler; say what that means instead of a stack trace into dynalite.
process.on('uncaughtException', (error) => {
  const { dataDir } = readConfig({ dataDir: settings.dataDir }, process.env);
  process.stderr.write(
    error.message === 'Database is closed' && dataDir
      ? `npm start: cannot open DATA_DIR ${dataDir}: is another npm start using it?\n`
      : `npm start: ${error.stack ?? error.message}\n`,
  );
  process.exit(1);
});

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
