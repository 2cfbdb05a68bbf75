/**
 * Registers `<bank-pay-session>`. The only module of the element with a side effect; import
 * `BankPaySession` from the index instead to register the class under another name.
 */
import { BankPaySession } from './bank-pay-session.js';

if (!customElements.get('bank-pay-session')) customElements.define('bank-pay-session', BankPaySession);

export { BankPaySession };
