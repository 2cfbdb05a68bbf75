/**
 * Mocha's globals, which web-test-runner defines on the page before it imports a test file.
 * Typed here, for the wrapper tests only: @types/mocha is not installed, and declaring them
 * globally would collide with whatever the other browser suites declare.
 */
type TestBody = () => void | Promise<unknown>;

interface MochaGlobals {
  describe(title: string, body: () => void): void;
  it(title: string, body: TestBody): void;
  beforeEach(body: TestBody): void;
  afterEach(body: TestBody): void;
}

export const { describe, it, beforeEach, afterEach } = globalThis as unknown as MochaGlobals;
