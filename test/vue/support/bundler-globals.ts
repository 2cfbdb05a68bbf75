/**
 * What a bundler would replace in Vue's `esm-bundler` build, which is the one 'vue' resolves to:
 * `process.env.NODE_ENV` and Vue's feature flags. Imported before 'vue' so they exist when
 * Vue's modules run; web-test-runner serves them unbundled.
 */
const globals = globalThis as Record<string, unknown>;
globals.process ??= { env: { NODE_ENV: 'development' } };
globals.__VUE_OPTIONS_API__ = true;
globals.__VUE_PROD_DEVTOOLS__ = false;
globals.__VUE_PROD_HYDRATION_MISMATCH_DETAILS__ = false;
