// Everything a merchant can take from `bank-pay-session` and `bank-pay-session/define`:
// the class, its events and constants, and the registration.
export * from '../../../src/element/index.js';
import '../../../src/element/define.js';
