// The browser suite: the element's tests in Chromium, Firefox ESR and WebKitGTK, and the
// React / Vue wrappers' tests, in one run. `BPS_ENGINES=firefox` (comma list) narrows it.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { cancelRecorderMiddleware } from './test/support/cancel-recorder.mjs';
import { summaryReporter } from './test/support/summary-reporter.mjs';
import { engineLaunchers } from './test/support/wtr-engines.mjs';

const { browsers, missing } = engineLaunchers();

export default {
  files: ['test/element/**/*.test.ts', 'test/react/**/*.test.ts', 'test/vue/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  plugins: [esbuildPlugin({ ts: true, tsx: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  middleware: [cancelRecorderMiddleware()],
  // One test file at a time per engine: the cancel recorder is shared, and WebDriver drives
  // one window. The engines themselves run side by side.
  concurrency: 1,
  // Three browsers on two cores: give a slow engine's first page time to come up.
  testsStartTimeout: 60_000,
  browserStartTimeout: 60_000,
  reporters: [
    defaultReporter(),
    ...(process.env.BPS_WTR_SUMMARY ? [summaryReporter(process.env.BPS_WTR_SUMMARY, { missing })] : []),
  ],
  testFramework: { config: { timeout: 10000 } },
  browsers,
};
