export * from './status.js';
export * from './products.js';
export * from './session-id.js';
export * from './steps.js';
export * from './hosted-message.js';
export * from './cancel-request.js';
export * from './problem.js';
export * from './webhook.js';
