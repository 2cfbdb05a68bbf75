import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromiumPath, CHROMIUM_ARGS } from './test/support/chromium.mjs';
import { cancelRecorderMiddleware } from './test/support/cancel-recorder.mjs';
import { defaultReporter } from '@web/test-runner';
import { summaryReporter } from './test/support/summary-reporter.mjs';

export default {
  files: ['test/element/**/*.test.ts', 'test/react/**/*.test.ts', 'test/vue/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  plugins: [esbuildPlugin({ ts: true, tsx: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  middleware: [cancelRecorderMiddleware()],
  concurrency: 1,
  reporters: [
    defaultReporter(),
    ...(process.env.BPS_WTR_SUMMARY ? [summaryReporter(process.env.BPS_WTR_SUMMARY)] : []),
  ],
  testFramework: { config: { timeout: 10000 } },
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    }),
  ],
};
